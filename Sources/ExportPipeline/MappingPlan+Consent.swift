import ExportContactRules
extension MappingPlan {
    /// One channel's consent as the mapping writes it, with the keys to name in messages.
    struct ChannelConsent {
        /// `email` or `sms`.
        var channel: String
        var statusKey: String
        var dateKey: String
        var status: ValueSpec?
        var date: DateField?
        var now: ConfigLocation?
    }

    /// The channels whose consent the mapping can write: email always, SMS when a phone is mapped.
    var channelConsents: [ChannelConsent] {
        var out = [ChannelConsent(
            channel: "email", statusKey: "status", dateKey: "status_date", status: status, date: statusDate,
            now: statusDateNow)]
        if let phone {
            out.append(ChannelConsent(
                channel: "sms", statusKey: "sms_status", dateKey: "sms_status_date", status: phone.smsStatus,
                date: phone.smsStatusDate, now: phone.smsStatusDateNow))
        }
        return out
    }

    /// Whether `spec` gives the same value for every row (a constant or the run date).
    static func isConstant(_ spec: ValueSpec) -> Bool {
        switch spec.source {
        case .constant, .runDate: return true
        default: return false
        }
    }

    /// The constant status of `spec` when it is one without transforms.
    static func constantStatus(_ spec: ValueSpec?) -> String? {
        guard let spec, spec.transforms.isEmpty, case .constant(let text) = spec.source else { return nil }
        return MappingProgram.canonicalStatus(TextOps.trim(text))
    }

    /// The consent mistakes `check` and `prepare` refuse, located in the mapping (`consent` is the
    /// pipeline's policy):
    /// - a status without a date (every status would be dated "now" and win over any decision);
    /// - a date without a status;
    /// - `now` as a date, unless `consent: { allow_status_date_now: true }`;
    /// - under `resubscribe: never`, a status that can be `subscribed` dated by a constant, or a
    ///   constant `subscribed` dated `now`: it would not be the person's own decision date.
    public func consentProblems() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        func report(_ location: ConfigLocation, _ message: String, _ hint: String) {
            problems.append(ConfigProblem(file: path, line: location.line, column: location.column, message: message, hint: hint))
        }
        for c in channelConsents {
            let nowHint = "\(c.dateKey): now also needs consent: { allow_status_date_now: true } in the pipeline"
            if let status = c.status, c.date == nil, c.now == nil {
                report(status.location,
                    "\(c.statusKey) is mapped without \(c.dateKey): Omnisend would date every status \"now\", so it would override later unsubscribes",
                    "add \(c.dateKey): { column: …, formats: [...] } with the date of each contact's decision; \(nowHint)")
            }
            let dateLocation = c.date?.spec.location ?? c.now
            if c.status == nil, let dateLocation {
                report(dateLocation, "\(c.dateKey) is mapped without \(c.statusKey)",
                    "map \(c.statusKey) too; without it existing contacts keep their \(c.channel) status")
            }
            if let now = c.now, !consent.allowStatusDateNow {
                report(now,
                    "\(c.dateKey): now dates every \(c.channel) status with the upload time, so it wins over every earlier decision",
                    "read the decision date from a column, or acknowledge it with consent: { allow_status_date_now: true } in the pipeline")
            }
            guard consent.resubscribe == .never, let status = c.status else { continue }
            let canSubscribe = Self.isConstant(status) ? Self.constantStatus(status) == "subscribed" : true
            if canSubscribe, let date = c.date, Self.isConstant(date.spec) {
                report(date.spec.location,
                    "\(c.dateKey) is a constant: a subscribed \(c.channel) status needs each contact's own decision date (consent resubscribe: never)",
                    "read \(c.dateKey) from a column; or set consent: { resubscribe: allow } in the pipeline if this date really is every contact's opt-in")
            }
            if let now = c.now, Self.constantStatus(status) == "subscribed" {
                report(now,
                    "\(c.statusKey) is the constant subscribed dated now: under consent resubscribe: never every row would be rejected",
                    "read \(c.dateKey) from a column, or set consent: { resubscribe: allow } in the pipeline")
            }
        }
        return problems
    }

    /// Consent choices `check` warns about without refusing them: a constant `subscribed` status
    /// (everybody in the input becomes subscribed, whatever they chose).
    public func consentWarnings() -> [ConfigProblem] {
        channelConsents.compactMap { c in
            guard let status = c.status, Self.constantStatus(status) == "subscribed" else { return nil }
            return ConfigProblem(
                file: path, line: status.location.line, column: status.location.column,
                message: "\(c.statusKey) is the constant subscribed: every contact of the input is sent as subscribed to \(c.channel)",
                hint: "read \(c.statusKey) from the export's consent column, unless every row really is an opt-in of that date")
        }
    }

    /// Where the date a channel was sent with comes from, for `check`'s consent effect:
    /// `keep-existing` (the 1970 date the rule ignores), `now` (no date sent), `constant` or
    /// `column` (the mapping's date spec).
    /// - Parameters:
    ///   - channel: `email` or `sms`.
    ///   - sentDate: the date in the sent channel, `nil` when none was sent.
    public func consentDateSource(channel: String, sentDate: String?) -> String {
        guard let sentDate else { return "now" }
        if sentDate == ConsentPolicy.keepExistingDate { return "keep-existing" }
        let spec = channel == "sms" ? phone?.smsStatusDate?.spec : statusDate?.spec
        return spec.map(Self.isConstant) == true ? "constant" : "column"
    }
}
