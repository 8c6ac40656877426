/// The destination state's contacts in memory, by 64-bit email key: an open-addressing table
/// (linear probing, at most half full) whose slots hold the key and its entry side by side, so a
/// lookup in a table of a million contacts costs one cache miss where a `Dictionary` costs two.
///
/// Slots are only added and changed, never removed (a snapshot lives for one prepare).
struct EmailKeyTable: Sendable {
    /// One contact: the first 16 bytes of its payload hash and its flags (`StateSnapshot`'s).
    struct Entry: Sendable, Equatable {
        var high: UInt64
        var low: UInt64
        var flags: UInt8
    }

    private struct Slot: Sendable {
        var key: UInt64
        var entry: Entry
        var used: Bool
    }

    private var slots: [Slot]
    private var mask: Int
    /// Keys in the table.
    private(set) var count = 0

    /// A table sized for `capacity` keys without growing.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(key: 0, entry: Entry(high: 0, low: 0, flags: 0), used: false), count: size)
        mask = size - 1
    }

    /// The slot holding `key`, or the empty slot where it would go.
    private func probe(_ key: UInt64) -> Int {
        // The key is already a hash; its high bits spread consecutive slots apart.
        var index = Int(truncatingIfNeeded: key >> 20 ^ key) & mask
        while slots[index].used, slots[index].key != key { index = (index + 1) & mask }
        return index
    }

    /// The entry of `key`, if any.
    subscript(key: UInt64) -> Entry? {
        let index = probe(key)
        return slots[index].used ? slots[index].entry : nil
    }

    /// Sets the entry of `key` (added or replaced).
    mutating func set(_ entry: Entry, for key: UInt64) {
        if (count + 1) * 2 > slots.count { grow() }
        let index = probe(key)
        if !slots[index].used { count += 1 }
        slots[index] = Slot(key: key, entry: entry, used: true)
    }

    /// Adds `flags` to the entry of `key` and returns the entry as it was; `nil` (and nothing
    /// changed) when the key is not in the table.
    mutating func insertFlags(_ flags: UInt8, for key: UInt64) -> Entry? {
        let index = probe(key)
        guard slots[index].used else { return nil }
        let before = slots[index].entry
        slots[index].entry.flags |= flags
        return before
    }

    /// How many entries have none of `flags`.
    func count(withoutAny flags: UInt8) -> Int {
        var total = 0
        for slot in slots where slot.used && slot.entry.flags & flags == 0 { total += 1 }
        return total
    }

    private mutating func grow() {
        let old = slots
        var size = slots.count * 2
        if size < 16 { size = 16 }
        slots = Array(repeating: Slot(key: 0, entry: Entry(high: 0, low: 0, flags: 0), used: false), count: size)
        mask = size - 1
        count = 0
        for slot in old where slot.used { set(slot.entry, for: slot.key) }
    }
}
