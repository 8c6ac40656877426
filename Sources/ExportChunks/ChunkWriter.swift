import ExportCore

/// Cuts contacts into chunk files, each the exact body of one `POST /batches`.
///
/// A chunk is `{"method":"POST","endpoint":"contacts","items":[` and a newline, one contact per
/// line separated by `,`, then `]}` and a newline. It holds at most `maxItems` contacts and at
/// most `maxBytes` bytes; chunks are numbered from 1 in the order contacts arrive, and each
/// appears atomically (see `AtomicFileWriter`).
///
/// A chunk is built in memory; when it is complete, its file is written (hashed, synced, renamed)
/// on the `FileWorkQueue` given, or at once without one. A write error surfaces from a later
/// `append` or from `finish`.
public final class ChunkWriter {
    private static let head = Array(#"{"method":"POST","endpoint":"contacts","items":["#.utf8) + [0x0A]
    private static let separator: [UInt8] = [UInt8(ascii: ","), 0x0A]
    private static let tail: [UInt8] = [0x0A, UInt8(ascii: "]"), UInt8(ascii: "}"), 0x0A]

    /// The smallest chunk byte limit that still fits a contact.
    public static let framingBytes = head.count + tail.count

    /// The manifest entries of the chunks written so far, filled in by the file jobs.
    private final class Entries {
        var list: [RunManifest.ChunkEntry] = []
    }

    private let runDirectory: String
    private let maxItems: Int
    private let maxBytes: Int
    private let io: FileWorkQueue?
    private let entries = Entries()
    /// The bytes of the open chunk; empty when no chunk is open.
    private var current: BufferPool.Buffer
    /// Chunk buffers go back and forth between this writer and the file jobs.
    private let buffers = BufferPool()
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
        current = buffers.take(capacity: 0)
    }

    /// Whether a contact of `byteCount` bytes can be sent at all under the byte limit.
    public func fitsAlone(_ byteCount: Int) -> Bool { Self.framingBytes + byteCount <= maxBytes }

    /// Appends one contact (one line of JSON, no newline).
    /// - Returns: the 1-based chunk number and the 0-based position of the contact in it.
    /// - Precondition: `fitsAlone(item.count)`.
    /// - Throws: the error of an earlier chunk's file write.
    public func append<Item: Collection<UInt8>>(_ item: Item) throws -> (chunk: Int, item: Int) {
        precondition(fitsAlone(item.count))
        if !current.bytes.isEmpty
            && (currentItems == maxItems
                || current.bytes.count + Self.separator.count + item.count + Self.tail.count > maxBytes)
        {
            try finishCurrent()
        }
        if current.bytes.isEmpty {
            // The previous chunk's size is a good guess for this one's, so it rarely reallocates.
            current.bytes.reserveCapacity(lastChunkBytes + lastChunkBytes / 8 + item.count + Self.framingBytes)
            current.bytes.append(contentsOf: Self.head)
            currentItems = 0
            started += 1
        } else {
            current.bytes.append(contentsOf: Self.separator)
        }
        current.bytes.append(contentsOf: item)
        currentItems += 1
        return (started, currentItems - 1)
    }

    /// Finishes the last chunk, waits for every chunk file and returns their manifest entries.
    public func finish() throws -> [RunManifest.ChunkEntry] {
        if !current.bytes.isEmpty { try finishCurrent() }
        try io?.drain()
        return entries.list
    }

    private func finishCurrent() throws {
        current.bytes.append(contentsOf: Self.tail)
        let full = current
        current = buffers.take(capacity: full.bytes.count)
        lastChunkBytes = full.bytes.count
        let file = RunFolderLayout.chunkFile(started)
        let path = runDirectory + "/" + file
        let contacts = currentItems
        let entries = self.entries
        let buffers = self.buffers
        let job = {
            let (size, _, sha256) = try AtomicFileWriter.write(full.bytes, to: path, countsLines: false)
            buffers.recycle(full)
            entries.list.append(RunManifest.ChunkEntry(file: file, contacts: contacts, bytes: size, sha256: sha256))
        }
        if let io { try io.submit(job) } else { try job() }
    }
}
