import ExportCore
import ExportFormats
import ExportTestSupport
import Testing
@testable import ExportStages

/// `ByteMapping` must give exactly what `ContactMapper` gives: the same JSON bytes, warnings,
/// rejections and dedupe dates, on any CSV row.
@Suite struct ByteMappingTests {
    static let header = Header([
        "Email", "First", "Last", "Country", "Gender", "DOB", "Segment", "Tier", "Spend", "Points", "Flag", "Joined",
        "Note", "Seen",
    ])

    /// The mapper of `yaml` under `consent` (by default the benchmark's: a constant may date a subscribed status).
    static func mapper(
        _ yaml: String, api: APIVersion = .v5, consent: ConsentPolicy = ConsentPolicy(resubscribe: .allow)
    ) throws -> ContactMapper {
        var plan = try MappingLoader.parse(text: yaml, file: "m.yaml")
        plan.consent = consent
        return ContactMapper(plan: plan, apiVersion: api, runDate: "2026-01-02")
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
        String(repeating: "a", count: 2049), String(repeating: "b", count: 2048),
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

    static func expectSameResults(_ mapper: ContactMapper, seed: UInt64) throws {
        let byteMapping = try #require(mapper.byteMapping)
        let columns = byteMapping.bind(header)
        var scratch = ByteMapping.Scratch()
        for (n, values) in rows(3000, seed: seed).enumerated() {
            let record = Record(
                header: header, values: values.map(FieldValue.string), origin: RecordOrigin(file: "in.csv", line: n + 2, index: n))
            let expected = mapper.map(record)
            let actual = RawFields.with(values) { byteMapping.map($0, columns: columns, scratch: &scratch) }
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
        let mapper = try Self.mapper(Self.benchmark)
        let byteMapping = try #require(mapper.byteMapping)
        let columns = byteMapping.bind(Self.header)
        let arena = ByteArena(capacity: 16)
        let rows = Self.rows(2000, seed: 7)
        let outcomes = rows.map { values in RawFields.with(values) { byteMapping.pack($0, columns: columns, into: arena) } }
        var scratch = ByteMapping.Scratch()
        var packed = 0
        for (n, outcome) in outcomes.enumerated() {
            let expected = RawFields.with(rows[n]) { byteMapping.map($0, columns: columns, scratch: &scratch) }
            #expect(outcome.result(in: arena) == expected, "row \(n)")
            if case .packed(let contact) = outcome {
                packed += 1
                #expect(contact.key == EmailKey(String(decoding: arena.bytes(contact.emailRange), as: UTF8.self)))
            }
        }
        #expect(packed > 100, "too few plain contacts to test packing")
    }

    @Test func theNewestDedupeFieldIsTheRawText() throws {
        var mapper = try Self.mapper(Self.benchmark)
        var plan = mapper.plan
        plan.dedupeDateField = "Joined"
        mapper = ContactMapper(plan: plan, apiVersion: .v5, runDate: "2026-01-02")
        try Self.expectSameResults(mapper, seed: 6)
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

    /// Parsed records (as the NDJSON reader gives them) map the same through either mapper,
    /// or `ByteMapping` declines them (arrays, objects).
    @Test(arguments: [benchmark, everyKind])
    func parsedRecordsGiveTheSameResults(_ yaml: String) throws {
        let mapper = try Self.mapper(yaml)
        let byteMapping = try #require(mapper.byteMapping)
        var random = SplitMix64(seed: 7)
        var scratch = ByteMapping.Scratch()
        var declined = 0
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
            let expected = mapper.map(record, bound: bound)
            guard let actual = byteMapping.map(record, bound: bound, scratch: &scratch) else {
                declined += 1
                continue
            }
            if actual != expected {
                Issue.record("record \(n) \(values): \(Self.describe(actual)) != \(Self.describe(expected))")
                return
            }
        }
        #expect(declined > 0 && declined < 3000)
    }

    /// Flat NDJSON lines with nulls, lent as fields that say which are nulls (as
    /// `NDJSONReader.nextRaw()` lends them), map as `ContactMapper` maps their records: a null is
    /// an absent value (a null email is `email_missing` without an email), an empty string an
    /// empty text.
    @Test(arguments: [(benchmark, nil), (everyKind, nil), (benchmark, "Joined")] as [(String, String?)])
    func nullFieldsGiveTheSameResults(_ yaml: String, newestBy dateField: String?) throws {
        var mapper = try Self.mapper(yaml)
        if let dateField {
            var plan = mapper.plan
            plan.dedupeDateField = dateField
            mapper = ContactMapper(plan: plan, apiVersion: .v5, runDate: "2026-01-02")
        }
        let byteMapping = try #require(mapper.byteMapping)
        let columns = byteMapping.bind(Self.header)
        var random = SplitMix64(seed: 11)
        var scratch = ByteMapping.Scratch()
        var nullEmails = 0
        for (n, texts) in Self.rows(3000, seed: 12).enumerated() {
            let values: [String?] = texts.map { random.next() % 4 == 0 ? nil : $0 }
            let record = Record(
                header: Self.header, values: values.map { $0.map(FieldValue.string) ?? .null },
                origin: RecordOrigin(file: "in.ndjson", line: n + 1, index: n))
            let expected = mapper.map(record)
            let actual = RawFields.with(nullable: values) { byteMapping.map($0, columns: columns, scratch: &scratch) }
            if actual != expected {
                Issue.record("record \(n) \(values): \(Self.describe(actual)) != \(Self.describe(expected))")
                return
            }
            if values[0] == nil {
                nullEmails += 1
                #expect(actual == .rejected(reason: "email_missing", detail: "the email field is empty", email: nil))
            }
        }
        #expect(nullEmails > 0)
    }

    @Test func mappingsWithRulesOrTransformsAreLeftToContactMapper() throws {
        let others = [
            "email: { column: Email, transforms: [trim] }\n",
            "email: Email\nfirst_name: { column: First, transforms: [title] }\n",
            "email: Email\nphone: First\n",
            "email: Email\nwhere: [{ column: Segment, equals: VIP }]\n",
            "email: Email\nfirst_name: First\nrequire: [first_name]\n",
            "email: Email\nstatus: Segment\n",
            "email: Email\ntags: [{ column: Segment, split: \";\" }]\n",
            "email: Email\ncustom_properties: { row: { source: row_number } }\n",
        ]
        for yaml in others {
            let mapper = try Self.mapper(yaml)
            #expect(mapper.byteMapping == nil, "\(yaml)")
        }
        #expect(try Self.mapper(Self.benchmark).byteMapping != nil)
    }

    /// Every constant consent the byte path takes (no status, a constant status with a constant
    /// date, none, or now) gives what `ContactMapper` gives, under either resubscribe policy.
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
            if mapper.byteMapping == nil {
                // Only a subscribed status the policy cannot date is left to ContactMapper.
                #expect(shape.contains("subscribed }") && !shape.contains("unsubscribed") && !shape.contains("nonSubscribed"), "\(shape)")
                continue
            }
            try Self.expectSameResults(mapper, seed: UInt64(20 + n))
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
