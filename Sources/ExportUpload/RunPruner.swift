import ExportChunks
import ExportCore
import ExportRunFolder
import Foundation

/// `keep_runs: N`: after a successful run, deletes the older run folders of the same pipeline in
/// the same runs folder, keeping the newest N (the current one included).
///
/// Only folders the tool named itself (`<pipeline>-YYYYMMDD-HHMMSS[-n]`) are candidates, never a
/// file (`history.ndjson` stays). A folder is deleted only when its upload is finished: a manifest,
/// a checkpoint whose every chunk is `done` or `failed`, and no uploader holding its lock. A
/// folder prepared but never uploaded, or with chunks still open, is kept, whatever its age.
public struct RunPruner: Sendable {
    /// The runs folder (the parent of the run folders).
    public let runsDirectory: String
    /// The pipeline's name, the prefix of its run folders' names.
    public let pipeline: String
    /// How many run folders to keep, the current one included (at least 1).
    public let keep: Int

    /// What one pruning did.
    public struct Result: Sendable, Equatable {
        /// Folder names deleted, oldest first.
        public var removed: [String] = []
        /// Folder names past the limit kept because their upload is not finished.
        public var keptUnfinished: [String] = []
    }

    /// Creates a pruner.
    public init(runsDirectory: String, pipeline: String, keep: Int) {
        self.runsDirectory = runsDirectory.isEmpty ? "." : runsDirectory
        self.pipeline = pipeline
        self.keep = max(1, keep)
    }

    /// Prunes around `current`, the folder name of the run that just succeeded (never deleted).
    public func prune(current: String) -> Result {
        var result = Result()
        let older = runFolders().filter { $0.name != current }
        // The current run is the newest; keep the next `keep - 1`.
        for folder in older.dropFirst(keep - 1).reversed() {
            let path = "\(runsDirectory)/\(folder.name)"
            guard Self.isFinished(path), let lock = try? RunFolderLock(runDirectory: path) else {
                result.keptUnfinished.append(folder.name)
                continue
            }
            lock.release()
            if (try? FileManager.default.removeItem(atPath: path)) != nil {
                result.removed.append(folder.name)
            } else {
                result.keptUnfinished.append(folder.name)
            }
        }
        return result
    }

    /// The pipeline's run folders in `runsDirectory`, newest first (by the time in their name).
    func runFolders() -> [(name: String, stamp: String, serial: Int)] {
        let prefix = pipeline + "-"
        var out: [(name: String, stamp: String, serial: Int)] = []
        for name in FileSystem.contents(of: runsDirectory) where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard rest.count == 2 || rest.count == 3, rest[0].count == 8, rest[1].count == 6,
                rest.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
            else { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(runsDirectory)/\(name)", isDirectory: &isDirectory), isDirectory.boolValue
            else { continue }
            out.append((name, "\(rest[0])-\(rest[1])", rest.count == 3 ? Int(rest[2]) ?? 0 : 1))
        }
        return out.sorted { ($0.stamp, $0.serial) > ($1.stamp, $1.serial) }
    }

    /// Whether the folder's upload is finished: every chunk of its checkpoint `done` or `failed`.
    static func isFinished(_ path: String) -> Bool {
        guard FileSystem.exists("\(path)/\(RunFolderLayout.manifest)"), FileSystem.exists("\(path)/\(RunFolderLayout.checkpoint)"),
            let store = try? CheckpointStore(runDirectory: path), let chunks = try? store.chunks(), !chunks.isEmpty
        else { return false }
        return chunks.allSatisfy { $0.state == .done || $0.state == .failed }
    }
}
