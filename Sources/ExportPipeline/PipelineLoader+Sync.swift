import ExportCore
import Yams

extension PipelineLoader {
    static let syncKeys = ["mode", "state", "full_every", "leavers", "leaver_tag"]

    /// `sync: incremental|full`, or `sync: { mode, state, full_every, leavers, leaver_tag }`
    /// (docs/sync.md). `state` is relative to the pipeline file's folder.
    static func parseSync(_ node: Node, base: String, reader: inout ConfigReader) -> SyncSettings? {
        var settings = SyncSettings()
        if node.scalar != nil {
            guard let mode = reader.choice(node, what: "sync", SyncSettings.Mode.allCases.map(\.rawValue)) else { return nil }
            settings.mode = SyncSettings.Mode(rawValue: mode)!
            return settings
        }
        guard let entries = reader.entries(node, allowed: syncKeys, what: "sync") else { return nil }
        for e in entries {
            switch e.key {
            case "mode":
                if let v = reader.choice(e.value, what: "mode", SyncSettings.Mode.allCases.map(\.rawValue)) {
                    settings.mode = SyncSettings.Mode(rawValue: v)!
                }
            case "state":
                guard let p = reader.string(e.value, what: "state") else { break }
                if p.isEmpty { reader.report(e.value, "state is empty", hint: "name a file, e.g. state: state/newsletter.sqlite") }
                else { settings.statePath = resolve(p, against: base) }
            case "full_every":
                guard let text = reader.string(e.value, what: "full_every") else { break }
                guard let seconds = InputReadiness.seconds(text), seconds > 0 else {
                    reader.report(e.value, "full_every must be a duration such as 7d or 12h, not '\(text)'",
                        hint: "an incremental run becomes a full one when the last full run is this old")
                    break
                }
                settings.fullEverySeconds = seconds
            case "leavers":
                if let v = reader.choice(e.value, what: "leavers", SyncSettings.LeaverAction.allCases.map(\.rawValue)) {
                    settings.leavers = SyncSettings.LeaverAction(rawValue: v)!
                }
            default:  // leaver_tag
                guard let tag = reader.string(e.value, what: "leaver_tag") else { break }
                if tag.isEmpty || tag.count > 100 {
                    reader.report(e.value, "leaver_tag must be 1 to 100 characters", hint: "e.g. leaver_tag: \"left: newsletter\"")
                } else {
                    settings.leaverTag = tag
                }
            }
        }
        return settings
    }

    /// `limits.max_leaver_rate`: a share from 0 to 1 or a percentage; `nil` after reporting a problem.
    static func parseLeaverRate(_ node: Node, reader: inout ConfigReader) -> Double? {
        guard let text = reader.string(node, what: "max_leaver_rate") else { return nil }
        let percent = text.hasSuffix("%")
        if let v = Double(percent ? String(text.dropLast()) : text), (0...(percent ? 100 : 1)).contains(v) {
            return percent ? v / 100 : v
        }
        reader.report(node, "max_leaver_rate must be a share from 0 to 1 (or a percentage), not '\(text)'",
            hint: "e.g. max_leaver_rate: 0.2 refuses a run whose leavers are more than 20% of the destination state")
        return nil
    }

    /// Checks the sync settings against the consent policy: `leavers: unsubscribe` needs
    /// `consent: { allow_leaver_downgrade: true }`.
    static func checkSync(_ sync: SyncSettings, at node: Node, reader: inout ConfigReader) {
        if sync.leavers == .unsubscribe && !sync.allowLeaverDowngrade {
            reader.report(node, "sync: { leavers: unsubscribe } sets leavers' email channel to nonSubscribed",
                hint: "allow it with consent: { allow_leaver_downgrade: true }, or use leavers: tag")
        }
    }
}
