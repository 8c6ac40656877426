import ExportCore
import Foundation

/// The thread and the bounded block queue behind a `ReadAheadSource`.
///
/// The pump thread owns the upstream source from `init` until it ends: it fills fixed-size
/// blocks from it (at most `depth` of them wait at a time) and then parks the upstream's error, if
/// any, behind the last block. `stop()` ends the thread and waits for it, so the upstream (its
/// file descriptor, its zlib state) is released before the consumer's source is gone.
final class ReadAheadPump: @unchecked Sendable {
    /// One filled block: `count` valid bytes at the start of `bytes`.
    struct Block {
        let bytes: UnsafeMutableRawBufferPointer
        var count: Int
    }

    /// What the consumer gets next.
    enum Next {
        case block(Block)
        case end
        case failure(any Error)
    }

    private let condition = NSCondition()
    private var free: [UnsafeMutableRawBufferPointer]
    private var filled: [Block] = []
    private var ended = false
    private var failure: (any Error)?
    private var cancelled = false
    private var running = true
    private let blocks: [UnsafeMutableRawBufferPointer]

    /// Starts the thread reading `upstream` into `depth` blocks of `blockSize` bytes.
    init(upstream: some ByteSource, blockSize: Int, depth: Int, name: String) {
        precondition(blockSize > 0 && depth > 0, "a read-ahead needs at least one non-empty block")
        blocks = (0..<depth).map { _ in .allocate(byteCount: blockSize, alignment: 16) }
        free = blocks
        let box = UpstreamBox(upstream)
        let thread = Thread { [self] in
            run(box)
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Waits for the next block (or the end, or the upstream's error).
    func next() -> Next {
        condition.lock()
        defer { condition.unlock() }
        while filled.isEmpty && !ended && failure == nil { condition.wait() }
        if !filled.isEmpty { return .block(filled.removeFirst()) }
        if let failure { return .failure(failure) }
        return .end
    }

    /// Gives a consumed block back to the thread.
    func recycle(_ block: Block) {
        condition.lock()
        free.append(block.bytes)
        condition.signal()
        condition.unlock()
    }

    /// The thread's loop: fill a free block, hand it over, until the end, an error or cancellation.
    private func run<Upstream: ByteSource>(_ box: UpstreamBox<Upstream>) {
        while let bytes = takeFreeBlock() {
            var count = 0
            var error: (any Error)?
            do {
                while count < bytes.count {
                    let got = try box.upstream.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[count...]))
                    if got == 0 { break }
                    count += got
                }
            } catch let caught {
                error = caught
            }
            condition.lock()
            if count > 0 { filled.append(Block(bytes: bytes, count: count)) } else { free.append(bytes) }
            if let error {
                failure = error
            } else if count < bytes.count {
                ended = true
            }
            let done = ended || failure != nil
            condition.broadcast()
            condition.unlock()
            if done { break }
        }
        box.release()
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for a free block; nil once the consumer has gone.
    private func takeFreeBlock() -> UnsafeMutableRawBufferPointer? {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && !cancelled { condition.wait() }
        return cancelled ? nil : free.removeLast()
    }

    /// Tells the thread the consumer has gone and waits until it has released the upstream.
    func stop() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
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
