import ExportChunks
import ExportCore
import ExportRunFolder
import ExportUpload
import Foundation

/// Everything `report.html` shows, gathered from the run folder's own records: the manifest,
/// `report.json` (or the checkpoint of an upload in progress), the side files and the runs
/// folder's history. Figures are copied from those types, never recounted.
public struct RunReport: Sendable {
    /// The run folder.
    public var runDirectory: String
    public var manifest: RunManifest
    var upload: UploadState?
    var rejects: RejectSamples
    var warnings: WarningSummary
    /// This run folder's lines of the runs folder's history (its timings).
    var history: [RunHistoryEntry]
    /// When prepare finished (the manifest's modification time), ISO 8601.
    var preparedAt: String?
    /// When the page was made, ISO 8601.
    var generatedAt: String

    /// Reasons shown with examples, examples per reason, other bounded lists.
    static let reasonLimit = 20
    static let examplesPerReason = 3

    /// Reads the run folder.
    /// - Throws: `ExportError.noInput` when it has no manifest, `ExportError.io` when a record
    ///   of the upload cannot be read.
    public init(runDirectory: String, showEmails: Bool = false, now: Date = Date()) throws {
        self.runDirectory = runDirectory
        let mask = EmailMask(showsEmails: showEmails)
        manifest = try ManifestFile.read(runDirectory: runDirectory)
        upload = try UploadState.load(runDirectory: runDirectory, manifest: manifest, mask: mask)
        let shownReasons = manifest.rejectReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(Self.reasonLimit)
        rejects = RejectSamples(
            runDirectory: runDirectory, reasons: Set(shownReasons.map(\.key)), perReason: Self.examplesPerReason, mask: mask)
        warnings = WarningSummary(runDirectory: runDirectory, manifestWarnings: manifest.warnings)
        let folder = URL(fileURLWithPath: runDirectory).standardizedFileURL
        let name = folder.lastPathComponent
        history = RunHistoryFile.read(runsDirectory: folder.deletingLastPathComponent().path).filter {
            $0.runDirectory == name || $0.runDirectory == runDirectory
        }
        let formatter = ISO8601DateFormatter()
        let manifestDate = (try? FileManager.default.attributesOfItem(atPath: "\(runDirectory)/\(RunFolderLayout.manifest)"))?[.modificationDate] as? Date
        preparedAt = manifestDate.map { formatter.string(from: $0) }
        generatedAt = formatter.string(from: now)
    }

    /// The page.
    public var html: String { ReportTemplates.render(ReportPage(self)) }

    /// Writes `report.html` into the run folder (atomically); returns its path.
    @discardableResult
    public func write() throws -> String {
        let path = "\(runDirectory)/\(RunFolderLayout.reportHTML)"
        try AtomicFileWriter.write(Array(html.utf8), to: path)
        return path
    }
}
