/// The reused storage of one CSV record's fields: their bytes concatenated, and the end offset of
/// each field, in memory the parser writes through pointers (no `Array.append`, no uniqueness
/// check per field).
///
/// Byte room is reserved ahead (`reserveBytes(_:)`) so that a scan can store whole eight-byte
/// words at `freeBytes` and commit only the bytes that belong to the field. Copies of a buffer
/// share its memory, like the `InputBuffer` a reader also holds: keep one owner.
struct CSVFieldBuffer {
    /// Frees the memory when the last copy goes (the pointers below are the live ones; this class
    /// only learns of a new allocation when the buffer grows).
    private final class Owner {
        var bytes: UnsafeMutablePointer<UInt8>
        var ends: UnsafeMutablePointer<Int>
        init(bytes: UnsafeMutablePointer<UInt8>, ends: UnsafeMutablePointer<Int>) {
            self.bytes = bytes
            self.ends = ends
        }
        deinit {
            bytes.deallocate()
            ends.deallocate()
        }
    }

    private let owner: Owner
    private var base: UnsafeMutablePointer<UInt8>
    private var byteCapacity: Int
    private var endsBase: UnsafeMutablePointer<Int>
    private var endCapacity: Int
    /// How many field bytes are stored.
    private(set) var byteCount = 0
    /// How many field ends are stored.
    private(set) var endCount = 0

    /// An empty buffer with room for `byteCapacity` bytes and `endCapacity` fields (it grows).
    init(byteCapacity: Int = 4096, endCapacity: Int = 64) {
        self.byteCapacity = max(byteCapacity, 8)
        self.endCapacity = max(endCapacity, 1)
        base = .allocate(capacity: self.byteCapacity)
        endsBase = .allocate(capacity: self.endCapacity)
        owner = Owner(bytes: base, ends: endsBase)
    }

    /// The stored bytes of every field, concatenated.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: byteCount) }

    /// The end offset in `bytes` of each stored field.
    var ends: UnsafeBufferPointer<Int> { UnsafeBufferPointer(start: endsBase, count: endCount) }

    /// Where the next bytes go: `reserveBytes(_:)` says how many may be written from here.
    var freeBytes: UnsafeMutablePointer<UInt8> { base + byteCount }

    /// Makes room for writing `count` bytes at `freeBytes` (at least), keeping what is stored.
    @inline(__always)
    mutating func reserveBytes(_ count: Int) {
        if byteCount + count > byteCapacity { growBytes(to: byteCount + count) }
    }

    /// Keeps `count` bytes written at `freeBytes` (within the room reserved) as stored.
    @inline(__always)
    mutating func commitBytes(_ count: Int) {
        byteCount += count
    }

    /// Ends a field at the current byte count.
    @inline(__always)
    mutating func endField() {
        if endCount == endCapacity { growEnds() }
        endsBase[endCount] = byteCount  // in bounds: endCount < endCapacity
        endCount += 1
    }

    /// Forgets every field, keeping the memory.
    mutating func removeAll() {
        byteCount = 0
        endCount = 0
    }

    private mutating func growBytes(to needed: Int) {
        let capacity = max(needed, byteCapacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: base, count: byteCount)
        base.deallocate()
        base = grown
        byteCapacity = capacity
        owner.bytes = grown
    }

    private mutating func growEnds() {
        let capacity = endCapacity * 2
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        grown.update(from: endsBase, count: endCount)
        endsBase.deallocate()
        endsBase = grown
        endCapacity = capacity
        owner.ends = grown
    }
}
