import ExportCore
import ExportRunFolder
import Foundation

/// Binds a run folder's checkpoint to one destination identity. Called with the run folder's
/// lock held, before an upload opens the checkpoint.
///
/// - No checkpoint yet, or one that predates identities: the identity is recorded.
/// - The same identity: the upload resumes.
/// - Another identity: refused with `UploadError.destinationMismatch` (exit 4), unless the
///   recorded one is a rehearsal (nothing a rehearsal accepted counts for a real destination) or
///   `newDestination` is set. Then the checkpoint is kept as history, renamed
///   `checkpoint-<n>.sqlite`, and a fresh one starts.
public enum DestinationBinding {
    /// What binding did.
    public enum Outcome: Sendable, Equatable {
        /// First upload of the folder: the identity was recorded.
        case recorded
        /// The recorded identity matched.
        case resumed
        /// The previous checkpoint (of `previous`) was renamed `archivedAs`; a fresh one starts.
        case startedOver(previous: String, archivedAs: String)
    }

    /// The checkpoint meta key of the identity (JSON).
    public static let metaKey = "destination"

    /// Binds `runDirectory` to `identity`.
    /// - Throws: `UploadError.destinationMismatch` naming both identities; `ExportError.io` when
    ///   the checkpoint cannot be read, renamed or written.
    public static func bind(runDirectory: String, identity: DestinationIdentity, newDestination: Bool) throws -> Outcome {
        let path = "\(runDirectory)/\(RunFolderLayout.checkpoint)"
        var outcome = Outcome.recorded
        if FileManager.default.fileExists(atPath: path) {
            // Read in a function of its own, so the database is closed before any rename.
            if let recorded = try self.recorded(runDirectory: runDirectory) {
                if recorded == identity { return .resumed }
                if try nothingSent(runDirectory: runDirectory) {
                    // Bound, but nothing was ever posted (the destination check failed, say):
                    // the folder simply goes to the new destination.
                    try CheckpointStore(runDirectory: runDirectory).setMeta(metaKey, identity.json)
                    return .recorded
                }
                guard recorded.isRehearsal || newDestination else {
                    throw UploadError.destinationMismatch(
                        runDirectory: runDirectory, recorded: recorded.description, requested: identity.description)
                }
                outcome = .startedOver(previous: recorded.description, archivedAs: try archive(runDirectory: runDirectory))
            }
        }
        try CheckpointStore(runDirectory: runDirectory).setMeta(metaKey, identity.json)
        return outcome
    }

    /// The identity recorded in `runDirectory`'s checkpoint, if any (read only; no checkpoint is created).
    public static func recorded(runDirectory: String) throws -> DestinationIdentity? {
        guard FileManager.default.fileExists(atPath: "\(runDirectory)/\(RunFolderLayout.checkpoint)") else { return nil }
        return try CheckpointStore(runDirectory: runDirectory).meta(metaKey).flatMap(DestinationIdentity.decode)
    }

    /// Whether no chunk of the checkpoint was ever posted.
    static func nothingSent(runDirectory: String) throws -> Bool {
        try CheckpointStore(runDirectory: runDirectory).chunks().allSatisfy { $0.state == .pending && $0.attempts == 0 && $0.batchID == nil }
    }

    /// Renames the checkpoint (and its WAL files) to the first free `checkpoint-<n>.sqlite`.
    static func archive(runDirectory: String) throws -> String {
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: runDirectory)) ?? []
        var number = 1
        while existing.contains(RunFolderLayout.archivedCheckpoint(number)) { number += 1 }
        let name = RunFolderLayout.archivedCheckpoint(number)
        for suffix in ["", "-wal", "-shm"] {
            let from = "\(runDirectory)/\(RunFolderLayout.checkpoint)\(suffix)"
            guard FileManager.default.fileExists(atPath: from) else { continue }
            guard rename(from, "\(runDirectory)/\(name)\(suffix)") == 0 else {
                throw ExportError(.io, "cannot keep the old checkpoint as \(name): \(String(cString: strerror(errno)))", path: from)
            }
        }
        return name
    }
}

extension CheckpointStore {
    /// Records why the last upload session ended (`complete`, or a `StopReason`) and its message,
    /// for `status`.
    public func recordStop(_ reason: String, message: String?) throws {
        try setMeta("stop_reason", reason)
        try setMeta("stop_message", message ?? "")
    }

    /// Records the rate the upload ran at (limit per minute, share), for `status`'s ETA.
    public func recordRate(limitPerMinute: Int, share: Double) throws {
        try setMeta("rate_limit", String(limitPerMinute))
        try setMeta("rate_share", String(share))
    }
}
