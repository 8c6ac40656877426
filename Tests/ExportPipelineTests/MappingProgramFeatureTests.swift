import ExportCore
import Testing
@testable import ExportPipeline

@Suite struct MappingProgramFeatureTests {
    static func map(_ yaml: String, _ names: [String], _ values: [FieldValue], api: APIVersion = .v5,
                    origin: RecordOrigin = RecordOrigin(file: "in.zip", member: "part-1.csv", line: 7, index: 4)) throws -> MappingResult {
        let mapper = MappingProgram(plan: try MappingLoader.parse(text: yaml, file: "m.yaml"), apiVersion: api, runDate: "2026-01-02")
        return mapper.map(Record(header: Header(names), values: values, origin: origin))
    }

    static func body(_ r: MappingResult) -> String? {
        guard case .contact(let c) = r else { return nil }
        let s = String(decoding: c.json, as: UTF8.self)
        // Everything after the identifiers array.
        guard let end = s.range(of: "}],") else { return "" }
        return "{" + s[end.upperBound...]
    }

    @Test func sourcesGiveFileRowLineAndRunDate() throws {
        let r = try Self.map("""
            email: E
            custom_properties:
              file: { source: input_file }
              row: { source: row_number, type: integer }
              line: { source: line, type: integer }
              imported: { source: run_date, type: date }
              fixed: { value: "x" }
            """, ["E"], [.string("a@b.co")])
        #expect(Self.body(r) == #"{"customProperties":{"file":"in.zip:part-1.csv","row":5,"line":7,"imported":"2026-01-02","fixed":"x"}}"#)
    }

    @Test func dottedPathsAndNDJSONValueKinds() throws {
        let address = FieldValue.object(JSONObject(keys: ["city", "zip"], values: [.string(" Cluj "), .number("400001")]))
        let r = try Self.map("""
            email: email
            city: { column: address.city }
            postal_code: address.zip
            custom_properties:
              vip: { column: vip, type: boolean }
              score: { column: score, type: number }
              interests: { column: interests, type: list }
              nothing: { column: missing }
            """, ["email", "address", "vip", "score", "interests", "missing"],
            [.string("a@b.co"), address, .bool(true), .number("-1.50"), .array([.string("ski"), .string(" jazz ")]), .null])
        #expect(Self.body(r) == #"{"city":"Cluj","postalCode":"400001","customProperties":{"vip":true,"score":-1.50,"interests":["ski","jazz"]}}"#)
    }

    @Test func firstNonEmptyAndColumnsJoin() throws {
        let r = try Self.map("""
            email: E
            first_name: { first_non_empty: [Nick, { column: Given, transforms: [title] }] }
            address: { columns: [Street, No, Flat], transforms: [{ join: " " }] }
            state: { columns: [A, B] }
            """, ["E", "Nick", "Given", "Street", "No", "Flat", "A", "B"],
            ["a@b.co", " ", "ȘTEFAN", "Str. Lungă", "5", "", "x", "y"].map(FieldValue.string))
        #expect(Self.body(r) == #"{"firstName":"Ștefan","address":"Str. Lungă 5","state":"x, y"}"#)
    }

    @Test func whereFiltersAndRequireRejects() throws {
        let yaml = """
            email: E
            first_name: F
            where:
              - { column: Seg, in: [News, VIP] }
              - { column: Test, present: false }
            require: [first_name, { field: phone, reason: no_phone }]
            phone: { column: P, default_country_code: "40" }
            """
        let names = ["E", "F", "Seg", "Test", "P"]
        #expect(try Self.map(yaml, names, ["a@b.co", "A", "Other", "", "0722123456"].map(FieldValue.string))
            == .filtered(detail: "where rule at m.yaml:4:5 not met"))
        #expect(try Self.map(yaml, names, ["a@b.co", "A", "VIP", "yes", "0722123456"].map(FieldValue.string))
            == .filtered(detail: "where rule at m.yaml:5:5 not met"))
        #expect(try Self.map(yaml, names, ["a@b.co", "", "VIP", "", "0722123456"].map(FieldValue.string))
            == .rejected(reason: "required_field_missing", detail: "required field 'first_name' is empty", email: "a@b.co"))
        #expect(try Self.map(yaml, names, ["a@b.co", "A", "VIP", "", "12"].map(FieldValue.string))
            == .rejected(reason: "no_phone", detail: "required field 'phone' is empty", email: "a@b.co"))
        // A filtered row is not checked for its email.
        #expect(try Self.map(yaml, names, ["bad", "A", "X", "", ""].map(FieldValue.string))
            == .filtered(detail: "where rule at m.yaml:4:5 not met"))
    }

    @Test func onInvalidRejectTurnsTheWarningIntoAReason() throws {
        let r = try Self.map("email: E\non_invalid: reject\nbirthdate: D\n", ["E", "D"], ["a@b.co", "5 May"].map(FieldValue.string))
        #expect(r == .rejected(reason: "birthdate_invalid", detail: "birthdate: not a date in the configured formats", email: "a@b.co"))
        let kept = try Self.map("email: E\non_invalid: reject\nbirthdate: { column: D, on_invalid: drop }\n", ["E", "D"],
            ["a@b.co", "5 May"].map(FieldValue.string))
        guard case .contact(let c) = kept else { Issue.record("rejected"); return }
        #expect(c.warnings == [MappingWarning(field: "birthdate", code: "birthdate_invalid")])
    }

    @Test func tagsAreTrimmedDedupedSplitAndCapped() throws {
        let many = (1...150).map { "t\($0)" }.joined(separator: ",")
        let r = try Self.map("""
            email: E
            tags:
              - { value: imported }
              - { column: T, split: ",", prefix: "i:" }
              - { column: T2, suffix: "!" }
              - { value: imported }
            """, ["E", "T", "T2"], ["a@b.co", " ski , jazz,,ski", " "].map(FieldValue.string))
        #expect(Self.body(r) == #"{"tags":["imported","i:ski","i:jazz"]}"#)
        guard case .contact(let capped) = try Self.map("email: E\ntags: [{ column: T, split: \",\" }]\n", ["E", "T"],
            ["a@b.co", many].map(FieldValue.string)) else { Issue.record("rejected"); return }
        #expect(capped.warnings == [MappingWarning(field: "tags", code: "tags_over_limit")])
        #expect(String(decoding: capped.json, as: UTF8.self).contains(#""t100"]"#))
    }

    @Test func customPropertyLimitsAndTypes() throws {
        let long = String(repeating: "ă", count: 2049)
        let r = try Self.map("""
            email: E
            custom_properties:
              long: L
              count: { column: N, type: integer }
              flag: { column: B, type: boolean }
              since: { column: D, type: date, formats: ["DD.MM.YYYY"] }
            """, ["E", "L", "N", "B", "D"], ["a@b.co", long, "12.00", "Yes", "01.02.2020"].map(FieldValue.string))
        guard case .contact(let c) = r else { Issue.record("rejected"); return }
        #expect(c.warnings == [MappingWarning(field: "customProperties.long", code: "custom_property_too_long")])
        #expect(Self.body(r) == #"{"customProperties":{"count":12,"flag":true,"since":"2020-02-01"}}"#)
        let bad = try Self.map("email: E\ncustom_properties:\n  count: { column: N, type: integer }\n", ["E", "N"],
            ["a@b.co", "1.5"].map(FieldValue.string))
        guard case .contact(let b) = bad else { Issue.record("rejected"); return }
        #expect(b.warnings == [MappingWarning(field: "customProperties.count", code: "custom_property_invalid")])
    }

    @Test func welcomeMessageAndDedupeDate() throws {
        var plan = try MappingLoader.parse(text: "email: E\nsend_welcome_message: true\n", file: "m.yaml")
        plan.dedupeDateField = "Updated"
        let mapper = MappingProgram(plan: plan, apiVersion: .v3, runDate: "2026-01-02")
        let header = Header(["E", "Updated"])
        let r = mapper.map(Record(header: header, values: [.string("A@B.CO"), .string("2024-01-01")],
            origin: RecordOrigin(file: "f", line: 2, index: 0)))
        #expect(r == .contact(MappedContact(
            email: "a@b.co",
            json: Array(#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{"status":"nonSubscribed","statusDate":"1970-01-01T00:00:00Z"}},"sendWelcomeMessage":true}]}"#.utf8),
            dedupeDate: "2024-01-01")))
    }

    @Test func escapesControlCharactersAndKeepsUnicode() throws {
        let r = try Self.map("email: E\nfirst_name: F\n", ["E", "F"], ["a@b.co", "Ana \"Mia\"\n李 😀"].map(FieldValue.string))
        #expect(Self.body(r) == #"{"firstName":"Ana \"Mia\"\n李 😀"}"#)
    }

    @Test func bindingFollowsTheHeaderOfEachRecord() throws {
        let mapper = MappingProgram(plan: try MappingLoader.parse(text: "email: E\ncity: C\n", file: "m.yaml"), apiVersion: .v5, runDate: "2026-01-02")
        let o = RecordOrigin(file: "f", line: 1, index: 0)
        let a = mapper.map(Record(header: Header(["E", "C"]), values: [.string("a@b.co"), .string("X")], origin: o))
        let b = mapper.map(Record(header: Header(["C", "E"]), values: [.string("Y"), .string("a@b.co")], origin: o))
        #expect(Self.body(a) == #"{"city":"X"}"#)
        #expect(Self.body(b) == #"{"city":"Y"}"#)
    }
}
