import ExportCore
import ExportPrepare
import ExportTestSupport
import Foundation
import Testing

/// On generated messy inputs, every row is accounted for, per input and in total, and the side
/// files agree with the counts.
@Suite struct AccountingPropertyTests {
    static let pieces = [
        "a@example.com", " A@Example.com ", "b@example.com", "", "bad", "x..y@example.com", "c@例子.中国",
        "d@example.com", "D@EXAMPLE.COM", "e@ex-ample.ro",
    ]

    func generate(seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        var text = "Email,FirstName,Segment\n"
        let rows = Int(random.next() % 60)
        for _ in 0..<rows {
            let email = Self.pieces[Int(random.next() % UInt64(Self.pieces.count))]
            switch random.next() % 10 {
            case 0: text += "\(email),only-two\n"  // ragged
            case 1: text += "\"\(email)\",\"multi\nline\",S\n"
            case 2: text += "\(email),\"quote \"\"inside\"\"\",S\r\n"
            default: text += "\(email),Name,Seg\(random.next() % 3)\n"
            }
        }
        return text
    }

    @Test(arguments: 0..<25)
    func everyRowIsAccountedFor(seed: Int) throws {
        let f = try PrepareFixture()
        try f.directory.write("one.csv", generate(seed: UInt64(seed) * 2 + 1))
        try f.directory.write("two.csv", generate(seed: UInt64(seed) * 2 + 2))
        try f.pipeline(inputs: ["one.csv", "two.csv"], dedupe: seed % 3 == 0 ? "last" : "first")
        let manifest = try f.prepare().manifest
        #expect(manifest.counts.isBalanced)
        #expect(manifest.inputs.allSatisfy { $0.counts.isBalanced })
        #expect(f.lines("rejects.ndjson").count == manifest.counts.rejected)
        #expect(f.lines("duplicates.ndjson").count == manifest.counts.duplicates)
        #expect(f.lines("contacts.ndjson").count == manifest.counts.kept)
        let emails = try f.emails()
        #expect(emails.count == manifest.counts.kept)
        #expect(Set(emails).count == emails.count, "a kept email appears twice")
    }
}
