import Foundation

/// Byte buffers handed from a producing thread to the file thread and back, so that a chunk or
/// side-file block reuses memory that is already mapped instead of a fresh allocation each time
/// (a fresh half-megabyte buffer costs a page fault and a zeroed page per 4 KiB).
///
/// `take` gives an empty buffer (a reused one when there is one); the file job that wrote it
/// gives it back with `recycle`. At most `limit` idle buffers are kept.
public final class BufferPool: @unchecked Sendable {
    /// A buffer on loan: a class, so the job that writes it can empty it in place and hand it back.
    public final class Buffer: @unchecked Sendable {
        /// The bytes.
        public var bytes: [UInt8] = []
    }

    private let lock = NSLock()
    private var idle: [Buffer] = []
    private let limit: Int

    /// A pool that keeps at most `limit` idle buffers.
    public init(limit: Int = 16) {
        self.limit = limit
    }

    /// An empty buffer with room for at least `capacity` bytes.
    public func take(capacity: Int) -> Buffer {
        lock.lock()
        let reused = idle.popLast()
        lock.unlock()
        let buffer = reused ?? Buffer()
        buffer.bytes.reserveCapacity(capacity)
        return buffer
    }

    /// Empties `buffer` (keeping its memory) and keeps it for a later `take`.
    public func recycle(_ buffer: Buffer) {
        buffer.bytes.removeAll(keepingCapacity: true)
        lock.lock()
        if idle.count < limit { idle.append(buffer) }
        lock.unlock()
    }
}
