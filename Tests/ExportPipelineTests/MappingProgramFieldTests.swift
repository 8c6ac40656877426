import ExportCore
import Testing
@testable import ExportPipeline

@Suite struct MappingProgramFieldTests {
    static let header = Header(["Email", "First", "Last", "Consent", "OptIn", "Phone", "Country", "Gender", "DOB", "Segment", "Points", "City"])

    static func record(_ values: [String], line: Int = 2) -> Record {
        Record(header: header, values: values.map(FieldValue.string), origin: RecordOrigin(file: "in.csv", line: line, index: line - 2))
    }

    static func mapper(_ yaml: String, api: APIVersion = .v5) throws -> MappingProgram {
        MappingProgram(plan: try MappingLoader.parse(text: yaml, file: "m.yaml"), apiVersion: api, runDate: "2026-01-02")
    }

    static func json(_ result: MappingResult) -> String? {
        guard case .contact(let c) = result else { return nil }
        return String(decoding: c.json, as: UTF8.self)
    }

    static let firstCut = """
        version: 1
        email: Email
        status: { column: Consent, transforms: [lower, { map: { yes: subscribed, no: nonSubscribed, unsub: unsubscribed } }] }
        status_date: { column: OptIn }
        first_name: First
        last_name: { column: Last }
        city: City
        phone: { column: Phone, default_country_code: "40" }
        country: Country
        country_code: Country
        gender: { column: Gender, transforms: [lower, { map: { bărbat: m, femeie: f } }] }
        birthdate: { column: DOB, formats: ["DD.MM.YYYY", "YYYY-MM-DD"] }
        tags:
          - { value: imported }
          - { column: Segment, prefix: "segment: " }
        custom_properties:
          loyalty_points: { column: Points, type: number, decimal: "," }
          source: { value: crm }
        """

    @Test func mapsTheFirstCutFieldsInFixedOrder() throws {
        let mapper = try Self.mapper(Self.firstCut)
        let result = mapper.map(Self.record([
            " Ana.Pop@Example.COM ", "Ana", "Pop", "Yes", "2024-05-01T10:07:28+02:00", "0722 123 456", "România",
            "Femeie", "05.11.1981", "VIP", "1.234,5", " Cluj ",
        ]))
        #expect(Self.json(result) == #"{"identifiers":[{"type":"email","id":"ana.pop@example.com","channels":{"email":{"status":"subscribed","statusDate":"2024-05-01T08:07:28Z"}},"sendWelcomeMessage":false},{"type":"phone","id":"+40722123456","channels":{"sms":{"status":"nonSubscribed","statusDate":"1970-01-01T00:00:00Z"}}}],"firstName":"Ana","lastName":"Pop","city":"Cluj","country":"România","countryCode":"RO","gender":"f","birthdate":"1981-11-05","tags":["imported","segment: VIP"],"customProperties":{"loyalty_points":1234.5,"source":"crm"}}"#)
    }

    @Test func usesStatusChangedAtFor2026() throws {
        let mapper = try Self.mapper("email: Email\nstatus: { value: unsubscribed }\nstatus_date: OptIn\n", api: .v2026_03_15)
        let result = mapper.map(Self.record(["a@b.co", "", "", "", "2024-05-01", "", "", "", "", "", "", ""]))
        #expect(Self.json(result) == #"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{"status":"unsubscribed","statusChangedAt":"2024-05-01T00:00:00Z"}},"sendWelcomeMessage":false}]}"#)
    }

    @Test func leavesEmptyFieldsOutAndDropsBadOnesWithWarnings() throws {
        let mapper = try Self.mapper(Self.firstCut)
        let result = mapper.map(Self.record(["a@b.co", "  ", "", "no", "yesterday", "12", "Atlantis", "x", "31.02.1990", "", "abc", ""]))
        guard case .contact(let c) = result else { Issue.record("expected a contact, got \(result)"); return }
        #expect(String(decoding: c.json, as: UTF8.self) == #"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{"status":"nonSubscribed","statusDate":"1970-01-01T00:00:00Z"}},"sendWelcomeMessage":false}],"country":"Atlantis","tags":["imported"],"customProperties":{"source":"crm"}}"#)
        #expect(c.warnings == [
            MappingWarning(field: "statusDate", code: "status_date_invalid"),
            MappingWarning(field: "phone", code: "phone_invalid"),
            MappingWarning(field: "countryCode", code: "country_code_unknown"),
            MappingWarning(field: "gender", code: "gender_invalid"),
            MappingWarning(field: "birthdate", code: "birthdate_invalid"),
            MappingWarning(field: "customProperties.loyalty_points", code: "custom_property_invalid"),
        ])
    }

    @Test func rejectsMissingAndInvalidEmailsWithTheRawValue() throws {
        let mapper = try Self.mapper(Self.firstCut)
        let empty = Array(repeating: "", count: 12)
        var row = empty
        row[3] = "yes"
        #expect(mapper.map(Self.record(row)) == .rejected(reason: "email_missing", detail: "the email field is empty", email: ""))
        row[0] = " Bad@@x.com"
        #expect(mapper.map(Self.record(row)) == .rejected(reason: "email_invalid", detail: "more than one @", email: "Bad@@x.com"))
    }

    @Test func rejectsAStatusOutsideTheEnum() throws {
        let mapper = try Self.mapper(Self.firstCut)
        var row = Array(repeating: "", count: 12)
        row[0] = "a@b.co"
        row[3] = "maybe"
        guard case .rejected(let reason, _, let email) = mapper.map(Self.record(row)) else { Issue.record("not rejected"); return }
        #expect(reason == "status_invalid")
        #expect(email == "a@b.co")
    }

    @Test func outputIsByteIdenticalAcrossMappers() throws {
        let row = Self.record(["x@y.de", "Ștefan", "", "yes", "", "", "DE", "", "", "A", "", ""])
        let a = try Self.mapper(Self.firstCut).map(row)
        let b = try Self.mapper(Self.firstCut).map(row)
        #expect(a == b)
    }
}
