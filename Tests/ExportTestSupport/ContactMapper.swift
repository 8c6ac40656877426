import ExportContactRules
import ExportCore
@testable import ExportPipeline
import Foundation

/// The slow reference of the mapping language: turns records into Omnisend contacts (batch items)
/// following a `MappingPlan`, one `String` per value, written as plainly as the rules read.
///
/// Production maps with `MappingProgram`; this one stays beside the tests and the fuzzers, which
/// compare the two on every sample mapping and on random rows (`MappingProgramTests`,
/// `HostileInputTests`, `Fuzz/common/stages/MapCheck.swift`). It shares only the value-level rules
/// with the engine (transforms, email rules, country and phone tables, property writer).
///
/// Order of checks for a record: `where` rules (→ `filtered`), the email (normalised, validated →
/// `rejected`), the status, then each field; fields that break a rule are dropped with a warning
/// or reject the row, as the mapping says; finally the `require` rules. The JSON item has a fixed
/// key order: `identifiers` (email, then the optional phone), `firstName`, `lastName`, `address`,
/// `city`, `state`, `country`, `countryCode`, `postalCode`, `gender`, `birthdate`, `tags`,
/// `customProperties` (in mapping order). No spaces; same input, same bytes.
public struct ContactMapper: Sendable {
    /// The checked mapping.
    public let plan: MappingPlan
    /// The API version (decides `statusDate` vs `statusChangedAt`).
    public let apiVersion: APIVersion
    /// The run's date, `YYYY-MM-DD` (the `run_date` source).
    public let runDate: String
    private let cache = BindingCache()
    /// The status when the mapping gives it as a constant: worked out once, not per row.
    let constantStatus: String??
    /// The status date when the mapping gives it as a constant.
    let constantStatusDate: DateOutcome?

    /// Creates a mapper.
    public init(plan: MappingPlan, apiVersion: APIVersion, runDate: String) {
        self.plan = plan
        self.apiVersion = apiVersion
        self.runDate = runDate
        let header = Header([])
        let row = Row(
            record: Record(header: header, values: [], origin: RecordOrigin(file: "", line: 0, index: 0)),
            bound: plan.bind(header), runDate: runDate)
        if let spec = plan.status, MappingPlan.isConstant(spec) {
            constantStatus = .some(Self.status(of: spec, in: row))
        } else {
            constantStatus = nil
        }
        if let field = plan.statusDate, MappingPlan.isConstant(field.spec) {
            constantStatusDate = Self.statusDate(of: field, in: row)
        } else {
            constantStatusDate = nil
        }
    }

    /// The wire status of `spec` in `row`, or `nil` when it is not a status.
    private static func status(of spec: ValueSpec, in row: Row) -> String? {
        let text: String?
        if case .value(let v) = row.evaluate(spec) { text = v.map { TextOps.trim($0.joined()) } } else { text = nil }
        return text.flatMap(canonicalStatus)
    }

    /// What a status date field gives for one row.
    enum DateOutcome: Sendable {
        case absent
        case date(String)
        case invalid(String)
    }

    private static func statusDate(of field: MappingPlan.DateField, in row: Row) -> DateOutcome {
        switch row.evaluate(field.spec) {
        case .value(let v?):
            let text = TextOps.trim(v.joined())
            if text.isEmpty { return .absent }
            if let parts = field.formats.lazy.compactMap({ $0.parse(text) }).first { return .date(iso.format(parts)) }
            return .invalid("not a date in the configured formats")
        case .value(nil): return .absent
        case .invalid(let why): return .invalid(why)
        }
    }

    /// Maps `record`, binding its header once (the last header is cached by identity).
    public func map(_ record: Record) -> MappingResult {
        map(record, bound: cache.bound(for: record.header, plan: plan))
    }

    /// Maps `record` with columns already resolved by `plan.bind(record.header)`.
    public func map(_ record: Record, bound: BoundMapping) -> MappingResult {
        let row = Row(record: record, bound: bound, runDate: runDate)

        for condition in plan.conditions where !row.holds(condition) {
            return .filtered(detail: "where rule at \(condition.location) not met")
        }

        // Email.
        let rawEmail: String?
        switch row.evaluate(plan.email) {
        case .value(let v): rawEmail = v.map { $0.joined() }
        case .invalid: rawEmail = nil
        }
        guard let rawEmail, !TextOps.isBlank(rawEmail) else {
            return .rejected(reason: "email_missing", detail: "the email field is empty", email: rawEmail)
        }
        let email = EmailNormalizer.normalize(rawEmail)
        if let problem = EmailAddress.validate(email) {
            return .rejected(reason: problem.reason, detail: problem.detail, email: rawEmail)
        }

        var out = Output(requirements: !plan.requirements.isEmpty)
        var warnings: [MappingWarning] = []
        var rejection: (String, String)?
        func invalid(_ field: String, _ code: String, _ onInvalid: OnInvalid, _ detail: String) {
            if onInvalid == .reject {
                if rejection == nil { rejection = (code, "\(field): \(detail)") }
            } else {
                warnings.append(MappingWarning(field: field, code: code))
            }
        }

        // Consent: the email channel's status and date, by the rules of docs/mapping.md ("Consent").
        let emailConsent: ConsentPolicy.Decision
        switch consent(
            status: plan.status, constantStatus: constantStatus, date: plan.statusDate, constantDate: constantStatusDate,
            isNow: plan.statusDateNow != nil, row: row, prefix: "", dateWire: apiVersion.statusDateKey, invalid: invalid)
        {
        case .send(let decision): emailConsent = decision
        case .reject(let reason, let detail): return .rejected(reason: reason, detail: detail, email: rawEmail)
        }

        var phone: String?
        var smsConsent: ConsentPolicy.Decision?
        if let field = plan.phone, case .value(let v?) = row.evaluate(field.spec) {
            let text = TextOps.trim(v.joined())
            if !text.isEmpty {
                var code = field.defaultCountryCode
                if let country = field.country {
                    code = nil
                    if case .value(let c?) = row.evaluate(country), let alpha2 = CountryCodes.alpha2(for: c.joined()) {
                        code = CallingCodes.code(for: alpha2)
                    }
                }
                switch PhoneNumber.parse(text, defaultCountryCode: code) {
                case .e164(let e164):
                    phone = e164
                    out.mark("phone")
                case .needsCountry:
                    invalid("phone", "phone_country_unknown", field.onInvalid,
                        "a national number, and the row's country is not known (no calling code to put in front)")
                case .invalid:
                    invalid("phone", "phone_invalid", field.onInvalid, "not a phone number that can be written in E.164")
                }
            }
            if phone != nil {
                switch consent(
                    status: field.smsStatus, constantStatus: nil, date: field.smsStatusDate, constantDate: nil,
                    isNow: field.smsStatusDateNow != nil, row: row, prefix: "sms_",
                    dateWire: "sms.\(apiVersion.statusDateKey)", invalid: invalid)
                {
                case .send(let decision): smsConsent = decision
                case .reject(let reason, let detail): return .rejected(reason: reason, detail: detail, email: rawEmail)
                }
            }
        }

        // Identifiers.
        out.raw("{\"identifiers\":[{\"type\":\"email\",\"id\":")
        out.string(email)
        out.raw(",\"channels\":{\"email\":")
        writeChannel(emailConsent, to: &out)
        out.raw("},\"sendWelcomeMessage\":")
        out.raw(plan.sendWelcomeMessage ? "true}" : "false}")
        out.mark("email")
        out.mark("status")
        if plan.statusDate != nil && emailConsent.date != nil && emailConsent.date != ConsentPolicy.keepExistingDate {
            out.mark("status_date")
        }
        if let phone, let smsConsent {
            out.raw(",{\"type\":\"phone\",\"id\":")
            out.string(phone)
            out.raw(",\"channels\":{\"sms\":")
            writeChannel(smsConsent, to: &out)
            out.raw("}}")
        }
        out.raw("]")

        // Plain fields.
        for field in plan.fields {
            var text: String?
            switch row.evaluate(field.spec) {
            case .value(let v?): text = TextOps.trim(v.joined())
            case .value(nil): text = nil
            case .invalid(let why):
                invalid(field.wireName, "\(field.key)_invalid", field.onInvalid, why)
            }
            guard let value = text, !value.isEmpty else { continue }
            switch Self.render(value, as: field) {
            case .invalid(let code, let detail):
                invalid(field.wireName, code, field.onInvalid, detail)
            case .text(let text):
                out.bytes.append(contentsOf: field.jsonKey)
                out.string(text)
                out.mark(field.key)
            }
        }

        // Tags.
        if !plan.tags.isEmpty {
            var tags: [String] = []
            var seen = Set<String>()
            for tag in plan.tags {
                guard case .value(let v?) = row.evaluate(tag.spec) else { continue }
                var items = v.items
                if let separator = tag.split { items = items.flatMap { $0.split(separator: separator).map(String.init) } }
                for item in items {
                    let trimmed = TextOps.trim(item)
                    if trimmed.isEmpty { continue }
                    let full = tag.prefix + trimmed + tag.suffix
                    // A linear scan beats hashing for the usual handful of tags.
                    if tags.count < 16 {
                        if !tags.contains(full) { tags.append(full) }
                    } else if seen.isEmpty {
                        seen = Set(tags)
                        if seen.insert(full).inserted { tags.append(full) }
                    } else if seen.insert(full).inserted {
                        tags.append(full)
                    }
                }
            }
            if tags.count > 100 {
                invalid("tags", "tags_over_limit", plan.tagsOnInvalid, "\(tags.count) tags; Omnisend accepts at most 100")
                tags.removeLast(tags.count - 100)
            }
            if !tags.isEmpty {
                out.raw(",\"tags\":[")
                for (i, tag) in tags.enumerated() {
                    if i > 0 { out.raw(",") }
                    out.string(tag)
                }
                out.raw("]")
                out.mark("tags")
            }
        }

        // Custom properties.
        var openedProperties = false
        for property in plan.customProperties {
            let value: MappingValue
            switch row.evaluate(property.spec) {
            case .value(let v?): value = v
            case .value(nil): continue
            case .invalid(let why):
                invalid("customProperties.\(property.name)", "custom_property_invalid", property.onInvalid, why)
                continue
            }
            if value.isBlank { continue }
            var json: [UInt8] = []
            switch CustomPropertyWriter.write(value, as: property, into: &json) {
            case .ok: break
            case .invalid(let code, let detail):
                invalid("customProperties.\(property.name)", code, property.onInvalid, detail)
                continue
            }
            out.raw(openedProperties ? "," : ",\"customProperties\":{")
            openedProperties = true
            out.string(property.name)
            out.raw(":")
            out.bytes.append(contentsOf: json)
            if out.tracksPresence { out.mark("custom_properties.\(property.name)") }
        }
        if openedProperties { out.raw("}") }
        out.raw("}")

        if let (code, detail) = rejection {
            return .rejected(reason: code, detail: detail, email: rawEmail)
        }
        for requirement in plan.requirements where !out.present.contains(requirement.field) {
            return .rejected(reason: requirement.reason, detail: "required field '\(requirement.field)' is empty", email: rawEmail)
        }

        var dedupeDate: String?
        if let lookup = bound.dedupeDate { dedupeDate = BoundMapping.value(lookup, in: record)?.text }
        return .contact(MappedContact(email: email, json: out.bytes, warnings: warnings, dedupeDate: dedupeDate))
    }

    /// One channel's consent for a row: what to send, or why the row is rejected.
    enum ChannelConsent {
        case send(ConsentPolicy.Decision)
        case reject(reason: String, detail: String)
    }

    /// One channel's status and date for `row` (docs/mapping.md, "Consent"):
    /// - no status mapped: `nonSubscribed` dated `ConsentPolicy.keepExistingDate`, which Omnisend's
    ///   date rule ignores for an existing contact;
    /// - `subscribed`: only with a date (from the row, unless `resubscribe: allow`); an empty date
    ///   rejects the row (`status_date_missing`), so does one that cannot be read;
    /// - `unsubscribed`: an empty (or unreadable, under `on_invalid: drop`) date is sent as "now";
    /// - `nonSubscribed`: an empty (or unreadable) date keeps the existing status.
    /// `prefix` (`sms_` for the SMS channel) starts the reject and warning codes; `dateWire` names
    /// the date field in warnings.
    func consent(
        status: ValueSpec?, constantStatus: String??, date: MappingPlan.DateField?, constantDate: DateOutcome?,
        isNow: Bool, row: Row, prefix: String, dateWire: String,
        invalid: (String, String, OnInvalid, String) -> Void
    ) -> ChannelConsent {
        let keep = ConsentPolicy.keepExistingDate
        guard let status else { return .send(.init(status: "nonSubscribed", date: keep)) }
        guard let value = constantStatus ?? Self.status(of: status, in: row) else {
            return .reject(reason: "\(prefix)status_invalid", detail: "\(prefix)status is not subscribed, unsubscribed or nonSubscribed")
        }
        var outcome = DateOutcome.absent
        var fromRow = false
        if !isNow, let date {
            outcome = constantDate ?? Self.statusDate(of: date, in: row)
            fromRow = !MappingPlan.isConstant(date.spec)
        }
        let missing = "\(prefix)status_date_missing"
        if value == "subscribed" {
            let allow = plan.consent.resubscribe == .allow
            switch outcome {
            case .date(let d) where fromRow || allow:
                return .send(.init(status: value, date: d))
            case .date:
                return .reject(reason: missing, detail: "a subscribed status needs the row's own decision date (consent resubscribe: never)")
            case .absent where isNow && allow:
                return .send(.init(status: value, date: nil))
            case .absent where isNow:
                return .reject(reason: missing, detail: "a subscribed status is not dated now under consent resubscribe: never")
            case .absent:
                return .reject(reason: missing, detail: "the status date is empty; a subscribed status is only sent with its decision date")
            case .invalid(let why):
                return .reject(reason: "\(prefix)status_date_invalid", detail: "\(dateWire): \(why)")
            }
        }
        switch outcome {
        case .date(let d):
            return .send(.init(status: value, date: d))
        case .absent:
            // Unsubscribing is the safe direction: "now" wins. A non-decision keeps what is there.
            return .send(.init(status: value, date: value == "unsubscribed" || isNow ? nil : keep))
        case .invalid(let why):
            invalid(dateWire, "\(prefix)status_date_invalid", date?.onInvalid ?? .drop, why)
            return .send(.init(status: value, date: value == "unsubscribed" ? nil : keep))
        }
    }

    /// `{"status":…,"<date key>":…}` of one channel (no date key for "now").
    private func writeChannel(_ decision: ConsentPolicy.Decision, to out: inout Output) {
        out.raw("{\"status\":")
        out.string(decision.status)
        if let date = decision.date {
            out.raw(",\"\(apiVersion.statusDateKey)\":")
            out.string(date)
        }
        out.raw("}")
    }

    /// What a plain field's trimmed, non-empty `value` becomes on the wire.
    enum Rendered {
        case text(String)
        case invalid(code: String, detail: String)
    }

    /// `value` rendered as `field`'s kind wants it (a country code, `m`/`f`, a day).
    static func render(_ value: String, as field: MappingPlan.ContactField) -> Rendered {
        switch field.kind {
        case .text:
            return .text(value)
        case .countryCode:
            guard let code = CountryCodes.alpha2(for: value) else {
                return .invalid(code: "country_code_unknown", detail: "not a country name or ISO 3166 code")
            }
            return .text(code)
        case .gender:
            switch value.lowercased() {
            case "m", "male": return .text("m")
            case "f", "female": return .text("f")
            default: return .invalid(code: "gender_invalid", detail: "not m or f (map the source values with 'map')")
            }
        case .birthdate(let formats):
            guard let parts = formats.lazy.compactMap({ $0.parse(value) }).first else {
                return .invalid(code: "birthdate_invalid", detail: "not a date in the configured formats")
            }
            return .text(day.format(parts))
        }
    }

    private static let iso = DatePattern("iso8601")!
    private static let day = DatePattern("YYYY-MM-DD")!

    /// The wire spelling of a status, accepting any letter case.
    static func canonicalStatus(_ text: String) -> String? {
        switch text.lowercased() {
        case "subscribed": return "subscribed"
        case "unsubscribed": return "unsubscribed"
        case "nonsubscribed": return "nonSubscribed"
        default: return nil
        }
    }

    /// The JSON being written, and which mapping fields ended up in it (for `require`).
    private struct Output {
        var bytes: [UInt8] = []
        var present: Set<String> = []
        let tracksPresence: Bool

        init(requirements: Bool) {
            tracksPresence = requirements
            bytes.reserveCapacity(512)
        }

        mutating func raw(_ s: StaticString) {
            s.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

        mutating func string(_ s: String) { JSONText.appendString(s, to: &bytes) }

        mutating func mark(_ key: String) { if tracksPresence { present.insert(key) } }
    }
}

/// The last header a `ContactMapper` bound, reused while records share it (readers share one
/// `Header` per CSV input), so mapping does no name lookups per row.
private final class BindingCache: @unchecked Sendable {
    private let lock = NSLock()
    private var last: BoundMapping?

    func bound(for header: Header, plan: MappingPlan) -> BoundMapping {
        lock.lock()
        defer { lock.unlock() }
        if let last, last.header === header { return last }
        let bound = plan.bind(header)
        last = bound
        return bound
    }
}
