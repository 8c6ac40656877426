import Testing
@testable import ExportStages

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
        // Same low bits, so the same home slot: linear probing must tell them apart by `high`.
        var table = EmailTable(expectedCount: 4, keepsDates: false)
        for n in 0..<20 { #expect(table.insertIfAbsent(EmailKey(high: UInt64(n + 1), low: 5), row: n) == nil) }
        for n in 0..<20 { #expect(table.row(of: EmailKey(high: UInt64(n + 1), low: 5)) == n) }
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
}
