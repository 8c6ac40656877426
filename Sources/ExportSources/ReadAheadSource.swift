import ExportCore

/// A `ByteSource` that reads its upstream on a dedicated thread, ahead of the consumer, so that
/// decompression (gzip) runs on another core while the consumer parses.
///
/// The upstream is read into blocks of `blockSize` bytes, at most `depth` blocks ahead. The
/// consumer sees exactly the upstream's bytes, and an upstream error (a corrupt or truncated
/// gzip stream, a decompression limit) is thrown at the same point of the stream, after every
/// byte read before it, and again on any later read. When the last copy of the source goes
/// away, the thread stops after its current read and the upstream is released.
///
/// The upstream moves to the read-ahead thread: do not use it (or a copy sharing its state)
/// afterwards. Copies of a `ReadAheadSource` share the thread: read from one copy only.
public struct ReadAheadSource: ByteSource {
    private let owner: Owner
    private var pump: ReadAheadPump { owner.pump }
    private var current: ReadAheadPump.Block?
    private var position = 0
    private var finished: ReadAheadPump.Next?

    /// Starts reading `upstream` on a new thread named `threadName`.
    public init(
        _ upstream: some ByteSource, blockSize: Int = 1 << 20, depth: Int = 4, threadName: String = "read-ahead"
    ) {
        owner = Owner(pump: ReadAheadPump(upstream: upstream, blockSize: blockSize, depth: depth, name: threadName))
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            if let block = current {
                let count = min(buffer.count, block.count - position)
                buffer.baseAddress!.copyMemory(from: block.bytes.baseAddress! + position, byteCount: count)
                position += count
                if position == block.count {
                    pump.recycle(block)
                    current = nil
                    position = 0
                }
                return count
            }
            switch finished ?? pump.next() {
            case .block(let block):
                current = block
            case .end:
                finished = .end
                return 0
            case .failure(let error):
                finished = .failure(error)
                throw error
            }
        }
    }
}

/// Stops the pump when the last copy of its `ReadAheadSource` goes away (the thread itself holds
/// the pump, so the pump's own lifetime cannot signal that).
private final class Owner {
    let pump: ReadAheadPump

    init(pump: ReadAheadPump) { self.pump = pump }

    deinit { pump.stop() }
}
