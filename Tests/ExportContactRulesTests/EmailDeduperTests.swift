import Testing
@testable import ExportContactRules
@testable import ExportPipeline

@Suite struct EmailDeduperTests {
    @Test func firstPolicyKeepsTheFirstRow() {
        var deduper = EmailDeduper(policy: .first)
        #expect(deduper.firstSeen("a@example.com", row: 0) == nil)
        #expect(deduper.firstSeen("b@example.com", row: 1) == nil)
        #expect(deduper.firstSeen("a@example.com", row: 2) == 0)
        #expect(deduper.firstSeen("a@example.com", row: 3) == 0)
        #expect(deduper.count == 2)
    }

    @Test func lastPolicyKeepsTheLastRow() {
        var deduper = EmailDeduper(policy: .last)
        deduper.offer("a@example.com", row: 0, date: nil)
        deduper.offer("b@example.com", row: 1, date: nil)
        deduper.offer("a@example.com", row: 2, date: nil)
        #expect(deduper.winner(of: "a@example.com") == 2)
        #expect(deduper.winner(of: "b@example.com") == 1)
        #expect(deduper.winner(of: "c@example.com") == nil)
    }

    @Test func newestPolicyKeepsTheLatestDateAndUnparseableLoses() {
        var deduper = EmailDeduper(policy: .newest(field: "UpdatedAt"))
        deduper.offer("a@example.com", row: 0, date: "2024-05-01T10:00:00Z")
        deduper.offer("a@example.com", row: 1, date: "2024-04-30")
        deduper.offer("a@example.com", row: 2, date: "not a date")
        deduper.offer("a@example.com", row: 3, date: nil)
        #expect(deduper.winner(of: "a@example.com") == 0)
        // An offset is honoured: 2024-05-01T12:30+02:00 is 10:30Z, later than 10:00Z.
        deduper.offer("a@example.com", row: 4, date: "2024-05-01T12:30:00+02:00")
        #expect(deduper.winner(of: "a@example.com") == 4)
        // Ties go to the later row.
        deduper.offer("a@example.com", row: 5, date: "2024-05-01 10:30:00Z")
        #expect(deduper.winner(of: "a@example.com") == 5)
        // Among unparseable dates only, the later row wins.
        deduper.offer("b@example.com", row: 6, date: "?")
        deduper.offer("b@example.com", row: 7, date: "")
        #expect(deduper.winner(of: "b@example.com") == 7)
    }

    @Test func keyFormsAgreeWithStringForms() {
        var first = EmailDeduper(policy: .first)
        #expect(first.firstSeen(key: EmailKey("a@example.com"), row: 0) == nil)
        #expect(first.firstSeen("a@example.com", row: 1) == 0)
        #expect(first.firstSeen(key: EmailKey("a@example.com"), row: 2) == 0)
        var newest = EmailDeduper(policy: .newest(field: "UpdatedAt"))
        newest.offer(key: EmailKey("a@example.com"), row: 0, date: "2024-05-02")
        newest.offer("a@example.com", row: 1, date: "2024-05-01")
        #expect(newest.winner(of: EmailKey("a@example.com")) == 0)
        #expect(newest.winner(of: "a@example.com") == 0)
        #expect(newest.winner(of: EmailKey("b@example.com")) == nil)
    }

    @Test func prefetchedBatchesGetTheSameAnswers() {
        // 10 % repeats, looked up in batches of 4096 with and without a prefetch first.
        let keys = (0..<20_000).map { EmailKey("user\($0 % 18_000)@example.com") }
        var plain = EmailDeduper(policy: .first)
        var prefetched = EmailDeduper(policy: .first)
        var answers: [Int?] = []
        var prefetchedAnswers: [Int?] = []
        var start = 0
        while start < keys.count {
            let batch = keys[start..<min(start + 4096, keys.count)]
            prefetched.prefetch(keys: batch)
            for (row, key) in zip(batch.indices, batch) {
                answers.append(plain.firstSeen(key: key, row: row))
                prefetchedAnswers.append(prefetched.firstSeen(key: key, row: row))
            }
            start += 4096
        }
        #expect(prefetchedAnswers == answers)
        #expect(answers[18_005] == 5 && answers[17_999] == nil)
        #expect(prefetched.count == 18_000)
        var last = EmailDeduper(policy: .last)
        last.offer(key: keys[0], row: 0, date: nil)
        last.prefetch(keys: keys.prefix(3))
        #expect(last.winner(of: keys[0]) == 0 && last.winner(of: keys[1]) == nil)
    }

    @Test func contactsCarryTheKeyOfTheirEmail() {
        var contact = MappedContact(email: "a@example.com", json: [])
        #expect(contact.key == EmailKey("a@example.com"))
        contact.email = "b@example.com"
        #expect(contact.key == EmailKey("b@example.com"))
    }

    @Test func keysAreDeterministicAndDistinct() {
        #expect(EmailKey("a@example.com") == EmailKey("a@example.com"))
        #expect(EmailKey("a@example.com").high == 0x0 || EmailKey("a@example.com") != EmailKey("b@example.com"))
        var seen = Set<EmailKey>()
        for i in 0..<100_000 { seen.insert(EmailKey("user\(i)@example.com")) }
        #expect(seen.count == 100_000)
    }

    @Test(arguments: [
        ("2024-05-01", 1_714_521_600 as Int64?),
        ("2024/05/01", 1_714_521_600),
        ("01.05.2024", 1_714_521_600),
        ("2024-05-01T00:00:00.123+00:00", 1_714_521_600),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-30", nil),
        ("05/01/2024", nil),
        (" 2024-05-01\t", 1_714_521_600),
        ("\u{00A0}2024-05-01\u{3000}", 1_714_521_600),
        ("", nil),
    ])
    func sortableDatesParseCommonFormats(text: String, expected: Int64?) {
        #expect(SortableDate.parse(text) == expected)
        var bytes = text
        #expect(bytes.withUTF8 { SortableDate.parse(bytes: $0) } == expected)
    }
}
