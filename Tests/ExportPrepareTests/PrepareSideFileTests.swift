import ExportCore
import ExportTestSupport
import Foundation
import Testing

@testable import ExportPrepare

/// `warnings.ndjson` (a line per field left out of a contact) and why `duplicates.ndjson`'s kept
/// row won.
@Suite struct PrepareSideFileTests {
    @Test func warningsGetALineEachWithInputLineFieldAndCode() throws {
        let f = try PrepareFixture()
        try f.directory.write("mapping.yaml", PrepareFixture.mapping + "\ngender: Sex\n")
        try f.directory.write("in.csv", """
            Email,FirstName,Segment,Sex
            ana@example.ro,Ana,VIP,F
            ion@example.ro,Ion,VIP,x
            bob@example.com,Bob,VIP,?

            """)
        try f.pipeline(inputs: ["in.csv"])
        let result = try f.prepare()
        let warnings = f.objects("warnings.ndjson")
        #expect(warnings.map { $0["line"] as? Int } == [3, 4])
        #expect(warnings.map { $0["field"] as? String } == ["gender", "gender"])
        #expect(warnings.map { $0["code"] as? String } == ["gender_invalid", "gender_invalid"])
        #expect(warnings.map { $0["email"] as? String } == ["ion@example.ro", "bob@example.com"])
        #expect(warnings.first?["input"] as? String == f.root + "/in.csv")
        #expect(f.lines("warnings.ndjson").first?.hasPrefix("{\"input\":") == true)
        #expect(result.manifest.warnings == ["gender_invalid": 2])
        let entry = try #require(result.manifest.files.first { $0.file == "warnings.ndjson" })
        #expect(entry.lines == 2)
        #expect(entry.sha256 == FileHasher.sha256([UInt8](try Data(contentsOf: URL(fileURLWithPath: f.root + "/run/warnings.ndjson")))))
    }

    @Test func aRunWithoutWarningsHasAnEmptyWarningsFile() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", "Email,FirstName,Segment\nana@example.ro,Ana,VIP\n")
        try f.pipeline(inputs: ["in.csv"])
        let result = try f.prepare()
        #expect(result.manifest.files.map(\.file) == ["rejects.ndjson", "duplicates.ndjson", "contacts.ndjson", "warnings.ndjson"])
        #expect(result.manifest.files.last?.lines == 0)
    }

    private let twice = """
        Email,FirstName,Segment,UpdatedAt
        ana@example.ro,Old,VIP,2026-01-05
        ana@example.ro,New,VIP,2026-03-01T10:00:00+02:00
        ana@example.ro,Older,VIP,05.12.2025

        """

    @Test func firstAndLastNameTheirPolicy() throws {
        for policy in ["first", "last"] {
            let f = try PrepareFixture()
            try f.directory.write("in.csv", twice)
            try f.pipeline(inputs: ["in.csv"], dedupe: policy)
            _ = try f.prepare()
            let duplicates = f.objects("duplicates.ndjson")
            #expect(duplicates.count == 2)
            #expect(duplicates.allSatisfy { $0["policy"] as? String == policy && $0["date"] == nil })
        }
    }

    @Test func newestShowsTheTwoDatesCompared() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", twice)
        try f.pipeline(inputs: ["in.csv"], dedupe: "{ keep: newest, field: UpdatedAt }")
        _ = try f.prepare()
        let duplicates = f.objects("duplicates.ndjson")
        #expect(duplicates.map { $0["line"] as? Int } == [2, 4])
        #expect(duplicates.allSatisfy { $0["policy"] as? String == "newest" && $0["keptLine"] as? Int == 3 })
        #expect(duplicates.map { $0["date"] as? String } == ["2026-01-05T00:00:00Z", "2025-12-05T00:00:00Z"])
        #expect(duplicates.allSatisfy { $0["keptDate"] as? String == "2026-03-01T08:00:00Z" })
        #expect(f.lines("duplicates.ndjson").first?.hasSuffix(
            #","keptLine":3,"policy":"newest","date":"2026-01-05T00:00:00Z","keptDate":"2026-03-01T08:00:00Z"}"#) == true)
    }

    @Test func anUnreadableDateIsNull() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", "Email,FirstName,Segment,UpdatedAt\nana@example.ro,A,VIP,someday\nana@example.ro,B,VIP,2026-01-01\n")
        try f.pipeline(inputs: ["in.csv"], dedupe: "{ keep: newest, field: UpdatedAt }")
        _ = try f.prepare()
        let line = try #require(f.lines("duplicates.ndjson").first)
        #expect(line.hasSuffix(#""policy":"newest","date":null,"keptDate":"2026-01-01T00:00:00Z"}"#))
    }

    @Test func isoDatesOfTheDedupeComparison() {
        #expect(DedupeDateText.iso(0) == "1970-01-01T00:00:00Z")
        #expect(DedupeDateText.iso(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(DedupeDateText.iso(-1) == "1969-12-31T23:59:59Z")
        #expect(DedupeDateText.iso(4_102_444_799) == "2099-12-31T23:59:59Z")
    }
}
