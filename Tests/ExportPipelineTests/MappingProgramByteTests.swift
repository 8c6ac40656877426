import ExportCore
import ExportFormats
import ExportTestSupport
import Foundation
import Testing
@testable import ExportPipeline

/// The byte paths of `MappingProgram` (`ByteChain`, the byte tags, `where` and `require` tests,
/// the phone, country, gender, date and property writers) give what the reference `ContactMapper`
/// gives, byte for byte, at their edges: non-ASCII text next to ASCII, odd spacing, invalid dates,
/// phones with letters, empty and null values, texts that are equal as `String`s but not as bytes.
@Suite struct MappingProgramByteTests {
    /// The benchmark's transforms mapping (scripts/bench/transforms.yaml) and its columns.
    static let transformsPipeline = SharedFolder.packageRoot + "/scripts/bench/transforms.yaml"
    static let columns = [
        "CustomerId", "Email", "FirstName", "LastName", "Address1", "City", "StateOrProvince", "Country", "PostalCode",
        "Phone", "Gender", "BirthDate", "LoyaltyTier", "TotalSpend", "Segment",
    ]

    /// Texts at the edges of the byte paths, for every column but the email.
    static let palette: [String] = [
        "", " ", "\t", "  \t ", "ana", "ANA", "ana maria", "  ana   maria  ", "ana\t\tmaria", "ana\r\nmaria", "ana\u{0B}x",
        "jean-luc o'neil", "3rd ave", "mcDONALD", "ȘTEFAN", "josé", "ÉMILE zola", "\u{00A0}ana\u{00A0}", "ana\u{2003}",
        "\u{3000}", "张伟", "e\u{0301}", "é", "say \"hi\"", "back\\slash", "\u{01}ctl",
        "1990-02-28", "1990-02-30", "31.04.2000", "05.11.1981", "2000-1-5", "1990-01-01T10:00:00Z", "99-01-01",
        "\u{FF11}\u{FF19}\u{FF19}\u{FF10}-01-01", "0000-01-01", "2024-02-29", "2023-02-29",
        "+40 722 123 456", "0722 123 456", "0722 ABC 456", "+40 722 123 456 ext 5", "++40722123456", "0040722123456",
        "00", "+", "0", "(0722) 123-456", "0722\u{00A0}123456", "٠٧٢٢١٢٣٤٥٦", "0722.123/456", "1234567", "+1 555 010 9999",
        "0000722123456", "+4072212345678901",
        "United States", "united states", "UNITED-STATES", "U.S.", "usa", "USA ", "România", "Korea, Republic of",
        " DE ", "d e", "123", "\u{212A}", "Atlantis", "United  Kingdom", "uk",
        "m", "M", "MALE", "Male ", "f", "FEMALE", "fem", "x",
        "Newsletter subscribers", "A;B;A", ";;", "a ; b", "QA", "qa", "VIP;QA", "x\r\n;y", "é;e\u{0301}", "a;A",
        "Gold", "GOLD", "gold", "Ǧold", "Silver",
        "105.30", "-0", "1.234,5", "007", "1e3", "12.", ".5", "-3.50", "12", "123456789012345678", "1234567890123456789",
        "12.00", "YES", "On", "no", "ｙｅｓ", "true",
        String(repeating: "a", count: 2049), String(repeating: "b", count: 2048),
    ]

    static let emails: [String] = [
        "ana.pop@example.com", " Ana.Pop@Example.COM ", "\u{00A0}ana@example.ro\u{3000}", "", "  ", "no-at-sign",
        "ZOË@exämple.de", "a@b.co",
    ]

    /// Maps `count` random rows of `header` through the engine (as CSV fields, as NDJSON fields with
    /// nulls, and as parsed records with arrays) and the reference, and records the first difference.
    static func expectSameResults(_ plan: MappingPlan, header: Header, seed: UInt64, count: Int = 2500) {
        let pair = MappingProgramTests.Pair(plan)
        let columns = pair.program.bind(header)
        var scratch = MappingProgram.Scratch()
        var random = SplitMix64(seed: seed)
        for n in 0..<count {
            let texts = header.names.map { name in
                name.lowercased().contains("email")
                    ? emails.randomElement(using: &random)! : palette.randomElement(using: &random)!
            }
            let origin = RecordOrigin(file: "in.csv", line: n + 2, index: n)
            // As CSV fields.
            let record = Record(header: header, values: texts.map(FieldValue.string), origin: origin)
            let expected = pair.reference.map(record)
            let actual = RawFields.with(texts) { pair.program.map($0, columns: columns, origin: origin, scratch: &scratch) }
            if actual != expected {
                Issue.record("row \(n) \(texts.map { String($0.prefix(30)) }): \(MappingProgramTests.describe(actual)) != \(MappingProgramTests.describe(expected))")
                return
            }
            // As flat NDJSON fields, some of them nulls.
            let nullable: [String?] = texts.map { random.next() % 5 == 0 ? nil : $0 }
            let nulls = Record(header: header, values: nullable.map { $0.map(FieldValue.string) ?? .null }, origin: origin)
            let expectedNulls = pair.reference.map(nulls)
            let actualNulls = RawFields.with(nullable: nullable) {
                pair.program.map($0, columns: columns, origin: origin, scratch: &scratch)
            }
            if actualNulls != expectedNulls {
                Issue.record("nulls \(n) \(nullable): \(MappingProgramTests.describe(actualNulls)) != \(MappingProgramTests.describe(expectedNulls))")
                return
            }
            // As a parsed record, where a value may be an array (the text paths then run).
            let values: [FieldValue] = texts.map { random.next() % 9 == 0 ? .array([.string($0), .string("x")]) : .string($0) }
            let parsed = Record(header: header, values: values, origin: origin)
            let bound = plan.bind(header)
            let expectedParsed = pair.reference.map(parsed, bound: bound)
            let actualParsed = pair.program.map(parsed, bound: bound, scratch: &scratch)
            if actualParsed != expectedParsed {
                Issue.record("record \(n) \(values): \(MappingProgramTests.describe(actualParsed)) != \(MappingProgramTests.describe(expectedParsed))")
                return
            }
        }
    }

    static func plan(_ yaml: String, consent: ConsentPolicy = ConsentPolicy(resubscribe: .allow)) throws -> MappingPlan {
        var plan = try MappingLoader.parse(text: yaml, file: "m.yaml")
        plan.consent = consent
        return plan
    }

    @Test func theBenchmarkTransformsMappingGivesTheSameResults() throws {
        let pipeline = try PipelineLoader.load(path: Self.transformsPipeline, environment: [:])
        Self.expectSameResults(pipeline.mapping, header: Header(Self.columns), seed: 1, count: 6000)
    }

    /// Each byte path, and the edges where it hands over to the text path.
    @Test(arguments: [
        // Chains on plain fields: every ASCII transform, a map with non-ASCII keys (text path), kinds.
        "email: { column: A, transforms: [trim, trim] }\nfirst_name: { column: B, transforms: [title] }\nlast_name: { column: C, transforms: [collapse_spaces, trim, upper] }\ncity: { column: D, transforms: [lower, { map: { \"ana\": Ana, \"\": empty, \"x\": \"\" } }] }\n",
        "email: A\ngender: { column: B, transforms: [lower, { map: { male: m, female: f, bărbat: m } }] }\ncountry_code: { column: C, transforms: [upper] }\nbirthdate: { column: D, transforms: [collapse_spaces], formats: [\"DD.MM.YYYY\", \"YYYY-MM-DD\", iso8601] }\n",
        "email: A\ngender: B\ncountry_code: { column: C, on_invalid: reject }\nbirthdate: { column: D, on_invalid: reject }\ncountry: { column: C, transforms: [{ map: { usa: United States }, fallback: Other }] }\n",
        // Phones, with a per-row country and an SMS status.
        "email: A\nphone: { column: B, default_country_code: \"40\" }\n",
        "email: A\nphone: { column: B, transforms: [collapse_spaces] }\n",
        "email: A\nphone: { column: B, default_country_code: { column: C }, sms_status: { value: subscribed }, sms_status_date: { column: D, formats: [\"YYYY-MM-DD\"] } }\n",
        "email: A\nphone: { column: B, default_country_code: \"40\", on_invalid: reject }\nrequire: [phone]\n",
        // Tags: constants, splits, transforms, prefixes, repeats, non-ASCII parts (text path).
        "email: A\ntags:\n  - { value: \"source: x\" }\n  - { column: B, split: \";\", prefix: \"s: \" }\n  - { column: C, transforms: [lower], suffix: \"-tier\" }\n  - { value: \"a;b;a\", split: \";\" }\n",
        "email: A\ntags:\n  - { column: B, split: \"; \" }\n  - { column: C, transforms: [title] }\n  - { column: D, split: \"a\" }\n",
        "email: A\ntags:\n  - { column: B, split: \"\\n\" }\n  - { column: C }\n",
        "email: A\ntags:\n  - { column: B, suffix: \" ✓\" }\n  - { column: C }\n",
        "email: A\ntags:\n  - { value: \"café\" }\n  - { column: C }\n",
        "email: A\ntags:\n  - { column: B, transforms: [upper] }\n  - { column: C, transforms: [upper] }\n  - { column: D, transforms: [lower, { map: { gold: \"\\\"q\\\"\\\\\" } }] }\n",
        // Properties of every type from bytes, straight from a column and through a chain.
        "email: A\ncustom_properties:\n  s: { column: B, type: string }\n  n: { column: C, type: number }\n  i: { column: D, type: integer }\n  b: { column: B, type: boolean }\n  d: { column: C, type: date, formats: [\"YYYY-MM-DD\", \"DD.MM.YYYY\"] }\n  l: { column: D, type: list }\n",
        "email: A\ncustom_properties:\n  s: { column: B, type: string, transforms: [upper] }\n  n: { column: C, type: number, transforms: [trim, collapse_spaces] }\n  i: { column: D, type: integer, transforms: [lower] }\n  b: { column: B, type: boolean, transforms: [lower] }\n  d: { column: C, type: date, transforms: [upper], formats: [\"YYYY-MM-DD\"] }\n  l: { column: D, type: list, transforms: [title] }\n  c: { column: C, type: number, decimal: \",\" }\n",
        // where and require on bytes.
        "email: A\nfirst_name: B\nwhere:\n  - { column: C, not_in: [QA, qa] }\n  - { column: D, present: true }\n",
        "email: A\nwhere:\n  - { column: B, transforms: [lower], in: [\"united states\", \"românia\", ana] }\n  - { column: C, equals: \"\" }\n",
        "email: A\nwhere: [{ column: B, transforms: [upper], not_equals: [QA] }]\nrequire: [email, status]\n",
        "email: A\nfirst_name: { column: B, transforms: [title] }\ntags: [{ column: C, split: \";\" }]\nphone: D\ncustom_properties: { c: { column: C, type: number } }\nrequire: [first_name, tags, { field: custom_properties.c, reason: no_c }, { field: phone, reason: no_phone }, status_date]\nstatus: { value: subscribed }\nstatus_date: { column: D, formats: [\"YYYY-MM-DD\"] }\n",
    ])
    func eachBytePathGivesTheSameResults(_ yaml: String) throws {
        let header = Header(["A", "B", "C", "D"])
        for consent in [ConsentPolicy(), ConsentPolicy(resubscribe: .allow)] {
            Self.expectSameResults(try Self.plan(yaml, consent: consent), header: header, seed: UInt64(yaml.utf8.count))
        }
    }

    /// More than 64 fields named by `require` rules (beyond one word of presence bits).
    @Test func manyRequiredFieldsGiveTheSameResults() throws {
        let names = (0..<70).map { "p\($0)" }
        var yaml = "email: A\ncustom_properties:\n"
        for (i, name) in names.enumerated() { yaml += "  \(name): { column: \(["B", "C", "D"][i % 3]), type: number }\n" }
        yaml += "require: [\(names.reversed().map { "custom_properties.\($0)" }.joined(separator: ", ")), first_name]\nfirst_name: B\n"
        Self.expectSameResults(try Self.plan(yaml), header: Header(["A", "B", "C", "D"]), seed: 70, count: 1500)
    }

    /// Texts that are equal as `String`s but not as bytes stay equal: repeated tags are kept once.
    @Test func canonicallyEqualTagsAreKeptOnce() throws {
        let program = MappingProgram(
            plan: try Self.plan("email: A\ntags: [{ column: B, split: \";\" }, { value: \"é\" }]\n"), apiVersion: .v5,
            runDate: "2026-01-02")
        let result = program.map(Record(
            header: Header(["A", "B"]), values: [.string("a@b.co"), .string("e\u{0301};x")],
            origin: RecordOrigin(file: "in.csv", line: 2, index: 0)))
        guard case .contact(let contact) = result else { Issue.record("\(result)"); return }
        let tags = Array("\"tags\":[\"e\u{0301}\",\"x\"]}".utf8)
        #expect(contact.json.suffix(tags.count).elementsEqual(tags))
    }
}
