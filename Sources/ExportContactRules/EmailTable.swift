#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The dedupe table behind `EmailDeduper`: open addressing with linear probing over one flat
/// array of 16-byte slots.
///
/// A slot holds a key's high 64 bits, then the top 32 bits of its low half (the tag) next to the
/// row id (`UInt32`), so a look-up touches one cache line. The low bits of the high half, already
/// well mixed, pick the home slot, so no `Hasher` runs; keys are told apart by those 96 bits (two
/// addresses collide with a chance of about n²/2⁹⁷: none in practice). The `newest`
/// dates live in a second array, only when `keepsDates`. The capacity is a power of two, the
/// load stays at or below 70 % and the table doubles when it would pass that.
///
/// The memory is mapped directly and marked for huge pages: a ten-million-row table is random
/// access over hundreds of MB, where 4 KiB pages would cost a TLB miss per look-up. A slot whose
/// high half and tag are zero is empty, so a key like that (a 2⁻⁹⁶ chance) has one extra slot
/// past the end.
public struct EmailTable: @unchecked Sendable {
    private struct Slot {
        var high: UInt64
        var tagAndRow: UInt64
    }

    private var memory: TableMemory
    private var slots: UnsafeMutablePointer<Slot>
    private var dates: UnsafeMutablePointer<Int64>?
    private let keepsDates: Bool
    /// Capacity − 1 (the capacity excludes the extra slot).
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
        (memory, slots, dates) = Self.allocate(capacity: capacity, keepsDates: keepsDates)
    }

    private static func allocate(capacity: Int, keepsDates: Bool)
        -> (TableMemory, UnsafeMutablePointer<Slot>, UnsafeMutablePointer<Int64>?)
    {
        let slotBytes = (capacity + 1) * MemoryLayout<Slot>.stride
        let memory = TableMemory(bytes: slotBytes + (keepsDates ? (capacity + 1) * 8 : 0))
        let slots = memory.base.bindMemory(to: Slot.self, capacity: capacity + 1)
        let dates = keepsDates ? (memory.base + slotBytes).bindMemory(to: Int64.self, capacity: capacity + 1) : nil
        return (memory, slots, dates)
    }

    @inline(__always)
    private static func tag(_ key: EmailKey) -> UInt64 { key.low & 0xFFFF_FFFF_0000_0000 }

    /// The slot of `key`, or the empty slot where it would go.
    @inline(__always)
    private func find(_ key: EmailKey) -> (slot: Int, found: Bool) {
        let tag = Self.tag(key)
        if key.high == 0 && tag == 0 { return (mask + 1, hasZeroKey) }
        var i = Int(truncatingIfNeeded: key.high) & mask
        while true {
            let candidate = slots[i]
            let candidateTag = candidate.tagAndRow & 0xFFFF_FFFF_0000_0000
            if candidate.high == key.high && candidateTag == tag { return (i, true) }
            if candidate.high == 0 && candidateTag == 0 { return (i, false) }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    private func row(at slot: Int) -> Int { Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: slots[slot].tagAndRow)) }

    @inline(__always)
    private func setRow(_ row: Int, at slot: Int) {
        slots[slot].tagAndRow = (slots[slot].tagAndRow & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(truncatingIfNeeded: row))
    }

    /// Copies the memory when another copy of the table shares it.
    @inline(__always)
    private mutating func makeUnique() {
        if isKnownUniquelyReferenced(&memory) { return }
        let capacity = mask + 1
        let (copy, newSlots, newDates) = Self.allocate(capacity: capacity, keepsDates: keepsDates)
        newSlots.update(from: slots, count: capacity + 1)
        if let dates, let newDates { newDates.update(from: dates, count: capacity + 1) }
        (memory, slots, dates) = (copy, newSlots, newDates)
    }

    /// Stores `key` in the empty `slot` found for it (growing afterwards when needed).
    @inline(__always)
    private mutating func occupy(_ slot: Int, key: EmailKey, row: Int, date: Int64) {
        precondition(row >= 0 && row < Int(UInt32.max), "row ids must fit in 32 bits")
        if slot == mask + 1 { hasZeroKey = true }
        slots[slot] = Slot(high: key.high, tagAndRow: Self.tag(key) | UInt64(row))
        dates?[slot] = date
        count += 1
        if count * 10 > (mask + 1) * 7 { grow() }
    }

    /// Inserts `key` → `row` when absent and returns `nil`; else returns the stored row.
    mutating func insertIfAbsent(_ key: EmailKey, row: Int) -> Int? {
        let (slot, found) = find(key)
        if found { return self.row(at: slot) }
        makeUnique()
        occupy(slot, key: key, row: row, date: 0)
        return nil
    }

    /// Sets `key` → `row`, replacing any earlier row.
    mutating func upsert(_ key: EmailKey, row: Int) {
        makeUnique()
        let (slot, found) = find(key)
        if found {
            setRow(row, at: slot)
        } else {
            occupy(slot, key: key, row: row, date: 0)
        }
    }

    /// Sets `key` → `row` unless the stored row has a later `date` (ties go to the new row).
    mutating func offerNewest(_ key: EmailKey, row: Int, date: Int64) {
        makeUnique()
        let (slot, found) = find(key)
        if found {
            if date < dates![slot] { return }
            setRow(row, at: slot)
            dates![slot] = date
        } else {
            occupy(slot, key: key, row: row, date: date)
        }
    }

    /// The row stored for `key`, if any.
    func row(of key: EmailKey) -> Int? {
        let (slot, found) = find(key)
        return found ? row(at: slot) : nil
    }

    /// The date stored with `key` (when the table keeps dates), if any.
    func date(of key: EmailKey) -> Int64? {
        guard let dates else { return nil }
        let (slot, found) = find(key)
        return found ? dates[slot] : nil
    }

    /// Loads the home slot of every key in `keys` (and its date, when kept) so that the look-ups
    /// that follow find them in the cache.
    ///
    /// Swift has no prefetch instruction, so these are ordinary loads, made independent of each
    /// other so that the CPU keeps many cache misses in flight at once. The home slots are first
    /// gathered, `prefetchGroup` at a time, into a buffer on the stack, then loaded in a tight
    /// loop: loading while walking `keys` (often a lazy filter and map) fits only a load or two in
    /// the CPU's reorder window, which serialises the misses again. The loaded values go into
    /// the table's sink word, a store into the mapped memory that the optimizer cannot drop.
    mutating func prefetch<Keys: Sequence<EmailKey>>(_ keys: Keys) {
        makeUnique()
        let (slots, dates, mask) = (self.slots, self.dates, self.mask)
        var fold: UInt64 = 0
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.prefetchGroup) { homes in
            var iterator = keys.makeIterator()
            var gathered = homes.count
            while gathered == homes.count {
                gathered = 0
                while gathered < homes.count, let key = iterator.next() {
                    homes[gathered] = Int(truncatingIfNeeded: key.high) & mask
                    gathered += 1
                }
                for home in homes[..<gathered] {
                    fold ^= slots[home].high
                    if let dates { fold ^= UInt64(bitPattern: dates[home]) }
                }
            }
        }
        memory.sink.pointee = fold
    }

    /// Home slots gathered before they are loaded, in `prefetch`.
    private static let prefetchGroup = 64

    /// Doubles the capacity and re-inserts every key.
    private mutating func grow() {
        let (oldMemory, oldSlots, oldDates) = (memory, slots, dates)
        let oldCapacity = mask + 1
        let capacity = oldCapacity * 2
        mask = capacity - 1
        (memory, slots, dates) = Self.allocate(capacity: capacity, keepsDates: keepsDates)
        // The extra slot of the all-zero key moves to the new end.
        slots[capacity] = oldSlots[oldCapacity]
        dates?[capacity] = oldDates?[oldCapacity] ?? 0
        for old in 0..<oldCapacity {
            let entry = oldSlots[old]
            if entry.high == 0 && entry.tagAndRow & 0xFFFF_FFFF_0000_0000 == 0 { continue }
            var i = Int(truncatingIfNeeded: entry.high) & mask
            while slots[i].high != 0 || slots[i].tagAndRow & 0xFFFF_FFFF_0000_0000 != 0 { i = (i + 1) & mask }
            slots[i] = entry
            if let dates, let oldDates { dates[i] = oldDates[old] }
        }
        withExtendedLifetime(oldMemory) {}
    }
}

/// Anonymous memory for `EmailTable`, advised to use huge pages, unmapped on deinit.
final class TableMemory: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    /// One word past the `bytes` asked for, where `EmailTable.prefetch` stores what it loaded.
    let sink: UnsafeMutablePointer<UInt64>
    private let size: Int

    /// Maps `bytes` of zeroed memory (plus the sink word).
    init(bytes: Int) {
        let sinkOffset = (bytes + 7) & ~7
        size = sinkOffset + 8
        guard let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            mapped != MAP_FAILED
        else { fatalError("cannot map \(size) bytes for the dedupe table") }
        base = mapped
        sink = (base + sinkOffset).bindMemory(to: UInt64.self, capacity: 1)
        #if canImport(Glibc)
        if size >= 1 << 21 { _ = madvise(base, size, MADV_HUGEPAGE) }
        #endif
    }

    deinit { munmap(base, size) }
}
