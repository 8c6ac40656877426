import ExportUpload
/// What `forget` changed (or, in a dry run, would change) in one run folder. Holds counts and
/// file names only, never the email.
public struct ForgetResult: Sendable, Equatable {
    /// The run folder.
    public var runDirectory: String
    /// Lines removed per rewritten file (chunk items for a chunk file), by path relative to the folder.
    public var removedLines: [String: Int] = [:]
    /// Chunk files deleted because nothing was left in them.
    public var removedChunks: [String] = []
    /// Checkpoint rows deleted (per-item failures, retry sources, chunks) and text fields in which
    /// the email was replaced by its token (Omnisend messages, events).
    public var checkpointRowsRemoved = 0
    public var checkpointTextsScrubbed = 0
    /// Checkpoint chunk rows given a new sha256 and counts.
    public var checkpointChunksUpdated = 0
    /// Whether the rehearsal simulator's state (`RUN_DIR/simulator/`) was deleted because it held the person.
    public var simulatorStateRemoved = false
    /// Whether a stopped verify's spool (`RUN_DIR/.verify-spool`, with its progress) was deleted
    /// because it held the person: the next verify starts over.
    public var verifySpoolRemoved = false
    /// Files that still mention the email after the rewrite (e.g. inside another contact's
    /// custom property); empty when every trace is gone.
    public var remainingMentions: [String] = []

    /// Creates an empty result for `runDirectory`.
    public init(runDirectory: String) {
        self.runDirectory = runDirectory
    }

    /// Whether anything was (or would be) changed.
    public var changed: Bool {
        !removedLines.isEmpty || !removedChunks.isEmpty || checkpointRowsRemoved > 0 || checkpointTextsScrubbed > 0
            || checkpointChunksUpdated > 0 || simulatorStateRemoved || verifySpoolRemoved
    }

    /// Lines for the terminal: one per changed file.
    public var lines: [String] {
        var out: [String] = []
        for (file, count) in removedLines.sorted(by: { $0.key < $1.key }) { out.append("  \(file): \(count) line(s) removed") }
        for file in removedChunks { out.append("  \(file): deleted (no contact left)") }
        if checkpointRowsRemoved > 0 || checkpointTextsScrubbed > 0 || checkpointChunksUpdated > 0 {
            out.append(
                "  checkpoint.sqlite: \(checkpointChunksUpdated) chunk(s) updated, \(checkpointRowsRemoved) row(s) deleted, "
                    + "\(checkpointTextsScrubbed) message(s) redacted, vacuumed")
        }
        if simulatorStateRemoved { out.append("  simulator/: rehearsal state deleted") }
        if verifySpoolRemoved { out.append("  .verify-spool: a stopped verify's stored contacts deleted (the next verify starts over)") }
        for file in remainingMentions { out.append("  warning: \(file) still mentions the email (inside another record); edit or delete it by hand") }
        return out
    }
}
