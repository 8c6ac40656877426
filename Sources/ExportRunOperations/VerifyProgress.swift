import ExportChunks
import ExportCore
import ExportRunFolder
import ExportUpload
import Foundation

/// Where a `verify` stands, saved in the run folder (`.verify-progress.json`, atomically) after
/// each page read (or each contact looked up), once the stored contacts found so far are on disk
/// in the spool (`.verify-spool`, up to `spoolBytes`). A re-run of the same verify reads on from
/// there instead of page one; the differences are found by the comparison after the last page,
/// from the spool, so none found before a stop is lost.
///
/// "The same verify": the same destination (URL and version, never the key), read method and
/// candidates (the run's accepted contacts, or the same `--sample` of them; a digest of their
/// chunk and item numbers). Anything else starts over.
struct VerifyProgress: Sendable, Codable, Equatable {
    /// The format version (1).
    var formatVersion = 1
    /// The base URL read from.
    var baseURL: String
    /// The API version read with.
    var apiVersion: String
    /// `list` or `lookup`.
    var method: String
    /// Contacts checked.
    var candidates: Int
    /// SHA-256 (hex) of the candidates' chunk and item numbers.
    var candidateDigest: String
    /// `list`: the query of the next page (nil before the first page).
    var nextQuery: String?
    /// `lookup`: the next candidate to look up.
    var nextCandidate = 0
    /// Whether every page (or lookup) was read: only the comparison is left.
    var readDone = false
    /// Pages read, requests sent and stored contacts read (list) or found (lookup), every session.
    var pages = 0
    var requests = 0
    var storedRead = 0
    /// The spool's length when this was saved.
    var spoolBytes: UInt64 = 0

    /// The files of a run folder's verify.
    static func path(runDirectory: String) -> String { runDirectory + "/" + RunFolderLayout.verifyProgress }
    static func spoolPath(runDirectory: String) -> String { runDirectory + "/" + RunFolderLayout.verifySpool }
    static func lockPath(runDirectory: String) -> String { runDirectory + "/" + RunFolderLayout.verifyLock }

    /// A fresh progress for `candidates` read with `method` from `target`.
    init(target: UploadTarget, method: ContactVerifier.ReadMethod, candidates: VerifyCandidates) {
        self.init(target: target, method: method, candidates: candidates.count, candidateDigest: candidates.digest)
    }

    /// A fresh progress for `candidates` candidates whose digest is `candidateDigest`.
    init(target: UploadTarget, method: ContactVerifier.ReadMethod, candidates: Int, candidateDigest: String) {
        baseURL = target.baseURL
        apiVersion = target.apiVersion.rawValue
        self.method = method.rawValue
        self.candidates = candidates
        self.candidateDigest = candidateDigest
    }

    /// Whether `saved` is a stopped run of the verify this fresh progress starts.
    func continues(_ saved: VerifyProgress) -> Bool {
        saved.formatVersion == formatVersion && saved.baseURL == baseURL && saved.apiVersion == apiVersion && saved.method == method
            && saved.candidates == candidates && saved.candidateDigest == candidateDigest
    }

    /// The progress saved at `path`; nil when there is none or it does not parse (a verify then starts over).
    static func read(path: String) -> VerifyProgress? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(VerifyProgress.self, from: data)
    }

    /// Saves the progress at `path` atomically (mode 0600).
    func write(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        _ = try AtomicFileWriter.write(Array(try encoder.encode(self)) + [UInt8(ascii: "\n")], to: path)
    }

    /// Deletes the progress and the spool of `runDirectory` (a finished verify, or `--restart`).
    static func remove(runDirectory: String) {
        try? FileManager.default.removeItem(atPath: path(runDirectory: runDirectory))
        try? FileManager.default.removeItem(atPath: spoolPath(runDirectory: runDirectory))
    }
}
