import ExportCore
import ExportRunFolder
import Foundation

/// Reads and writes `manifest.json`: sorted keys, pretty-printed, no timestamps, so the same run
/// gives the same bytes and a diff of two manifests reads well.
public enum ManifestFile {
    /// Writes the manifest atomically; its appearance marks the run folder complete.
    public static func write(_ manifest: RunManifest, runDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(manifest)
        try AtomicFileWriter.write([UInt8](data) + [0x0A], to: runDirectory + "/" + RunFolderLayout.manifest)
    }

    /// Reads the manifest of a run folder.
    /// - Throws: `ExportError(.noInput)` when the folder has none (it is not a finished `prepare`),
    ///   `ExportError(.tampered)` when it does not decode.
    public static func read(runDirectory: String) throws -> RunManifest {
        let path = runDirectory + "/" + RunFolderLayout.manifest
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExportError(
                .noInput, "no manifest: this is not a finished run folder (did `prepare` complete?)", path: runDirectory)
        }
        do {
            return try JSONDecoder().decode(RunManifest.self, from: data)
        } catch {
            throw ExportError(.tampered, "the manifest cannot be read", path: path, cause: error)
        }
    }
}
