import ExportChunks
import ExportCore
import ExportPipeline
import ExportRunFolder
import ExportSync
import Foundation

/// How `prepare` diffs a run against the destination state (`sync:` in the pipeline,
/// `--incremental`, `--full`): the state opened, what was read of it, and what to do.
public struct SyncPlan: Sendable {
    /// The settings after `--incremental` / `--full` / `full_every`.
    public var settings: SyncSettings
    /// Where the state is and its key.
    public var location: StateLocation
    /// The state read before the diff (after the replay).
    public var snapshot: StateSnapshot
    /// The open state (leavers are read from it).
    public var store: DestinationStateStore
}

/// The diff during `RecordRun`'s writing pass: every kept contact's payload hash against the
/// state (`unchanged` ones are counted and listed, not written to chunks), the consent guard
/// (a subscribe older than an unsubscribe the state holds is rejected `consent_resubscribe`),
/// and at the end the leavers' chunk items.
struct SyncDiff {
    /// What to do with one kept contact.
    enum Decision {
        case send
        case unchanged
        case reject(reason: String, detail: String)
    }

    var plan: SyncPlan
    let hasher: PayloadHasher
    let consent: ConsentPolicy
    let apiVersion: APIVersion
    let pipelineName: String
    var unchangedFile: SideFileWriter
    var unchanged = 0
    /// Reused by the hasher from contact to contact.
    var scratch: [UInt8] = []

    init(plan: SyncPlan, mapping: MappingPlan, apiVersion: APIVersion, pipelineName: String, runDirectory: String, io: FileWorkQueue) throws {
        self.plan = plan
        hasher = PayloadHasher(volatileFields: mapping.volatileFields)
        consent = mapping.consent
        self.apiVersion = apiVersion
        self.pipelineName = pipelineName
        unchangedFile = try SideFileWriter(runDirectory: runDirectory, name: RunFolderLayout.unchanged, io: io)
    }

    var incremental: Bool { plan.settings.mode == .incremental }

    /// Decides for one kept contact (after dedupe) and marks its email seen.
    mutating func decide(email: UnsafeBufferPointer<UInt8>, item: UnsafeBufferPointer<UInt8>, origin: RecordOrigin) throws -> Decision {
        // The consent guard parses the item only for the few emails the state knows unsubscribed.
        if let known = plan.snapshot.knownUnsubscribe(email: email),
            let sent = try hasher.digest(UnsafeRawBufferPointer(item)).channels["email"],
            let reason = consent.rejection(
                sending: .init(status: sent.status, date: sent.statusDate), over: .init(status: "unsubscribed", date: known))
        {
            plan.snapshot.markSeen(email: email)
            return .reject(
                reason: reason,
                detail: "the destination state holds an unsubscribe dated \(known), later than this row's subscribe dated \(sent.statusDate ?? "now") (consent: { resubscribe: never })")
        }
        let classification = plan.snapshot.classify(email: email, hash: try hasher.hash(item, scratch: &scratch))
        guard incremental, classification == .unchanged else { return .send }
        unchanged += 1
        try unchangedFile.unchanged(email: email, origin: origin)
        return .unchanged
    }

    /// A rejected row's email (as written in the row): its contact is no leaver.
    mutating func markSeen(rawEmail: String) {
        plan.snapshot.markSeen(email: Array(EmailNormalizer.normalize(rawEmail).utf8))
    }

    /// The leavers (in the state, not left before, named by no row) and those the action applies
    /// to (`unsubscribe`: only the ones last sent as `subscribed`), in email order.
    /// The count comes from the snapshot; the state is read again only for the emails of an action.
    func leavers() throws -> (all: Int, actioned: [String]) {
        let all = plan.snapshot.leaverCount
        let action = plan.settings.leavers
        guard all > 0, action != .none else { return (all, []) }
        var actioned: [String] = []
        try plan.store.forEachEntry { entry in
            guard !entry.left, action == .tag || entry.subscribed, plan.snapshot.isLeaver(email: entry.email) else { return }
            actioned.append(String(decoding: entry.email, as: UTF8.self))
        }
        return (all, actioned)
    }

    /// The chunk item for a leaver: a tag (the email channel sent with the 1970 date, which never
    /// changes an existing status) or the email channel set to `nonSubscribed` now.
    func leaverItem(email: String) -> [UInt8] {
        var out = Array(#"{"identifiers":[{"type":"email","id":"#.utf8)
        JSONText.appendString(email, to: &out)
        out.append(contentsOf: #","channels":{"email":{"status":"nonSubscribed",""#.utf8)
        out.append(contentsOf: apiVersion.statusDateKey.utf8)
        out.append(contentsOf: #"":"#.utf8)
        switch plan.settings.leavers {
        case .unsubscribe:
            JSONText.appendString(SyncClock.now(), to: &out)
            out.append(contentsOf: "}}}]}".utf8)
        case .tag, .none:
            JSONText.appendString(ConsentPolicy.keepExistingDate, to: &out)
            out.append(contentsOf: #"}}}],"tags":["#.utf8)
            JSONText.appendString(plan.settings.leaverTag ?? "left: \(pipelineName)", to: &out)
            out.append(contentsOf: "]}".utf8)
        }
        return out
    }
}

/// The time a leaver's unsubscribe is dated with: ISO 8601 UTC to the second.
enum SyncClock {
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}

/// The end of a synced writing pass: leavers to chunks (with their guard) and the manifest's record.
enum SyncRun {
    /// Writes the chosen leaver action's items to chunks and lists them in `leavers.ndjson`.
    /// - Throws: `ExportError.runLimit` (exit 5, no manifest) when an action is chosen and the
    ///   leavers are more than `limits.max_leaver_rate` of the contacts in the state.
    static func writeLeavers(
        _ diff: SyncDiff, chunkWriter: inout ChunkWriter, runDirectory: String, io: FileWorkQueue, log: (String) -> Void
    ) throws -> (count: Int, file: RunManifest.FileEntry) {
        let (all, actioned) = try diff.leavers()
        let settings = diff.plan.settings
        let members = diff.plan.snapshot.members
        if all > 0 {
            let what = settings.leavers == .none
                ? "nothing is sent for them (sync: { leavers: none })"
                : "\(actioned.count) get the leaver action (\(settings.leavers.rawValue))"
            log("sync: \(all) contact(s) of the destination state are named by no row of this export (leavers); \(what)")
        }
        if settings.leavers != .none, members > 0, Double(all) / Double(members) > settings.maxLeaverRate {
            let percent = (Double(all) * 1000 / Double(members)).rounded() / 10
            throw ExportError(
                .runLimit,
                "\(all) of the \(members) contacts in the destination state (\(percent)%) are named by no row of this export: "
                    + "more than limits.max_leaver_rate (\(settings.maxLeaverRate)); an export cut short must not \(settings.leavers == .tag ? "tag" : "unsubscribe") them. "
                    + "Check the inputs; if they really left, raise limits: { max_leaver_rate: … } for this run",
                path: runDirectory)
        }
        var file = try SideFileWriter(runDirectory: runDirectory, name: RunFolderLayout.leavers, io: io)
        for email in actioned {
            let (chunk, item) = try chunkWriter.append(diff.leaverItem(email: email))
            try file.leaver(email: email, chunk: chunk, item: item, action: settings.leavers.rawValue)
        }
        return (actioned.count, try file.commit())
    }

    /// The manifest's `sync` object.
    static func record(_ diff: SyncDiff, mapping: MappingPlan, leavers: Int) -> RunManifest.Sync {
        RunManifest.Sync(
            mode: diff.plan.settings.mode, state: diff.plan.location.path, stateKey: diff.plan.location.key,
            stateVersion: diff.plan.snapshot.version, volatileFields: mapping.volatileFields, unchanged: diff.unchanged,
            leavers: leavers, leaverAction: diff.plan.settings.leavers)
    }
}
