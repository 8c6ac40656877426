/// The pipeline's `consent:` section: how far a run may change a contact's subscription status.
///
/// It relies on Omnisend's documented date rule: "If you post status date earlier than in system,
/// status and statusDate won't be changed", and a status posted without a date is dated "now".
/// So a channel sent with `keepExistingDate` (1970) never changes an existing contact's status,
/// and a status sent with the date of the person's decision only wins over older decisions. See
/// docs/mapping.md ("Consent") for the rules each mapped status follows.
public struct ConsentPolicy: Sendable, Equatable {
    /// Whether a subscribed status may be sent without a decision date read from the row.
    public enum Resubscribe: String, Sendable, CaseIterable {
        /// The default: a row whose status is `subscribed` is only sent as subscribed with its own
        /// decision date (a column); a constant or `now` date cannot date it.
        case never
        /// A subscribed status may also be dated by a constant or `now` (e.g. a list of fresh
        /// opt-ins collected on one known day). It can re-subscribe people who unsubscribed later.
        case allow
    }

    /// `allow_status_date_now`: the pipeline accepts `status_date: now` / `sms_status_date: now`
    /// (the status then wins over every earlier decision).
    public var allowStatusDateNow: Bool
    /// `resubscribe`: see `Resubscribe`.
    public var resubscribe: Resubscribe

    /// The date a channel is sent with when the run must not change it: older than any real
    /// decision, so the date rule keeps an existing contact's status; a new contact gets the
    /// status sent with it (`nonSubscribed`).
    public static let keepExistingDate = "1970-01-01T00:00:00Z"

    /// The safe defaults: no `now`, no re-subscribing without the row's own date.
    public init(allowStatusDateNow: Bool = false, resubscribe: Resubscribe = .never) {
        self.allowStatusDateNow = allowStatusDateNow
        self.resubscribe = resubscribe
    }

    /// One channel's status with the date it is sent with (`nil`: "now", no date sent).
    public struct Decision: Sendable, Equatable {
        /// `subscribed`, `unsubscribed` or `nonSubscribed`.
        public var status: String
        /// ISO 8601 UTC (`YYYY-MM-DDTHH:mm:ssZ`), or `nil` for "now".
        public var date: String?

        /// Creates a decision.
        public init(status: String, date: String?) {
            self.status = status
            self.date = date
        }
    }

    /// The reject reason for sending `row` when the destination is known to hold `known` for the
    /// same contact and channel, or `nil` when the row may be sent.
    ///
    /// The incremental diff (`SyncDiff`) asks it with `known` from the destination state: the
    /// status and date last accepted for the channel. Under `resubscribe: never` a subscribed row older than a known unsubscribe is rejected with
    /// `consent_resubscribe`; without a state (`known == nil`) Omnisend's date rule is the guard.
    public func rejection(sending row: Decision, over known: Decision?) -> String? {
        guard resubscribe == .never, row.status == "subscribed", let known, known.status == "unsubscribed"
        else { return nil }
        // ISO 8601 UTC in one format sorts as text; a row without a date is "now", later than any.
        guard let rowDate = row.date, let knownDate = known.date else { return nil }
        return knownDate > rowDate ? "consent_resubscribe" : nil
    }
}
