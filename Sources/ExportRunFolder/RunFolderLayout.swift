/// The names of the files in a run folder; the one place they are spelled.
public enum RunFolderLayout {
    /// Written last by `prepare`; its presence marks the folder complete.
    public static let manifest = "manifest.json"
    /// The folder of chunk files.
    public static let chunksDirectory = "chunks"
    /// One object per rejected row.
    public static let rejects = "rejects.ndjson"
    /// One object per duplicate row, naming the kept row.
    public static let duplicates = "duplicates.ndjson"
    /// One object per warning (a field left out of a contact): input, line, field, code.
    public static let warnings = "warnings.ndjson"
    /// One object per kept contact: its email, chunk, item index, input and line.
    public static let contacts = "contacts.ndjson"
    /// The upload checkpoint (SQLite).
    public static let checkpoint = "checkpoint.sqlite"
    /// Items Omnisend refused, with its answer.
    public static let failed = "failed.ndjson"
    /// The end-of-upload report.
    public static let report = "report.json"
    /// The run report for people: self-contained HTML (written by prepare, rewritten by upload).
    public static let reportHTML = "report.html"
    /// In the runs folder (the parent of the run folders), one `RunHistoryEntry` line per run.
    public static let history = "history.ndjson"
    /// `prepare --incremental`: one object per kept contact not sent because its payload is unchanged.
    public static let unchanged = "unchanged.ndjson"
    /// `sync: { leavers: tag|unsubscribe }`: one object per leaver written to a chunk.
    public static let leavers = "leavers.ndjson"
    /// A copy of the pipeline file as it was when the run was prepared.
    public static let pipelineCopy = "pipeline.yaml"
    /// The one-uploader lock file; holds the uploader's pid.
    public static let uploadLock = "upload.lock"
    /// The rehearsal simulator's state, when the run was uploaded to it.
    public static let simulatorDirectory = "simulator"
    /// `verify`'s progress, so that an interrupted verify resumes.
    public static let verifyProgress = ".verify-progress.json"
    /// `verify`'s spool of the contacts read back from Omnisend.
    public static let verifySpool = ".verify-spool"
    /// `verify`'s lock file.
    public static let verifyLock = ".verify.lock"

    /// The name of an earlier destination's checkpoint, kept when the run was bound to another
    /// destination: `checkpoint-<n>.sqlite`.
    public static func archivedCheckpoint(_ n: Int) -> String { "checkpoint-\(n).sqlite" }

    /// Whether `name` is an `archivedCheckpoint` name.
    public static func isArchivedCheckpoint(_ name: String) -> Bool {
        guard name.hasPrefix("checkpoint-"), name.hasSuffix(".sqlite") else { return false }
        let number = name.dropFirst("checkpoint-".count).dropLast(".sqlite".count)
        return !number.isEmpty && number.allSatisfy(\.isNumber)
    }

    /// The relative path of chunk number `n` (1-based): `chunks/chunk-000001.json`.
    public static func chunkFile(_ n: Int) -> String {
        let digits = String(n)
        return "\(chunksDirectory)/chunk-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits).json"
    }
}
