/// A growable run of bytes written through a pointer: the contacts of a whole batch of rows,
/// back to back, so that the record path makes no array per contact.
///
/// The writer asks for room (`reserve`), writes into it, then keeps what it wrote (`commit`);
/// readers look at committed ranges (`bytes(_:)`). It is a class so that a batch can carry it from
/// the reading thread to the writing thread and back without copying; it is used by one thread at
/// a time (whoever holds the batch), which is why it is `@unchecked Sendable`.
public final class ByteArena: @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private let initialCapacity: Int
    /// How many bytes have been committed.
    public private(set) var count = 0

    /// An empty arena with room for `capacity` bytes before it grows.
    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 16)
        initialCapacity = self.capacity
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Room for `size` bytes after the committed ones, growing the arena when needed (committed
    /// bytes are kept; a pointer from an earlier `reserve` or `bytes` is invalid afterwards).
    public func reserve(_ size: Int) -> UnsafeMutableBufferPointer<UInt8> {
        if count + size > capacity {
            var grown = capacity * 2
            while count + size > grown { grown *= 2 }
            let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            moved.update(from: base, count: count)
            base.deallocate()
            base = moved
            capacity = grown
        }
        return UnsafeMutableBufferPointer(start: base + count, count: size)
    }

    /// Keeps the first `written` bytes of the last `reserve`.
    public func commit(_ written: Int) {
        precondition(written >= 0 && count + written <= capacity, "commit beyond the reserved room")
        count += written
    }

    /// Forgets every byte, keeping the memory for the next batch unless a huge record made it
    /// larger than `keptCapacity` (then it goes back to its first size).
    public func removeAll() {
        count = 0
        if capacity > Self.keptCapacity {
            base.deallocate()
            capacity = initialCapacity
            base = .allocate(capacity: capacity)
        }
    }

    /// The most memory an emptied arena keeps (a batch of ordinary rows needs a few MiB).
    static let keptCapacity = 16 << 20

    /// The committed bytes in `range` (valid until the next `reserve`).
    public func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range beyond the committed bytes")
        return UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
