import ExportCore

/// Cuts contacts into chunk files, each the exact body of one `POST /batches`.
///
/// A chunk is `{"method":"POST","endpoint":"contacts","items":[` and a newline, one contact per
/// line separated by `,`, then `]}` and a newline. It holds at most `maxItems` contacts and at
/// most `maxBytes` bytes; chunks are numbered from 1 in the order contacts arrive, and each
/// appears atomically (see `AtomicFileWriter`).
public final class ChunkWriter {
    private static let head = Array(#"{"method":"POST","endpoint":"contacts","items":["#.utf8) + [0x0A]
    private static let separator: [UInt8] = [UInt8(ascii: ","), 0x0A]
    private static let tail: [UInt8] = [0x0A, UInt8(ascii: "]"), UInt8(ascii: "}"), 0x0A]

    /// The smallest chunk byte limit that still fits a contact.
    public static let framingBytes = head.count + tail.count

    private let runDirectory: String
    private let maxItems: Int
    private let maxBytes: Int
    private var current: AtomicFileWriter?
    private var currentItems = 0
    private var currentBytes = 0
    /// Chunks finished so far.
    public private(set) var chunks: [RunManifest.ChunkEntry] = []

    /// Creates a writer for `runDirectory/chunks/`, which must exist.
    public init(runDirectory: String, maxItems: Int, maxBytes: Int) {
        precondition(maxItems > 0 && maxBytes > Self.framingBytes, "chunk limits must leave room for a contact")
        self.runDirectory = runDirectory
        self.maxItems = maxItems
        self.maxBytes = maxBytes
    }

    /// Whether a contact of `byteCount` bytes can be sent at all under the byte limit.
    public func fitsAlone(_ byteCount: Int) -> Bool { Self.framingBytes + byteCount <= maxBytes }

    /// Appends one contact (one line of JSON, no newline).
    /// - Returns: the 1-based chunk number and the 0-based position of the contact in it.
    /// - Precondition: `fitsAlone(item.count)`.
    public func append(_ item: [UInt8]) throws -> (chunk: Int, item: Int) {
        precondition(fitsAlone(item.count))
        if current != nil
            && (currentItems == maxItems || currentBytes + Self.separator.count + item.count + Self.tail.count > maxBytes)
        {
            try finishCurrent()
        }
        if current == nil {
            current = try AtomicFileWriter(path: runDirectory + "/" + RunFolderLayout.chunkFile(chunks.count + 1))
            try current!.write(Self.head)
            currentBytes = Self.head.count
            currentItems = 0
        } else {
            try current!.write(Self.separator)
            currentBytes += Self.separator.count
        }
        try current!.write(item)
        currentBytes += item.count
        currentItems += 1
        return (chunks.count + 1, currentItems - 1)
    }

    /// Finishes the last chunk and returns every chunk written.
    public func finish() throws -> [RunManifest.ChunkEntry] {
        if current != nil { try finishCurrent() }
        return chunks
    }

    private func finishCurrent() throws {
        guard let writer = current else { return }
        try writer.write(Self.tail)
        let (bytes, _, sha256) = try writer.commit()
        chunks.append(RunManifest.ChunkEntry(
            file: RunFolderLayout.chunkFile(chunks.count + 1), contacts: currentItems, bytes: bytes, sha256: sha256))
        current = nil
    }
}
