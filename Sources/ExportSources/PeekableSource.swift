import ExportCore

/// A `ByteSource` whose first bytes can be inspected before reading, without re-opening.
///
/// `peek` is for the start of the stream only: call it before the first `read`.
public struct PeekableSource<Upstream: ByteSource>: ByteSource {
    private var upstream: Upstream
    private var prefix: [UInt8] = []
    private var prefixPosition = 0
    private var upstreamEnded = false
    private var readStarted = false

    /// Wraps `upstream`, which must be at its start.
    public init(_ upstream: Upstream) { self.upstream = upstream }

    /// The first `count` bytes of the stream (fewer when it is shorter).
    public mutating func peek(_ count: Int) throws -> [UInt8] {
        precondition(!readStarted, "peek after read")
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while prefix.count < count && !upstreamEnded {
            let got = try chunk.withUnsafeMutableBytes { try upstream.read(into: $0) }
            if got == 0 { upstreamEnded = true } else { prefix += chunk[0..<got] }
        }
        return Array(prefix.prefix(count))
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        readStarted = true
        guard prefixPosition < prefix.count else {
            return upstreamEnded ? 0 : try upstream.read(into: buffer)
        }
        let count = min(buffer.count, prefix.count - prefixPosition)
        prefix.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + prefixPosition, byteCount: count)
        }
        prefixPosition += count
        if prefixPosition == prefix.count {
            prefix = []
            prefixPosition = 0
        }
        return count
    }
}
