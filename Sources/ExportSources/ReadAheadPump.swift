import ExportCore
import ExportRuntime
import Foundation

/// The thread and the two block queues behind a `ReadAheadSource`.
///
/// The pump thread owns the upstream source from `init` until it ends: it takes a free block,
/// fills it from the upstream and hands it over (at most `depth` blocks circulate), then parks
/// the upstream's end or error behind the last block. `stop()` ends the thread and waits for it,
/// so the upstream (its file descriptor, its zlib state) is released before the consumer's
/// source is gone.
final class ReadAheadPump: @unchecked Sendable {
    /// One filled block: `count` valid bytes at the start of `bytes`. The memory belongs to the
    /// pump; a block is used by one thread at a time (the queues hand it over).
    struct Block: @unchecked Sendable {
        let bytes: UnsafeMutableRawBufferPointer
        var count: Int
    }

    /// What the consumer gets next.
    enum Next: @unchecked Sendable {
        case block(Block)
        case end
        case failure(any Error)
    }

    /// Blocks waiting to be filled (given back by the consumer).
    private let free: BoundedQueue<Block>
    /// Filled blocks, then the end or the failure: room for every block and the marker behind them.
    private let filled: BoundedQueue<Next>
    private let blocks: [UnsafeMutableRawBufferPointer]
    private var thread: WorkerThread<Void>?

    /// Starts the thread reading `upstream` into `depth` blocks of `blockSize` bytes.
    init(upstream: some ByteSource, blockSize: Int, depth: Int, name: String) {
        precondition(blockSize > 0 && depth > 0, "a read-ahead needs at least one non-empty block")
        blocks = (0..<depth).map { _ in .allocate(byteCount: blockSize, alignment: 16) }
        free = BoundedQueue(capacity: depth)
        filled = BoundedQueue(capacity: depth + 1)
        for bytes in blocks { _ = free.offer(Block(bytes: bytes, count: 0)) }
        let box = UpstreamBox(upstream)
        thread = WorkerThread(name: name, stackSize: 1 << 20) { [free, filled] in
            Self.run(box, free: free, filled: filled)
        }
    }

    /// Waits for the next block (or the end, or the upstream's error).
    func next() -> Next {
        filled.pop() ?? .end
    }

    /// Gives a consumed block back to the thread.
    func recycle(_ block: Block) {
        _ = free.offer(block)
    }

    /// The thread's loop: fill a free block, hand it over, until the end, an error or `stop()`.
    private static func run<Upstream: ByteSource>(
        _ box: UpstreamBox<Upstream>, free: BoundedQueue<Block>, filled: BoundedQueue<Next>
    ) {
        defer {
            box.release()
            filled.close()
        }
        while var block = free.pop() {
            var error: (any Error)?
            block.count = 0
            do {
                while block.count < block.bytes.count {
                    let got = try box.upstream.read(into: UnsafeMutableRawBufferPointer(rebasing: block.bytes[block.count...]))
                    if got == 0 { break }
                    block.count += got
                }
            } catch let caught {
                error = caught
            }
            if block.count > 0 {
                guard filled.push(.block(block)) else { return }
            }
            if let error {
                _ = filled.push(.failure(error))
                return
            }
            if block.count < block.bytes.count {
                _ = filled.push(.end)
                return
            }
        }
    }

    /// Tells the thread the consumer has gone and waits until it has released the upstream.
    func stop() {
        free.cancel()
        filled.cancel()
        _ = try? thread?.join()
        thread = nil
    }

    deinit {
        for block in blocks { block.deallocate() }
    }
}

/// Moves a non-`Sendable` source to the pump thread, which is then its only user.
private final class UpstreamBox<Upstream: ByteSource>: @unchecked Sendable {
    var upstream: Upstream!

    init(_ upstream: Upstream) { self.upstream = upstream }

    /// Drops the upstream on the pump thread, where it was last used.
    func release() { upstream = nil }
}
