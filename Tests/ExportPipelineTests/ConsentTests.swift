import ExportCore
import ExportFormats
import ExportTestSupport
import Foundation
import Testing
@testable import ExportContactRules
@testable import ExportPipeline

/// The consent rules of docs/mapping.md ("Consent"): what each channel is sent with, what the
/// loader refuses, and the plug point for a destination state.
@Suite struct ConsentTests {
    static let header = Header(["Email", "Consent", "Date", "Phone", "Sms", "SmsDate", "Country"])

    static func record(_ values: [String]) -> Record {
        Record(header: header, values: values.map(FieldValue.string), origin: RecordOrigin(file: "in.csv", line: 2, index: 0))
    }

    static func mapper(_ yaml: String, consent: ConsentPolicy = ConsentPolicy(), api: APIVersion = .v5) throws -> MappingProgram {
        var plan = try MappingLoader.parse(text: yaml, file: "m.yaml")
        plan.consent = consent
        return MappingProgram(plan: plan, apiVersion: api, runDate: "2026-01-02")
    }

    static func json(_ result: MappingResult) -> String {
        guard case .contact(let c) = result else { return "\(result)" }
        return String(decoding: c.json, as: UTF8.self)
    }

    /// The identifiers part of a contact's JSON.
    static func identifiers(_ result: MappingResult) -> String {
        let text = json(result)
        guard let start = text.range(of: "\"identifiers\":"), let end = text.range(of: "]", options: .backwards) else { return text }
        return String(text[start.upperBound..<end.upperBound])
    }

    static let statusFromColumns = """
        email: Email
        status: { column: Consent, transforms: [lower, { map: { yes: subscribed, no: nonSubscribed, unsub: unsubscribed } }] }
        status_date: { column: Date, formats: ["DD.MM.YYYY", iso8601] }
        phone:
          column: Phone
          default_country_code: "40"
          sms_status: { column: Sms }
          sms_status_date: { column: SmsDate }
        """

    @Test func noStatusKeepsEveryChannelWithThe1970Date() throws {
        let mapper = try Self.mapper("email: Email\nphone: { column: Phone, default_country_code: \"40\" }\n")
        let result = mapper.map(Self.record(["a@b.co", "", "", "0722 123 456", "", "", ""]))
        #expect(Self.identifiers(result) == #"[{"type":"email","id":"a@b.co","channels":{"email":{"status":"nonSubscribed","statusDate":"1970-01-01T00:00:00Z"}},"sendWelcomeMessage":false},{"type":"phone","id":"+40722123456","channels":{"sms":{"status":"nonSubscribed","statusDate":"1970-01-01T00:00:00Z"}}}]"#)
        let v2026 = try Self.mapper("email: Email\n", api: .v2026_03_15)
        #expect(Self.json(v2026.map(Self.record(["a@b.co", "", "", "", "", "", ""]))).contains(#""statusChangedAt":"1970-01-01T00:00:00Z""#))
    }

    @Test func eachStatusWithAndWithoutItsDate() throws {
        let mapper = try Self.mapper(Self.statusFromColumns)
        func email(_ consent: String, _ date: String) -> MappingResult {
            mapper.map(Self.record(["a@b.co", consent, date, "", "", "", ""]))
        }
        #expect(Self.identifiers(email("yes", "01.06.2025")).contains(#"{"status":"subscribed","statusDate":"2025-06-01T00:00:00Z"}"#))
        #expect(email("yes", "") == .rejected(
            reason: "status_date_missing", detail: "the status date is empty; a subscribed status is only sent with its decision date",
            email: "a@b.co"))
        #expect(email("Yes", "ieri") == .rejected(
            reason: "status_date_invalid", detail: "statusDate: not a date in the configured formats", email: "a@b.co"))
        // Unsubscribing is the safe direction: without a date it is sent as "now" (no date key).
        #expect(Self.identifiers(email("unsub", "")).contains(#""channels":{"email":{"status":"unsubscribed"}}"#))
        #expect(Self.identifiers(email("unsub", "01.06.2025")).contains(#"{"status":"unsubscribed","statusDate":"2025-06-01T00:00:00Z"}"#))
        // A non-decision without a date keeps what the destination has.
        #expect(Self.identifiers(email("no", "")).contains(#"{"status":"nonSubscribed","statusDate":"1970-01-01T00:00:00Z"}"#))
        guard case .contact(let unreadable) = email("no", "ieri") else { Issue.record("expected a contact"); return }
        #expect(String(decoding: unreadable.json, as: UTF8.self).contains(#"{"status":"nonSubscribed","statusDate":"1970-01-01T00:00:00Z"}"#))
        #expect(unreadable.warnings == [MappingWarning(field: "statusDate", code: "status_date_invalid")])
        #expect(email("maybe", "01.06.2025") == .rejected(
            reason: "status_invalid", detail: "status is not subscribed, unsubscribed or nonSubscribed", email: "a@b.co"))
    }

    @Test func theSMSChannelFollowsTheSameRules() throws {
        let mapper = try Self.mapper(Self.statusFromColumns)
        func sms(_ status: String, _ date: String) -> MappingResult {
            mapper.map(Self.record(["a@b.co", "no", "01.01.2020", "0722 123 456", status, date, ""]))
        }
        #expect(Self.identifiers(sms("subscribed", "2025-06-01T10:00:00Z")).hasSuffix(#"{"type":"phone","id":"+40722123456","channels":{"sms":{"status":"subscribed","statusDate":"2025-06-01T10:00:00Z"}}}]"#))
        #expect(sms("subscribed", "") == .rejected(
            reason: "sms_status_date_missing", detail: "the status date is empty; a subscribed status is only sent with its decision date",
            email: "a@b.co"))
        #expect(Self.identifiers(sms("unsubscribed", "")).hasSuffix(#""channels":{"sms":{"status":"unsubscribed"}}}]"#))
        #expect(sms("", "") == .rejected(
            reason: "sms_status_invalid", detail: "sms_status is not subscribed, unsubscribed or nonSubscribed", email: "a@b.co"))
        // No phone in the row: the SMS status is not looked at.
        #expect(Self.identifiers(mapper.map(Self.record(["a@b.co", "no", "01.01.2020", "", "", "", ""]))).contains("phone") == false)
    }

    @Test func constantAndNowDatesForSubscribedFollowTheResubscribePolicy() throws {
        let constant = "email: Email\nstatus: { value: subscribed }\nstatus_date: { value: \"2026-01-01T00:00:00Z\" }\n"
        let row = Self.record(["a@b.co", "", "", "", "", "", ""])
        let never = try Self.mapper(constant)
        #expect(never.map(row) == .rejected(
            reason: "status_date_missing", detail: "a subscribed status needs the row's own decision date (consent resubscribe: never)",
            email: "a@b.co"))
        // The engine rejects every row the same way.
        let program = MappingProgram(plan: never.plan, apiVersion: never.apiVersion, runDate: never.runDate)
        var scratch = MappingProgram.Scratch()
        let texts = ["a@b.co", "", "", "", "", "", ""]
        #expect(RawFields.with(texts) {
            program.map($0, columns: program.bind(Self.header), origin: row.origin, scratch: &scratch)
        } == never.map(row))
        let allow = try Self.mapper(constant, consent: ConsentPolicy(resubscribe: .allow))
        #expect(Self.identifiers(allow.map(row)).contains(#"{"status":"subscribed","statusDate":"2026-01-01T00:00:00Z"}"#))

        let now = "email: Email\nstatus: Consent\nstatus_date: now\n"
        let nowNever = try Self.mapper(now, consent: ConsentPolicy(allowStatusDateNow: true))
        #expect(nowNever.map(Self.record(["a@b.co", "subscribed", "", "", "", "", ""])) == .rejected(
            reason: "status_date_missing", detail: "a subscribed status is not dated now under consent resubscribe: never", email: "a@b.co"))
        #expect(Self.identifiers(nowNever.map(Self.record(["a@b.co", "nonSubscribed", "", "", "", "", ""]))).contains(#"{"status":"nonSubscribed"}"#))
        let nowAllow = try Self.mapper(now, consent: ConsentPolicy(allowStatusDateNow: true, resubscribe: .allow))
        #expect(Self.identifiers(nowAllow.map(Self.record(["a@b.co", "subscribed", "", "", "", "", ""]))).contains(#"{"status":"subscribed"}"#))
    }

    @Test func theEngineWritesTheKeptChannelLikeTheReference() throws {
        let mapper = try Self.mapper("email: Email\nfirst_name: Consent\n")
        let program = MappingProgram(plan: mapper.plan, apiVersion: mapper.apiVersion, runDate: mapper.runDate)
        let texts = ["A@B.co", "Ana", "", "", "", "", ""]
        var scratch = MappingProgram.Scratch()
        let direct = RawFields.with(texts) {
            program.map($0, columns: program.bind(Self.header), origin: Self.record(texts).origin, scratch: &scratch)
        }
        #expect(direct == mapper.map(Self.record(texts)))
        #expect(Self.json(direct).contains(#"{"status":"nonSubscribed","statusDate":"1970-01-01T00:00:00Z"}"#))
    }

    @Test func phoneCountryPerRow() throws {
        let mapper = try Self.mapper("email: Email\nphone: { column: Phone, default_country_code: { column: Country } }\n")
        func phone(_ number: String, _ country: String) -> MappingResult {
            mapper.map(Self.record(["a@b.co", "", "", number, "", "", country]))
        }
        #expect(Self.identifiers(phone("0151 23456789", "Germany")).contains(#""id":"+4915123456789""#))
        #expect(Self.identifiers(phone("0151 23456789", "Deutschland")).contains(#""id":"+4915123456789""#))
        #expect(Self.identifiers(phone("0722 123 456", "RO")).contains(#""id":"+40722123456""#))
        #expect(Self.identifiers(phone("+40 722 123 456", "")).contains(#""id":"+40722123456""#))
        for country in ["", "Transilvania"] {
            guard case .contact(let c) = phone("0722 123 456", country) else { Issue.record("expected a contact"); continue }
            #expect(!String(decoding: c.json, as: UTF8.self).contains("phone"))
            #expect(c.warnings == [MappingWarning(field: "phone", code: "phone_country_unknown")])
        }
        guard case .contact(let bad) = phone("n/a", "Germany") else { Issue.record("expected a contact"); return }
        #expect(bad.warnings == [MappingWarning(field: "phone", code: "phone_invalid")])
        #expect(PhoneNumber.parse("0722 123 456", defaultCountryCode: nil) == .needsCountry)
        #expect(CallingCodes.code(for: "de") == "49" && CallingCodes.code(for: "US") == "1" && CallingCodes.code(for: "ZZ") == nil)
    }

    @Test func everyCountryOfTheTableHasACallingCode() {
        let missing = CountryTable.entries.map(\.0).filter { CallingCodes.code(for: $0) == nil }
        #expect(missing.isEmpty, "no calling code for \(missing)")
    }

    @Test func theLoaderRefusesUnsafeConsentAtItsPlace() throws {
        func problems(_ mapping: String, consent: String = "") -> [String] {
            let yaml = "version: 1\ninputs: [in.csv]\n\(consent)mapping:\n" + mapping.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
            do {
                _ = try PipelineLoader.parse(text: yaml, path: "p.yaml", environment: [:])
                return []
            } catch {
                return error.problems.map { "\($0.line):\($0.column): \($0.message)" }
            }
        }
        #expect(problems("email: Email\nstatus: Consent\n") == [
            "5:11: status is mapped without status_date: Omnisend would date every status \"now\", so it would override later unsubscribes",
        ])
        #expect(problems("email: Email\nstatus: Consent\nstatus_date: now\n") == [
            "6:16: status_date: now dates every email status with the upload time, so it wins over every earlier decision",
        ])
        #expect(problems("email: Email\nstatus: Consent\nstatus_date: now\n", consent: "consent: { allow_status_date_now: true }\n") == [])
        #expect(problems("email: Email\nstatus: Consent\nstatus_date: { value: \"2026-01-01\" }\n") == [
            "6:16: status_date is a constant: a subscribed email status needs each contact's own decision date (consent resubscribe: never)",
        ])
        #expect(problems("email: Email\nstatus: Consent\nstatus_date: { value: \"2026-01-01\" }\n", consent: "consent: { resubscribe: allow }\n") == [])
        #expect(problems("email: Email\nstatus: { value: unsubscribed }\nstatus_date: { value: \"2026-01-01\" }\n") == [])
        #expect(problems("email: Email\nstatus_date: Date\n") == ["5:16: status_date is mapped without status"])
        #expect(problems("email: Email\nphone: { column: P, sms_status: { value: subscribed } }\n").count == 1)
        #expect(problems("email: Email\nphone: { column: P, sms_status: S, sms_status_date: now }\n") == [
            "5:55: sms_status_date: now dates every sms status with the upload time, so it wins over every earlier decision",
        ])
        #expect(problems("email: Email\n", consent: "consent: { resubscribe: sometimes }\n").first?.contains("resubscribe") == true)
    }

    @Test func theBenchmarkPipelineSendsItsConstantChannel() throws {
        let pipeline = try PipelineLoader.load(path: SharedFolder.packageRoot + "/pipelines/benchmark.yaml", environment: [:])
        #expect(pipeline.mapping.consent.resubscribe == .allow)
        let program = MappingProgram(plan: pipeline.mapping, apiVersion: .v5, runDate: "2026-01-02")
        guard case .send(let decision, _)? = program.constantChannel else {
            Issue.record("the benchmark's consent is not worked out once")
            return
        }
        #expect(decision == ConsentPolicy.Decision(status: "subscribed", date: "2026-01-01T00:00:00Z"))
        #expect(pipeline.mapping.consentWarnings().count == 1)
    }

    @Test func aStateThatKnowsALaterUnsubscribeRefusesTheResubscribe() {
        let policy = ConsentPolicy()
        let row = ConsentPolicy.Decision(status: "subscribed", date: "2024-01-01T00:00:00Z")
        let later = ConsentPolicy.Decision(status: "unsubscribed", date: "2025-06-01T00:00:00Z")
        let earlier = ConsentPolicy.Decision(status: "unsubscribed", date: "2023-06-01T00:00:00Z")
        #expect(policy.rejection(sending: row, over: later) == "consent_resubscribe")
        #expect(policy.rejection(sending: row, over: earlier) == nil)
        #expect(policy.rejection(sending: row, over: nil) == nil)
        #expect(policy.rejection(sending: .init(status: "unsubscribed", date: nil), over: later) == nil)
        #expect(ConsentPolicy(resubscribe: .allow).rejection(sending: row, over: later) == nil)
    }
}
