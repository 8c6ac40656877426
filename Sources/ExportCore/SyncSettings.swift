/// The pipeline's `sync:` section: whether runs diff against the destination state (issue 15).
///
/// `sync: incremental` (or `{ mode: incremental, … }`) makes `prepare` send only new and changed
/// contacts; `sync: full` sends everyone but still records what Omnisend accepted, so a later
/// incremental run has a state to diff against. Without `sync:` nothing is diffed or recorded.
/// See docs/sync.md.
public struct SyncSettings: Sendable, Equatable {
    /// How a run is prepared.
    public enum Mode: String, Sendable, CaseIterable, Codable {
        /// Send everyone; record what is accepted.
        case full
        /// Send only contacts whose payload differs from the one last accepted.
        case incremental
    }

    /// What happens to contacts in the state that no input row names any more.
    public enum LeaverAction: String, Sendable, CaseIterable, Codable {
        /// Nothing (the default): they stay in Omnisend as they are.
        case none
        /// Add the tag `leaver_tag` (default `left: PIPELINE`); tags are additive, nothing is removed.
        case tag
        /// Set the email channel to `nonSubscribed`, only for contacts last sent as `subscribed`;
        /// needs `consent: { allow_leaver_downgrade: true }`.
        case unsubscribe
    }

    /// `mode`: `incremental` or `full` (the default when only other keys are given: `incremental`).
    public var mode: Mode
    /// `state`: the state file (SQLite); default `STATE_DIR/sync/NAME--PIPELINE.sqlite`.
    public var statePath: String?
    /// `full_every`: an incremental run becomes a full one when the last full run recorded is at
    /// least this many seconds old (`7d`, `12h`); `nil`: never.
    public var fullEverySeconds: Double?
    /// `leavers`: see `LeaverAction`.
    public var leavers: LeaverAction
    /// `leaver_tag`: the tag `leavers: tag` adds (default `left: PIPELINE`).
    public var leaverTag: String?
    /// `consent: { allow_leaver_downgrade: true }`: `leavers: unsubscribe` may be used.
    public var allowLeaverDowngrade: Bool
    /// `limits: { max_leaver_rate: 0.2 }`: a run whose leavers exceed this share of the state is
    /// refused (exit 5), since an export cut short by mistake must not unsubscribe half the list.
    public var maxLeaverRate: Double

    /// Creates settings.
    public init(
        mode: Mode = .incremental, statePath: String? = nil, fullEverySeconds: Double? = nil, leavers: LeaverAction = .none,
        leaverTag: String? = nil, allowLeaverDowngrade: Bool = false, maxLeaverRate: Double = 0.2
    ) {
        self.mode = mode
        self.statePath = statePath
        self.fullEverySeconds = fullEverySeconds
        self.leavers = leavers
        self.leaverTag = leaverTag
        self.allowLeaverDowngrade = allowLeaverDowngrade
        self.maxLeaverRate = maxLeaverRate
    }
}
