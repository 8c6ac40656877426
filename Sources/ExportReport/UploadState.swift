import ExportChunks
import ExportCore
import ExportRunFolder
import ExportUpload
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the report says of the upload: `report.json` when it is the latest word, else (an
/// upload in progress, or one that crashed) the same figures read from the checkpoint,
/// read-only; `nil` before the first upload.
struct UploadState: Sendable {
    /// The figures, as `report.json` holds them.
    var report: UploadReport
    /// Whether they were read from the checkpoint of an upload that has not written its report.
    var live: Bool
    /// Contacts Omnisend refused or never processed, grouped by its answer.
    var failedGroups: [FailedGroup]

    /// Contacts that failed for the same reason.
    struct FailedGroup: Sendable, Equatable {
        var status: Int
        var message: String
        var count: Int
        /// A few places, `chunk N item M`.
        var examples: [String]
    }

    /// Reads the upload state of `runDirectory`: `report.json`, unless another process is
    /// uploading the folder now or no report was written (then the checkpoint, read-only).
    /// - Throws: `ExportError` when `report.json` or the checkpoint exist but cannot be read.
    static func load(runDirectory: String, manifest: RunManifest, mask: EmailMask) throws -> UploadState? {
        let reportPath = "\(runDirectory)/\(RunFolderLayout.report)"
        let hasCheckpoint = FileManager.default.fileExists(atPath: "\(runDirectory)/\(RunFolderLayout.checkpoint)")
        let store = hasCheckpoint ? try CheckpointStore(readOnlyRunDirectory: runDirectory) : nil
        let groups = try store.map { try failedGroups($0, mask: mask) } ?? []
        let uploading = uploaderRunning(runDirectory: runDirectory)
        if !uploading, let data = FileManager.default.contents(atPath: reportPath) {
            do {
                let report = try JSONDecoder().decode(UploadReport.self, from: data)
                return UploadState(report: report, live: false, failedGroups: groups)
            } catch {
                throw ExportError(.io, "cannot read \(RunFolderLayout.report)", path: reportPath, cause: error)
            }
        }
        guard let store else { return nil }
        let report = try UploadReport.fromCheckpoint(store, manifest: manifest, outcome: uploading ? "in_progress" : "unfinished")
        return UploadState(report: report, live: true, failedGroups: groups)
    }

    /// Whether another live process holds (or last held) the folder's upload lock: its pid is in
    /// the lock file. Looks without taking the lock, so a starting upload is never turned away.
    static func uploaderRunning(runDirectory: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "\(runDirectory)/\(RunFolderLock.fileName)"),
            let pid = Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            pid > 0, pid != getpid()
        else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// Failed items (not resent since) and failed chunks, grouped by status and Omnisend's message.
    static func failedGroups(_ store: CheckpointStore, mask: EmailMask) throws -> [FailedGroup] {
        var groups: [String: FailedGroup] = [:]
        func add(status: Int, message: String, place: String, count: Int) {
            let key = "\(status) \(message)"
            var group = groups[key] ?? FailedGroup(status: status, message: message, count: 0, examples: [])
            group.count += count
            if group.examples.count < 3 { group.examples.append(place) }
            groups[key] = group
        }
        for item in try store.failedItems() where !item.retried {
            add(status: item.responseCode, message: mask.apply(message(of: item.response)), place: "chunk \(item.chunk) item \(item.item)", count: 1)
        }
        for chunk in try store.chunks() where chunk.state == .failed {
            add(status: 0, message: mask.apply(chunk.reason ?? "the chunk failed"), place: "chunk \(chunk.number)", count: chunk.contacts)
        }
        return groups.values.sorted { ($1.count, $0.status, $0.message) < ($0.count, $1.status, $1.message) }
    }

    /// Omnisend's message in an item's answer: its `error`, `detail`, `title` or `message`, with
    /// the names of the fields it blames; the text itself when it is not an object.
    static func message(of response: String) -> String {
        let bytes = Array(response.utf8)
        if let text = try? JSONDecoder().decode(String.self, from: Data(bytes)) { return String(text.prefix(200)) }
        guard let body = ErrorBody(bytes) else { return String(response.prefix(200)) }
        let text = body.error ?? body.detail ?? body.title ?? body.message ?? "error"
        var fields: [String] = []
        if case .object(let byField)? = body.fields {
            for value in byField.values {
                switch value {
                case .string(let one): fields.append(one)
                case .array(let list):
                    // A list counts only when every entry is text.
                    let texts = list.compactMap { entry -> String? in if case .string(let one) = entry { one } else { nil } }
                    if texts.count == list.count { fields += texts }
                default: break
                }
            }
        }
        fields += body.problems.compactMap { $0.field ?? $0.pointer }
        let named = fields.isEmpty ? "" : " (" + Set(fields).sorted().prefix(4).joined(separator: ", ") + ")"
        return String((text + named).prefix(200))
    }
}
