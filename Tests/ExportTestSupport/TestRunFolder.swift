import ExportChunks
import ExportCore
import ExportRunFolder
import Foundation

/// Writes a prepared run folder for upload tests: chunk files in the prepare layout, the side
/// files, and a manifest with correct sha256s — without running `prepare`.
public enum TestRunFolder {
    /// The email of contact `index`.
    public static func email(_ index: Int) -> String { "user\(index)@example.com" }

    /// One contact item; `invalid` ones fail Omnisend's validation (a 3-letter country code).
    public static func item(_ index: Int, invalid: Bool = false) -> String {
        let country = invalid ? ",\"countryCode\":\"XYZ\"" : ""
        return "{\"identifiers\":[{\"type\":\"email\",\"id\":\"\(email(index))\",\"channels\":{\"email\":{\"status\":\"subscribed\","
            + "\"statusDate\":\"2024-01-01T00:00:00Z\"}}}],\"firstName\":\"User\(index)\"\(country)}"
    }

    /// Creates a run folder of `contacts` contacts in chunks of `perChunk`; contacts whose index is
    /// in `invalid` carry a field Omnisend refuses. `at` names the folder (default: `run` in a new
    /// folder of the temporary folder, so that what a command writes beside its run folder, such
    /// as `history.ndjson`, stays private to the test).
    public static func make(
        contacts: Int, perChunk: Int, version: APIVersion = .v5, invalid: Set<Int> = [], destination: Destination? = nil,
        at path: String? = nil
    ) throws -> String {
        let directory = path ?? NSTemporaryDirectory() + "upload-test-\(UUID().uuidString)/run"
        try FileSystem.createDirectory(directory)
        try FileSystem.createDirectory(directory + "/" + RunFolderLayout.chunksDirectory)
        var writer = ChunkWriter(runDirectory: directory, maxItems: perChunk, maxBytes: APIVersion.maxBatchBytes)
        var contactLines = ""
        for index in 0..<contacts {
            let (chunk, item) = try writer.append(Array(self.item(index, invalid: invalid.contains(index)).utf8))
            contactLines += "{\"email\":\"\(email(index))\",\"chunk\":\(chunk),\"item\":\(item),\"input\":\"input.csv\",\"line\":\(index + 2)}\n"
        }
        let chunks = try writer.finish()
        var files: [RunManifest.FileEntry] = []
        for (name, text) in [(RunFolderLayout.rejects, ""), (RunFolderLayout.duplicates, ""), (RunFolderLayout.contacts, contactLines)] {
            let (bytes, lines, sha) = try AtomicFileWriter.write(Array(text.utf8), to: directory + "/" + name)
            files.append(RunManifest.FileEntry(file: name, lines: lines, bytes: bytes, sha256: sha))
        }
        var counts = RunCounts()
        counts.rows = contacts
        counts.kept = contacts
        let fingerprint = RunManifest.FileFingerprint(path: "pipeline.yaml", sha256: String(repeating: "0", count: 64))
        let manifest = RunManifest(
            pipeline: fingerprint, mapping: fingerprint, destination: destination ?? Destination(apiVersion: version), inputs: [],
            counts: counts, rejectReasons: [:], chunks: chunks, files: files)
        try ManifestFile.write(manifest, runDirectory: directory)
        return directory
    }
}
