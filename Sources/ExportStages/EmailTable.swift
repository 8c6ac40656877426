/// The dedupe table behind `EmailDeduper`: open addressing with linear probing over flat arrays.
///
/// Keys are `EmailKey`s (16 bytes each); the key's low 64 bits, already well mixed, pick the home
/// slot, so no `Hasher` runs. Row ids are stored as `UInt32` and the `newest` dates as `Int64`
/// (only when `keepsDates`). The capacity is a power of two, the load stays at or below 70 %, and
/// the table doubles when it would pass that. The all-zero key marks an empty slot, so a real
/// all-zero key (a 2⁻¹²⁸ chance) lives in one extra slot past the end.
struct EmailTable: Sendable {
    private var keys: [EmailKey]
    private var rows: [UInt32]
    private var dates: [Int64]
    private let keepsDates: Bool
    /// Capacity − 1 (the capacity excludes the extra slot of the all-zero key).
    private var mask: Int
    private var hasZeroKey = false
    /// How many distinct keys the table holds.
    private(set) var count = 0

    /// A table that holds `expectedCount` keys without growing.
    init(expectedCount: Int, keepsDates: Bool) {
        var capacity = 16
        while capacity * 7 < expectedCount * 10 { capacity *= 2 }
        self.keepsDates = keepsDates
        mask = capacity - 1
        keys = Array(repeating: EmailKey(high: 0, low: 0), count: capacity + 1)
        rows = Array(repeating: 0, count: capacity + 1)
        dates = keepsDates ? Array(repeating: 0, count: capacity + 1) : []
    }

    /// The slot of `key`, or the empty slot where it would go.
    @inline(__always)
    private func find(_ key: EmailKey) -> (slot: Int, found: Bool) {
        if key.high == 0 && key.low == 0 { return (mask + 1, hasZeroKey) }
        let mask = self.mask
        return keys.withUnsafeBufferPointer { slots in
            var i = Int(truncatingIfNeeded: key.low) & mask
            while true {
                let candidate = slots[i]
                if candidate.low == key.low && candidate.high == key.high { return (i, true) }
                if candidate.low == 0 && candidate.high == 0 { return (i, false) }
                i = (i + 1) & mask
            }
        }
    }

    /// Stores `key` in the empty `slot` found for it (growing afterwards when needed).
    @inline(__always)
    private mutating func occupy(_ slot: Int, key: EmailKey, row: Int, date: Int64) {
        precondition(row >= 0 && row < Int(UInt32.max), "row ids must fit in 32 bits")
        if slot == mask + 1 { hasZeroKey = true } else { keys[slot] = key }
        rows[slot] = UInt32(truncatingIfNeeded: row)
        if keepsDates { dates[slot] = date }
        count += 1
        if count * 10 > (mask + 1) * 7 { grow() }
    }

    /// Inserts `key` → `row` when absent and returns `nil`; else returns the stored row.
    mutating func insertIfAbsent(_ key: EmailKey, row: Int) -> Int? {
        let (slot, found) = find(key)
        if found { return Int(rows[slot]) }
        occupy(slot, key: key, row: row, date: 0)
        return nil
    }

    /// Sets `key` → `row`, replacing any earlier row.
    mutating func upsert(_ key: EmailKey, row: Int) {
        let (slot, found) = find(key)
        if found {
            rows[slot] = UInt32(truncatingIfNeeded: row)
        } else {
            occupy(slot, key: key, row: row, date: 0)
        }
    }

    /// Sets `key` → `row` unless the stored row has a later `date` (ties go to the new row).
    mutating func offerNewest(_ key: EmailKey, row: Int, date: Int64) {
        let (slot, found) = find(key)
        if found {
            if date < dates[slot] { return }
            rows[slot] = UInt32(truncatingIfNeeded: row)
            dates[slot] = date
        } else {
            occupy(slot, key: key, row: row, date: date)
        }
    }

    /// The row stored for `key`, if any.
    func row(of key: EmailKey) -> Int? {
        let (slot, found) = find(key)
        return found ? Int(rows[slot]) : nil
    }

    /// Doubles the capacity and re-inserts every key.
    private mutating func grow() {
        let oldKeys = keys, oldRows = rows, oldDates = dates
        let oldCapacity = mask + 1
        let capacity = oldCapacity * 2
        mask = capacity - 1
        keys = Array(repeating: EmailKey(high: 0, low: 0), count: capacity + 1)
        rows = Array(repeating: 0, count: capacity + 1)
        dates = keepsDates ? Array(repeating: 0, count: capacity + 1) : []
        // The all-zero key keeps its extra slot, now at the new end.
        rows[capacity] = oldRows[oldCapacity]
        if keepsDates { dates[capacity] = oldDates[oldCapacity] }
        for old in 0..<oldCapacity {
            let key = oldKeys[old]
            if key.high == 0 && key.low == 0 { continue }
            let (slot, _) = find(key)
            keys[slot] = key
            rows[slot] = oldRows[old]
            if keepsDates { dates[slot] = oldDates[old] }
        }
    }
}
