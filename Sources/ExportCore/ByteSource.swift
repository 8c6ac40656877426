/// A pull source of bytes: a file, a gzip stream, an archive member.
///
/// `read` fills at most `buffer.count` bytes and returns how many it wrote; it returns 0 only at
/// the end of the stream. Sources that own C state (zlib, libarchive) are deliberately not
/// `Sendable`: create them on the thread that reads them and keep them there.
public protocol ByteSource {
    /// Reads the next bytes into `buffer`, returning the count (0 at end of stream).
    /// - Throws: `ExportError` when the underlying file or stream is unusable.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A `ByteSource` over bytes already in memory; for tests, previews and small inputs.
public struct MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0

    /// Creates a source that yields `bytes` and then ends.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - position)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}
