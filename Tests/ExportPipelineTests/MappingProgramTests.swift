import ExportCore
import ExportFormats
import ExportRuntime
import ExportTestSupport
import Foundation
import Testing
@testable import ExportContactRules
@testable import ExportPipeline

/// `MappingProgram` must give exactly what the slow reference `ContactMapper` gives: the same JSON
/// bytes, warnings, rejections and dedupe dates, on any row, for every mapping (every sample
/// mapping, every feature of the language), read as CSV fields, flat NDJSON fields or parsed records.
@Suite struct MappingProgramTests {
    static let header = Header([
        "Email", "First", "Last", "Country", "Gender", "DOB", "Segment", "Tier", "Spend", "Points", "Flag", "Joined",
        "Note", "Seen",
    ])

    /// The engine and the reference for one plan.
    struct Pair {
        let reference: ContactMapper
        let program: MappingProgram
        var plan: MappingPlan { program.plan }

        init(_ plan: MappingPlan, api: APIVersion = .v5) {
            reference = ContactMapper(plan: plan, apiVersion: api, runDate: "2026-01-02")
            program = MappingProgram(plan: plan, apiVersion: api, runDate: "2026-01-02")
        }
    }

    /// The pair of `yaml` under `consent` (by default the benchmark's: a constant may date a subscribed status).
    static func mapper(
        _ yaml: String, api: APIVersion = .v5, consent: ConsentPolicy = ConsentPolicy(resubscribe: .allow)
    ) throws -> Pair {
        var plan = try MappingLoader.parse(text: yaml, file: "m.yaml")
        plan.consent = consent
        return Pair(plan, api: api)
    }

    /// The mapping of the issue-5 benchmark.
    static let benchmark = """
        email: Email
        status: { value: subscribed }
        status_date: { value: "2026-01-01T00:00:00Z" }
        send_welcome_message: false
        first_name: First
        last_name: Last
        address: Note
        country: Country
        tags:
          - { column: Segment, prefix: "segment: " }
        custom_properties:
          loyaltyTier: { column: Tier, type: string }
          totalSpend: { column: Spend, type: number }
        """

    /// Every field kind, constants, several tag sources that can repeat, every property type.
    static let everyKind = """
        email: Email
        status: { value: unsubscribed }
        send_welcome_message: true
        first_name: First
        last_name: { value: "  Constant  " }
        city: Missing.Column
        country: Country
        country_code: { column: Country, on_invalid: drop }
        gender: Gender
        birthdate: { column: DOB, formats: ["DD.MM.YYYY", "YYYY-MM-DD"] }
        tags:
          - { column: Segment, prefix: "s: " }
          - { column: Tier, prefix: "s: " }
          - { value: imported }
          - { column: First, suffix: " ✓" }
        custom_properties:
          tier: { column: Tier, type: string }
          spend: { column: Spend, type: number, decimal: "," }
          points: { column: Points, type: integer, on_invalid: reject }
          flag: { column: Flag, type: boolean }
          joined: { column: Joined, type: date, formats: ["YYYY-MM-DD"] }
          note: { column: Note, type: string }
          list: { column: Segment, type: list }
          source: { value: crm }
        """

    /// Text that trips trimming, escaping, Unicode equality and the property limits.
    static let palette: [String] = [
        "", " ", "  \t ", "Ana", " Ana ", "\u{00A0}Ana\u{00A0}", "\u{3000}", "Ana\u{2003}", "\u{2028}x", "é", "e\u{0301}",
        "Ștefan", "张伟", "🙂 emoji", "say \"hi\"", "back\\slash", "two\nlines", "cr\r\nlf", "tab\there", "\u{01}ctl",
        "România", "DE", "Atlantis", "m", "Female", "x", "05.11.1981", "1990-02-31", "1.234,5", "12", "-3", "abc",
        "true", "no", "2024-01-05", "VIP", "vip", "Gold", String(repeating: "ă", count: 1100),
        String(repeating: "a", count: 2049), String(repeating: "b", count: 2048), "yes", "YES", "unsub", "da",
        "subscribed", "Unsubscribed", "nonsubscribed", "31/12/1999 23:59", "05/11/2020", "2026-01-01T10:00:00Z",
        "+40 (0)744 123 456", "0744123456", "+1 555 010 9999", "12345", "CI-123", "CI-x", "QA", "a;b; c;;a",
        "ana  maria   POP", "1.234,50", "7,5", "42", "Lithuania", "LT", "feminin", "bărbat", "nespecificat",
    ]

    static let emails: [String] = [
        "ana.pop@example.com", " Ana.Pop@Example.COM ", "\u{00A0}ana@example.ro\u{3000}", "", "  ", "no-at-sign",
        "a..b@example.com", "ZOË@exämple.de", "x@y", "a@b.co", "Quoted\"@x.com", "ăna@exemplu.ro ",
    ]

    /// `count` random rows of the test header.
    static func rows(_ count: Int, seed: UInt64) -> [[String]] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            header.names.indices.map { i in
                i == 0 ? emails.randomElement(using: &random)! : palette.randomElement(using: &random)!
            }
        }
    }

    static func expectSameResults(_ mapper: Pair, seed: UInt64, header: Header = header, count: Int = 3000) throws {
        let columns = mapper.program.bind(header)
        var scratch = MappingProgram.Scratch()
        var random = SplitMix64(seed: seed)
        for n in 0..<count {
            let values = header.names.indices.map { i in
                i == 0 || header.names[i].lowercased().contains("email")
                    ? emails.randomElement(using: &random)! : palette.randomElement(using: &random)!
            }
            let origin = RecordOrigin(file: "in.csv", line: n + 2, index: n)
            let record = Record(header: header, values: values.map(FieldValue.string), origin: origin)
            let expected = mapper.reference.map(record)
            let actual = RawFields.with(values) { mapper.program.map($0, columns: columns, origin: origin, scratch: &scratch) }
            if actual != expected {
                Issue.record("row \(n) \(values.map { String($0.prefix(40)) }): \(Self.describe(actual)) != \(Self.describe(expected))")
                return
            }
        }
    }

    /// A result short enough to read in a failure (the JSON as text, long values cut).
    static func describe(_ result: MappingResult) -> String {
        guard case .contact(let contact) = result else { return "\(result)" }
        return "\(String(decoding: contact.json, as: UTF8.self).prefix(600)) \(contact.warnings) \(contact.dedupeDate ?? "-")"
    }

    @Test func theBenchmarkMappingGivesTheSameResults() throws {
        try Self.expectSameResults(try Self.mapper(Self.benchmark), seed: 1)
    }

    @Test func everyFieldKindGivesTheSameResults() throws {
        try Self.expectSameResults(try Self.mapper(Self.everyKind), seed: 2)
        try Self.expectSameResults(try Self.mapper(Self.everyKind, api: .v2026_03_15), seed: 3)
    }

    @Test func aConstantStatusDateThatIsNotADateGivesTheSameResults() throws {
        let drop = Self.benchmark.replacingOccurrences(of: "2026-01-01T00:00:00Z", with: "soon")
        try Self.expectSameResults(try Self.mapper(drop), seed: 4)
        let reject = Self.benchmark.replacingOccurrences(
            of: "{ value: \"2026-01-01T00:00:00Z\" }", with: "{ value: soon, on_invalid: reject }")
        try Self.expectSameResults(try Self.mapper(reject), seed: 5)
    }

    /// A contact longer than the first buffer guess (a long constant) is written again, whole.
    @Test func aContactLargerThanTheFirstBufferIsWrittenWhole() throws {
        let long = String(repeating: "ă\\\"", count: 2000)  // YAML `ă\"`: ă and a quote, 8 bytes as JSON
        let yaml = Self.benchmark.replacingOccurrences(of: "last_name: Last", with: "last_name: { value: \"\(long)\" }")
        try Self.expectSameResults(try Self.mapper(yaml), seed: 9)
    }

    /// Rows packed one after another into one arena, as a batch of `prepare` is, give what `map`
    /// gives for each, read back after the arena grew many times; a packed contact's key is its
    /// email's.
    @Test func rowsPackedIntoOneArenaMatchTheMappedOnes() throws {
        let program = try Self.mapper(Self.benchmark).program
        let columns = program.bind(Self.header)
        let arena = ByteArena(capacity: 16)
        let rows = Self.rows(2000, seed: 7)
        let origin = RecordOrigin(file: "in.csv", line: 2, index: 0)
        let outcomes = rows.map { values in
            RawFields.with(values) { program.pack($0, columns: columns, origin: origin, into: arena) }
        }
        var scratch = MappingProgram.Scratch()
        var packed = 0
        for (n, outcome) in outcomes.enumerated() {
            let expected = RawFields.with(rows[n]) { program.map($0, columns: columns, origin: origin, scratch: &scratch) }
            #expect(outcome.result(in: arena) == expected, "row \(n)")
            if case .packed(let contact) = outcome {
                packed += 1
                #expect(contact.key == EmailKey(String(decoding: arena.bytes(contact.emailRange), as: UTF8.self)))
            }
        }
        #expect(packed > 100, "too few plain contacts to test packing")
    }

    @Test func theNewestDedupeFieldIsTheRawText() throws {
        var plan = try Self.mapper(Self.benchmark).plan
        plan.dedupeDateField = "Joined"
        try Self.expectSameResults(Pair(plan), seed: 6)
    }

    /// A row with a `newest` date is packed like any other, its raw text after the item and its
    /// date read as `SortableDate` reads that text (no date, a date with odd spacing, no text).
    @Test func packedContactsCarryTheirDedupeDate() throws {
        var plan = try Self.mapper(Self.benchmark).plan
        plan.dedupeDateField = "Joined"
        let program = Pair(plan).program
        let columns = program.bind(Self.header)
        let arena = ByteArena(capacity: 16)
        var random = SplitMix64(seed: 11)
        let dates = [" 2024-01-05 ", "05.11.1981", "\u{00A0}2026-01-01T10:00:00Z", "1990-02-31", "", "x", "2024/03/04 10:07"]
        var dated = 0
        for n in 0..<2000 {
            var values = Self.header.names.indices.map { i in
                i == 0 ? Self.emails.randomElement(using: &random)! : Self.palette.randomElement(using: &random)!
            }
            let joined = Self.header.names.firstIndex(of: "Joined")!
            values[joined] = dates[n % dates.count]
            let origin = RecordOrigin(file: "in.csv", line: n + 2, index: n)
            let outcome = RawFields.with(values) { program.pack($0, columns: columns, origin: origin, into: arena) }
            guard case .packed(let contact) = outcome else { continue }
            dated += 1
            let text = try #require(contact.dateTextRange.map { String(decoding: arena.bytes($0), as: UTF8.self) })
            #expect(text == values[joined])
            #expect(contact.sortableDate == SortableDate.parse(text), "\(text)")
        }
        #expect(dated > 100, "too few plain contacts to test dates")
    }

    /// A random NDJSON value: mostly text, also numbers, booleans, null, arrays and objects.
    static func jsonValue(_ text: String, using random: inout SplitMix64) -> FieldValue? {
        switch random.next() % 12 {
        case 0: return nil
        case 1: return .null
        case 2: return .number(["12", "-3.50", "1e3", "0"].randomElement(using: &random)!)
        case 3: return .bool(random.next() % 2 == 0)
        case 4: return .array([.string(text), .number("7")])
        case 5: return .object(JSONObject(keys: ["Column"], values: [.string(text)]))
        default: return .string(text)
        }
    }

    /// Parsed records (as the NDJSON reader gives them, with arrays, objects and nulls) map the
    /// same through the engine and the reference.
    @Test(arguments: [benchmark, everyKind, transformed])
    func parsedRecordsGiveTheSameResults(_ yaml: String) throws {
        let mapper = try Self.mapper(yaml)
        var random = SplitMix64(seed: 7)
        var scratch = MappingProgram.Scratch()
        var lists = 0
        for (n, texts) in Self.rows(3000, seed: 8).enumerated() {
            var names: [String] = []
            var values: [FieldValue] = []
            for (name, text) in zip(Self.header.names, texts) {
                guard let value = name == "Email" ? .string(text) : Self.jsonValue(text, using: &random) else { continue }
                names.append(name)
                values.append(value)
            }
            if random.next() % 4 == 0 {  // a nested object for the dotted column `Missing.Column`
                names.append("Missing")
                values.append(.object(JSONObject(keys: ["Column"], values: [.string(texts[1])])))
            }
            let record = Record(header: Header(names), values: values, origin: RecordOrigin(file: "in.ndjson", line: n + 1, index: n))
            let bound = mapper.plan.bind(record.header)
            let expected = mapper.reference.map(record, bound: bound)
            let actual = mapper.program.map(record, bound: bound, scratch: &scratch)
            if values.contains(where: { if case .array = $0 { true } else { false } }) { lists += 1 }
            if actual != expected {
                Issue.record("record \(n) \(values): \(Self.describe(actual)) != \(Self.describe(expected))")
                return
            }
        }
        #expect(lists > 100)
    }

    /// Flat NDJSON lines with nulls, lent as fields that say which are nulls (as
    /// `NDJSONReader.nextRaw()` lends them), map as `ContactMapper` maps their records: a null is
    /// an absent value (a null email is `email_missing` without an email), an empty string an
    /// empty text.
    @Test(arguments: [(benchmark, nil), (everyKind, nil), (benchmark, "Joined"), (transformed, nil)] as [(String, String?)])
    func nullFieldsGiveTheSameResults(_ yaml: String, newestBy dateField: String?) throws {
        var mapper = try Self.mapper(yaml)
        if let dateField {
            var plan = mapper.plan
            plan.dedupeDateField = dateField
            mapper = Pair(plan)
        }
        let columns = mapper.program.bind(Self.header)
        var random = SplitMix64(seed: 11)
        var scratch = MappingProgram.Scratch()
        var nullEmails = 0
        for (n, texts) in Self.rows(3000, seed: 12).enumerated() {
            let values: [String?] = texts.map { random.next() % 4 == 0 ? nil : $0 }
            let record = Record(
                header: Self.header, values: values.map { $0.map(FieldValue.string) ?? .null },
                origin: RecordOrigin(file: "in.ndjson", line: n + 1, index: n))
            let expected = mapper.reference.map(record)
            let actual = RawFields.with(nullable: values) {
                mapper.program.map($0, columns: columns, origin: record.origin, scratch: &scratch)
            }
            if actual != expected {
                Issue.record("record \(n) \(values): \(Self.describe(actual)) != \(Self.describe(expected))")
                return
            }
            if values[0] == nil, !yaml.contains("where:") {
                nullEmails += 1
                #expect(actual == .rejected(reason: "email_missing", detail: "the email field is empty", email: nil))
            }
        }
        #expect(nullEmails > 0 || yaml.contains("where:"))
    }

    /// Mappings that leave the direct byte path field by field: each gives what the reference gives.
    @Test func everyFeatureOfTheLanguageGivesTheSameResults() throws {
        let features = [
            "email: { column: Email, transforms: [trim] }\n",
            "email: Email\nfirst_name: { column: First, transforms: [title] }\n",
            "email: Email\nphone: First\n",
            "email: Email\nphone: { column: Last, default_country_code: { column: Country }, sms_status: { column: Flag, transforms: [{ map: { \"true\": subscribed, yes: subscribed }, fallback: unsubscribed }] }, sms_status_date: { column: Joined, formats: [\"YYYY-MM-DD\"] } }\n",
            "email: Email\nwhere: [{ column: Segment, equals: VIP }]\n",
            "email: Email\nwhere: [{ column: First, present: true }, { column: Tier, not_in: [QA, Gold] }]\n",
            "email: Email\nwhere: [{ column: Last, matches: \"^[A-Z]\" }]\n",
            "email: Email\nfirst_name: First\nrequire: [first_name]\n",
            "email: Email\nfirst_name: First\ncustom_properties: { tier: { column: Tier } }\nrequire: [{ field: custom_properties.tier, reason: no_tier }]\n",
            "email: Email\nstatus: Segment\n",
            "email: Email\nstatus: { column: Flag, transforms: [lower, { map: { \"true\": subscribed, no: unsubscribed }, fallback: nonSubscribed }] }\nstatus_date: { column: Joined, formats: [\"YYYY-MM-DD\"] }\n",
            "email: Email\nstatus: Segment\nstatus_date: { column: Joined, formats: [\"YYYY-MM-DD\"], on_invalid: reject }\n",
            "email: Email\ntags: [{ column: Segment, split: \";\" }]\n",
            "email: Email\ntags: [{ column: Segment, transforms: [lower] }, { column: Tier, prefix: \"t:\" }]\n",
            "email: Email\ncustom_properties: { row: { source: row_number }, line: { source: line, type: integer }, file: { source: input_file }, day: { source: run_date, type: date } }\n",
            "email: Email\nfirst_name: { first_non_empty: [Missing, First, { column: Last }] }\n",
            "email: Email\naddress: { columns: [First, Last], transforms: [{ join: \" / \" }] }\n",
            "email: Email\ncustom_properties: { spend: { column: Spend, transforms: [{ number: { decimal: \",\" } }], type: number }, pts: { column: Points, type: integer, on_invalid: reject } }\n",
            "email: Email\ncustom_properties: { when: { column: Joined, type: date, transforms: [{ date: [\"YYYY-MM-DD\"], to: \"DD.MM.YYYY\" }] } }\n",
            "email: Email\nlast_name: { column: Last, transforms: [{ replace: \"[aeiou]\", with: \"*\" }, { truncate: 5 }, { default: none }] }\n",
            "email: { first_non_empty: [Note, Email] }\n",
        ]
        for (n, yaml) in features.enumerated() {
            try Self.expectSameResults(try Self.mapper(yaml, consent: ConsentPolicy()), seed: UInt64(100 + n), count: 1500)
        }
    }

    /// A mapping with transforms on most fields, as real mappings have.
    static let transformed = """
        email: { column: Email, transforms: [trim, lower] }
        status: { column: Flag, transforms: [lower, { map: { "true": subscribed, yes: subscribed, no: unsubscribed }, fallback: nonSubscribed }] }
        status_date: { column: Joined, formats: ["YYYY-MM-DD"] }
        phone: { first_non_empty: [Note, Last], default_country_code: "40" }
        first_name: { column: First, transforms: [collapse_spaces, title] }
        last_name: Last
        country_code: Country
        gender: { column: Gender, transforms: [lower, { map: { feminin: f, "bărbat": m } }] }
        birthdate: { column: DOB, formats: ["DD.MM.YYYY", "YYYY-MM-DD"] }
        tags:
          - { value: "source: test" }
          - { column: Segment, split: ";", prefix: "s: " }
          - Tier
        custom_properties:
          spend: { column: Spend, type: number, decimal: "," }
          points: { column: Points, type: integer }
          list: { column: Segment, type: list, transforms: [{ split: ";" }] }
          nested: { column: Missing.Column }
        require: [first_name]
        where: [{ column: Tier, not_in: [QA] }]
        """

    /// Every sample mapping of the repository, on random rows of its own columns.
    @Test func everySampleMappingGivesTheSameResults() throws {
        let folder = SharedFolder.packageRoot + "/samples/mappings"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names.count >= 3)
        for (n, name) in names.enumerated() {
            let plan = try MappingLoader.load(path: folder + "/" + name)
            for consent in [ConsentPolicy(), ConsentPolicy(allowStatusDateNow: true, resubscribe: .allow)] {
                var plan = plan
                plan.consent = consent
                try Self.expectSameResults(Pair(plan), seed: UInt64(200 + n), header: Header(plan.columnNames), count: 2000)
            }
        }
    }

    /// Every constant consent (no status, a constant status with a constant
    /// date, none, or now) gives what the reference gives, under either resubscribe policy.
    @Test(arguments: [ConsentPolicy(), ConsentPolicy(allowStatusDateNow: true, resubscribe: .allow)])
    func constantConsentGivesTheSameResults(_ consent: ConsentPolicy) throws {
        let shapes = [
            "", "status: { value: nonSubscribed }\n", "status: { value: unsubscribed }\n", "status: { value: subscribed }\n",
            "status: { value: subscribed }\nstatus_date: { value: \"2026-01-01T00:00:00Z\" }\n",
            "status: { value: nonSubscribed }\nstatus_date: { value: \"2026-01-01\" }\n",
            "status: { value: subscribed }\nstatus_date: now\n", "status: { value: unsubscribed }\nstatus_date: now\n",
        ]
        for (n, shape) in shapes.enumerated() {
            let mapper = try Self.mapper("email: Email\n" + shape + "first_name: First\n", consent: consent)
            try Self.expectSameResults(mapper, seed: UInt64(20 + n))
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
