import Testing
@testable import ExportContactRules

@Suite struct EmailTableTests {
    @Test func growsPastManyKeysAndFindsEveryOne() {
        var table = EmailTable(expectedCount: 0, keepsDates: false)
        let keys = (0..<50_000).map { EmailKey("user\($0)@example.com") }
        for (row, key) in keys.enumerated() { #expect(table.insertIfAbsent(key, row: row) == nil) }
        #expect(table.count == 50_000)
        for (row, key) in keys.enumerated() where row % 7 == 0 {
            #expect(table.insertIfAbsent(key, row: row + 1_000_000) == row)
            #expect(table.row(of: key) == row)
        }
        #expect(table.row(of: EmailKey("nobody@example.com")) == nil)
        #expect(table.count == 50_000)
    }

    @Test func keysSharingAHomeSlotAreKeptApart() {
        // The same low bits of `high`, so the same home slot: probing tells them apart by the rest
        // of `high` or by the tag (the top half of `low`), through growth too.
        var table = EmailTable(expectedCount: 4, keepsDates: false)
        var keys: [EmailKey] = []
        for n in 0..<40 {
            let shared: UInt64 = 1 << 40
            let high: UInt64 = UInt64(n + 1) << 40
            let low: UInt64 = (UInt64(n) << 32) | 5
            keys.append(n % 2 == 0 ? EmailKey(high: high, low: 5) : EmailKey(high: shared, low: low))
        }
        for (n, key) in keys.enumerated() { #expect(table.insertIfAbsent(key, row: n) == nil) }
        for (n, key) in keys.enumerated() { #expect(table.row(of: key) == n) }
        #expect(table.count == 40)
    }

    @Test func copiesDoNotShareTheirTable() {
        var original = EmailTable(expectedCount: 0, keepsDates: false)
        original.upsert(EmailKey("a@example.com"), row: 1)
        var copy = original
        copy.upsert(EmailKey("a@example.com"), row: 2)
        #expect(copy.insertIfAbsent(EmailKey("b@example.com"), row: 3) == nil)
        #expect(original.row(of: EmailKey("a@example.com")) == 1)
        #expect(original.row(of: EmailKey("b@example.com")) == nil)
        #expect(copy.row(of: EmailKey("a@example.com")) == 2)
    }

    @Test func theAllZeroKeyIsAnOrdinaryKey() {
        var table = EmailTable(expectedCount: 0, keepsDates: true)
        let zero = EmailKey(high: 0, low: 0)
        #expect(table.row(of: zero) == nil)
        table.offerNewest(zero, row: 3, date: 10)
        for n in 0..<100 { table.upsert(EmailKey("u\(n)@example.com"), row: n) }  // grows past it
        #expect(table.row(of: zero) == 3)
        table.offerNewest(zero, row: 4, date: 9)
        #expect(table.row(of: zero) == 3)
        table.offerNewest(zero, row: 5, date: 10)
        #expect(table.row(of: zero) == 5)
        #expect(table.count == 101)
    }

    @Test func upsertReplacesAndNewestKeepsItsDateThroughGrowth() {
        var table = EmailTable(expectedCount: 0, keepsDates: true)
        let key = EmailKey("a@example.com")
        table.offerNewest(key, row: 0, date: 100)
        for n in 0..<1_000 { table.offerNewest(EmailKey("u\(n)@example.com"), row: n + 1, date: 0) }
        table.offerNewest(key, row: 2_000, date: 99)
        #expect(table.row(of: key) == 0)
        var last = EmailTable(expectedCount: 0, keepsDates: false)
        last.upsert(key, row: 1)
        last.upsert(key, row: 2)
        #expect(last.row(of: key) == 2 && last.count == 1)
    }

    @Test func prefetchChangesNoAnswerAndKeepsCopiesApart() {
        var table = EmailTable(expectedCount: 0, keepsDates: true)
        let keys = (0..<5_000).map { EmailKey("user\($0)@example.com") }
        let zero = EmailKey(high: 0, low: 0)
        for (row, key) in keys.enumerated() where row % 2 == 0 { table.offerNewest(key, row: row, date: Int64(row)) }
        table.offerNewest(zero, row: 7, date: 1)
        let copy = table
        // Every key, present or not, and the all-zero key (whose slot is past the end).
        table.prefetch(keys + [zero])
        for (row, key) in keys.enumerated() {
            #expect(table.row(of: key) == (row % 2 == 0 ? row : nil))
            if row % 2 == 1 { #expect(table.insertIfAbsent(key, row: row) == nil) }
        }
        #expect(table.row(of: zero) == 7)
        #expect(table.count == 5_001)
        #expect(copy.count == 2_501)
        #expect(copy.row(of: keys[1]) == nil)
        var empty = EmailTable(expectedCount: 0, keepsDates: false)
        empty.prefetch([EmailKey]())
        empty.prefetch(keys)
        #expect(empty.count == 0 && empty.row(of: keys[0]) == nil)
    }
}
