import ExportContactRules
import ExportCore

extension MappingProgram {
    /// What a status date field gives for one row.
    enum DateOutcome: Sendable {
        case absent
        case date(String)
        case invalid(String)
    }

    /// One channel's consent for a row: what to send, or why the row is rejected.
    enum ChannelConsent: Sendable {
        case send(ConsentPolicy.Decision)
        case reject(reason: String, detail: String)
    }

    /// The wire status of `spec` in `row`, or `nil` when it is not a status.
    static func status(of spec: ValueSpec, in row: FieldRow) -> String? {
        let text: String?
        if case .value(let v) = row.evaluate(spec) { text = v.map { TextOps.trim($0.joined()) } } else { text = nil }
        return text.flatMap(canonicalStatus)
    }

    /// The date of `field` in `row`, written as ISO 8601 UTC.
    static func statusDate(of field: MappingPlan.DateField, in row: FieldRow) -> DateOutcome {
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

    /// The wire spelling of a status, accepting any letter case.
    public static func canonicalStatus(_ text: String) -> String? {
        switch text.lowercased() {
        case "subscribed": return "subscribed"
        case "unsubscribed": return "unsubscribed"
        case "nonsubscribed": return "nonSubscribed"
        default: return nil
        }
    }

    private static let iso = DatePattern("iso8601")!

    /// The email channel's status and date for `row`.
    func emailConsent(_ row: FieldRow, problems: inout MappingProblems) -> ChannelConsent {
        consent(
            status: plan.status, constantStatus: constantStatus, date: plan.statusDate,
            constantDate: constantStatusDate, isNow: plan.statusDateNow != nil, row: row, prefix: "",
            dateWire: apiVersion.statusDateKey, problems: &problems)
    }

    /// The SMS channel's status and date for `row`.
    func smsConsent(_ field: MappingPlan.PhoneField, row: FieldRow, problems: inout MappingProblems) -> ChannelConsent {
        consent(
            status: field.smsStatus, constantStatus: nil, date: field.smsStatusDate, constantDate: nil,
            isNow: field.smsStatusDateNow != nil, row: row, prefix: "sms_", dateWire: smsDateWire, problems: &problems)
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
        isNow: Bool, row: FieldRow, prefix: String, dateWire: String, problems: inout MappingProblems
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
            problems.add(dateWire, "\(prefix)status_date_invalid", date?.onInvalid ?? .drop, why)
            return .send(.init(status: value, date: value == "unsubscribed" ? nil : keep))
        }
    }
}
