@testable import ExportSync
import Testing

@Suite struct EmailKeyTableTests {
    @Test func findsWhatWasSetAmongCollidingSlotsAndAcrossGrowth() {
        var table = EmailKeyTable(capacity: 2)
        // Keys equal in their low bits probe the same slot first; 0 is a key like any other.
        let keys: [UInt64] = [0, 1 << 40, 2 << 40, 3 << 40, 12345, .max] + (1...500).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        for (n, key) in keys.enumerated() { table.set(.init(high: UInt64(n), low: key, flags: 1), for: key) }
        #expect(table.count == keys.count)
        for (n, key) in keys.enumerated() { #expect(table[key] == .init(high: UInt64(n), low: key, flags: 1)) }
        #expect(table[7 << 40] == nil)
        table.set(.init(high: 9, low: 9, flags: 0), for: 12345)
        #expect(table.count == keys.count, "a key set again is replaced, not added")
        #expect(table[12345]?.high == 9)
    }

    @Test func addsFlagsAndCountsTheEntriesWithoutThem() {
        var table = EmailKeyTable(capacity: 4)
        for key: UInt64 in [10, 20, 30] { table.set(.init(high: 0, low: 0, flags: key == 30 ? 2 : 0), for: key) }
        #expect(table.insertFlags(4, for: 10)?.flags == 0, "returns the entry as it was")
        #expect(table.insertFlags(4, for: 10)?.flags == 4)
        #expect(table.insertFlags(4, for: 99) == nil)
        #expect(table[99] == nil, "flags for an absent key add nothing")
        #expect(table.count(withoutAny: 4 | 2) == 1, "20 alone: 10 has 4, 30 has 2")
    }
}
