import ExportChunks
import ExportCore
import ExportRunFolder
import Foundation

/// The end-of-upload report: `report.json` in the run folder and a short table on screen.
public struct UploadReport: Sendable, Codable, Equatable {
    /// `complete` (every chunk done or failed), `rehearsal` (the same, against the bundled
    /// simulator: nothing reached Omnisend) or `stopped`.
    public var outcome: String
    /// Why it stopped early, if it did.
    public var stopReason: StopReason?
    /// The API version.
    public var apiVersion: String
    /// The base URL (never the key).
    public var baseURL: String
    /// Contacts in the run (kept by prepare).
    public var contacts: Int
    /// Contacts Omnisend accepted.
    public var accepted: Int
    /// Contacts refused or never processed (listed in `failed.ndjson`).
    public var failed: Int
    /// Contacts in chunks never posted, or whose POST surely did not arrive (the run stopped
    /// early); posted chunks are counted in ``postedUnconfirmed`` instead.
    public var notSent: Int
    /// Rows rejected by prepare.
    public var rejected: Int
    /// Rows dropped by prepare as duplicates.
    public var duplicates: Int
    /// Chunks in total, done, failed, and still open.
    public var chunks: Int
    public var chunksDone: Int
    public var chunksFailed: Int
    public var chunksOpen: Int
    /// Requests, retries, 429 answers, reconciled chunks and chunks posted again (all sessions).
    public var requests: Int
    public var retries: Int
    public var rateLimited: Int
    public var reconciled: Int
    /// POSTs of a chunk beyond its first, whatever the cause (see ``resendsByCause``).
    public var reposted: Int
    /// Seconds spent uploading (all sessions).
    public var elapsedSeconds: Double
    /// The upload a minute at a time (all sessions); absent in reports of older versions.
    public var timeline: UploadTimeline? = nil

    /// Contacts in chunks Omnisend may hold or holds but whose results are not in yet (`posting`,
    /// `unresolved`, `posted`); a resume settles them. `nil` in reports of older versions.
    public var postedUnconfirmed: Int?
    /// Contacts posted again after `--reconcile-horizon` passed without their first batch being
    /// listed: each may have arrived twice. 0 unless a batch stayed invisible past the horizon.
    public var ambiguousReposted: Int?
    /// Contacts that reconciliation found in a second batch with the same items (duplicates
    /// Omnisend holds).
    public var duplicatesCreated: Int?
    /// Chunks posted again, by cause: `rate_limited` (429), `not_connected` (no connection, the
    /// POST never left), `status_408`, `after_horizon` (ambiguous, see ``ambiguousReposted``),
    /// `retry_failed` (`--retry-failed`).
    public var resendsByCause: [String: Int]?
    /// Requests by kind (all sessions): `post`, `list` (batch list pages read to poll),
    /// `batch` (one batch's status), `items` (item pages of batches with errors), `reconcile`
    /// (settling POSTs without a usable answer), `retry` (any request sent again). `nil` in
    /// reports of older versions.
    public var requestsByKind: [String: Int]?
    /// Requests per 1000 contacts sent (all sessions); `nil` before any contact was sent.
    public var requestsPer1000Contacts: Double?
    /// How much of the brand's rate window was this upload's, from the rate headers (all
    /// sessions); `nil` when the API version sends none (2026-03-15) or the limit is off.
    public var rateWindow: RateWindowUse?

    /// Whether every chunk is finished.
    public var isComplete: Bool { outcome == "complete" || outcome == "rehearsal" }

    /// Writes `report.json` atomically.
    public func write(runDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try AtomicFileWriter.write([UInt8](try encoder.encode(self)) + [0x0A], to: "\(runDirectory)/\(RunFolderLayout.report)")
    }

    /// ` (post 10, list 2, …)` for the kinds that were sent, in `RequestKind` order.
    static func kindsText(_ kinds: [String: Int]?) -> String {
        let parts = RequestKind.allCases.compactMap { kind in (kinds?[kind.rawValue]).flatMap { $0 > 0 ? "\(kind.rawValue) \($0)" : nil } }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    /// A short table for the terminal.
    public var table: String {
        let rows: [(String, String)] = [
            ("contacts accepted", "\(accepted)"), ("contacts failed", "\(failed)"), ("contacts not sent", "\(notSent)"),
            ("contacts posted, unconfirmed", "\(postedUnconfirmed ?? 0)"),
            ("contacts re-posted after the horizon", "\(ambiguousReposted ?? 0)"),
            ("duplicates found on Omnisend", "\(duplicatesCreated ?? 0)"),
            ("rows rejected", "\(rejected)"), ("rows duplicates", "\(duplicates)"),
            ("chunks done/failed/open", "\(chunksDone)/\(chunksFailed)/\(chunksOpen) of \(chunks)"),
            ("requests", "\(requests)" + Self.kindsText(requestsByKind)),
            ("requests per 1000 contacts", requestsPer1000Contacts.map { "\($0)" } ?? "-"),
            ("share of the brand's used window", rateWindow?.ourShare.map { "\(Int(($0 * 100).rounded()))% (others at most \(rateWindow?.othersPeak ?? 0) a window)" } ?? "-"), ("retries", "\(retries)"), ("429 answers", "\(rateLimited)"),
            ("reconciled / re-posted", "\(reconciled) / \(reposted)"), ("elapsed", DurationText.format(elapsedSeconds)),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}
