import ExportCore

#if canImport(Glibc)
import ExportRunFolder
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cuts contacts into chunk files, each the exact body of one `POST /batches`.
///
/// A chunk is laid out as `ChunkBody` says (one contact per line). It holds at most `maxItems` contacts and at
/// most `maxBytes` bytes; chunks are numbered from 1 in the order contacts arrive, and each
/// appears atomically (see `AtomicFileWriter`).
///
/// A chunk is built in memory; when it is complete, its file is written and hashed on the
/// `FileWorkQueue` given (or at once without one), and synced and renamed into place once
/// `syncLag` later chunks are written, or by `finish`, which returns only when every chunk is
/// durable and in place (so a manifest written after it lists only such files). A write error
/// surfaces from a later `append` or from `finish`.
public struct ChunkWriter {
    private static let head = ChunkBody.head
    private static let tail = ChunkBody.tail

    /// The smallest chunk byte limit that still fits a contact.
    public static let framingBytes = head.count + tail.count

    /// The chunk files on their way: written and being written back by the kernel, not yet
    /// committed; and the manifest entries of the committed ones. Used by the file jobs only
    /// (one at a time, on the file thread), then read by `finish` after they are all done.
    private final class Files: @unchecked Sendable {
        var pending: [(writer: AtomicFileWriter, file: String, contacts: Int)] = []
        var entries: [RunManifest.ChunkEntry] = []

        /// Commits (fsyncs and renames) the oldest pending files until at most `keep` are left.
        func commit(keeping keep: Int) throws {
            while pending.count > keep {
                let (writer, file, contacts) = pending.removeFirst()
                let (size, _, sha256) = try writer.commit()
                entries.append(RunManifest.ChunkEntry(file: file, contacts: contacts, bytes: size, sha256: sha256))
            }
        }
    }

    /// How many chunk files are left to the kernel's writeback before their `fsync`: by the time
    /// a file is committed, its bytes are mostly on disk, so the file thread does not wait for
    /// the disk chunk by chunk (on 1M rows, 16 gave 1.7 s, 64 gave 1.5 s, 192 no better). Each
    /// holds a descriptor open, so at most an eighth of the process's descriptor limit.
    static let syncLag: Int = {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 8 }
        return max(1, min(64, Int(clamping: limit.rlim_cur) / 8))
    }()

    private let runDirectory: String
    private let maxItems: Int
    private let maxBytes: Int
    private let io: FileWorkQueue?
    private let files = Files()
    /// Chunk buffers go back and forth between this writer and the file jobs.
    private let buffers = BufferPool()
    /// The bytes of the open chunk; empty when no chunk is open.
    private var current: [UInt8] = []
    private var currentItems = 0
    /// Chunks started so far (the number of the open chunk).
    private var started = 0
    private var lastChunkBytes = 0

    /// Creates a writer for `runDirectory/chunks/`, which must exist. Chunk files are written on
    /// `io` when given (the caller closes it), else on the calling thread.
    public init(runDirectory: String, maxItems: Int, maxBytes: Int, io: FileWorkQueue? = nil) {
        precondition(maxItems > 0 && maxBytes > Self.framingBytes, "chunk limits must leave room for a contact")
        self.runDirectory = runDirectory
        self.maxItems = maxItems
        self.maxBytes = maxBytes
        self.io = io
    }

    /// Whether a contact of `byteCount` bytes can be sent at all under the byte limit.
    public func fitsAlone(_ byteCount: Int) -> Bool { Self.framingBytes + byteCount <= maxBytes }

    /// Appends one contact (one line of JSON, no newline).
    /// - Returns: the 1-based chunk number and the 0-based position of the contact in it.
    /// - Precondition: `fitsAlone(item.count)`.
    /// - Throws: the error of an earlier chunk's file write.
    public mutating func append<Item: Collection<UInt8>>(_ item: Item) throws -> (chunk: Int, item: Int) {
        precondition(fitsAlone(item.count))
        // The separator is `,` and a newline: 2 bytes.
        if !current.isEmpty && (currentItems == maxItems || current.count + 2 + item.count + Self.tail.count > maxBytes) {
            try finishCurrent()
        }
        if current.isEmpty {
            // The previous chunk's size is a good guess for this one's, so it rarely reallocates.
            current.reserveCapacity(lastChunkBytes + lastChunkBytes / 8 + item.count + Self.framingBytes)
            current.append(contentsOf: Self.head)
            currentItems = 0
            started += 1
        } else {
            current.append(UInt8(ascii: ","))
            current.append(0x0A)
        }
        current.append(contentsOf: item)
        currentItems += 1
        return (started, currentItems - 1)
    }

    /// Finishes the last chunk, waits for every chunk file and returns their manifest entries.
    public mutating func finish() throws -> [RunManifest.ChunkEntry] {
        if !current.isEmpty { try finishCurrent() }
        let files = self.files
        let job = { try files.commit(keeping: 0) }
        if let io {
            try io.submit(job)
            try io.drain()
        } else {
            try job()
        }
        return files.entries
    }

    /// Hands the open chunk to a file job; the next chunk is built in the buffer an earlier
    /// job gave back.
    private mutating func finishCurrent() throws {
        current.append(contentsOf: Self.tail)
        let full = buffers.take(capacity: current.count)
        swap(&full.bytes, &current)
        lastChunkBytes = full.bytes.count
        let file = RunFolderLayout.chunkFile(started)
        let path = runDirectory + "/" + file
        let contacts = currentItems
        let files = self.files
        let buffers = self.buffers
        let job = {
            let writer = try AtomicFileWriter(path: path, countsLines: false)
            try writer.writeThrough(full.bytes)
            try writer.startWriteback()
            buffers.recycle(full)
            files.pending.append((writer, file, contacts))
            try files.commit(keeping: Self.syncLag)
        }
        if let io { try io.submit(job) } else { try job() }
    }
}
