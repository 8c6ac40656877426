import ExportChunks
import ExportCore
import ExportRunFolder
import Foundation

/// A run folder checked against its manifest before an upload: the manifest decodes, every side
/// file and every chunk still to send has the sha256 prepare recorded. Refuses, naming the file,
/// when anything changed.
struct RunFolderCheck {
    let runDirectory: String
    let manifest: RunManifest
    let manifestSHA256: String

    /// Reads the manifest and checks the side files.
    /// - Throws: `ExportError.noInput` without a manifest, `.tampered` naming a changed file.
    init(runDirectory: String) throws {
        self.runDirectory = runDirectory
        manifest = try ManifestFile.read(runDirectory: runDirectory)
        let bytes = FileManager.default.contents(atPath: "\(runDirectory)/\(RunFolderLayout.manifest)").map { [UInt8]($0) } ?? []
        manifestSHA256 = ChunkFile.sha256Hex(bytes)
        for entry in manifest.files {
            let path = "\(runDirectory)/\(entry.file)"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ExportError(.tampered, "the file is missing; the run folder changed since prepare", path: entry.file)
            }
            guard ChunkFile.sha256Hex([UInt8](data)) == entry.sha256.lowercased() else {
                throw ExportError(.tampered, "the file does not match the sha256 in the manifest; the run folder changed since prepare", path: entry.file)
            }
        }
    }

    /// The manifest's chunks, numbered from 1.
    var manifestChunks: [RunManifestChunk] {
        manifest.chunks.enumerated().map {
            RunManifestChunk(number: $0.offset + 1, file: $0.element.file, sha256: $0.element.sha256, contacts: $0.element.contacts)
        }
    }

    /// Checks every chunk, done ones too, against its recorded sha256 before anything is sent
    /// (the results of a done chunk are read back from it for `failed.ndjson` and `verify`).
    func verifyChunks(_ chunks: [ChunkRecord]) throws {
        for chunk in chunks {
            _ = try ChunkFile(runDirectory: runDirectory, file: chunk.file, sha256: chunk.sha256)
        }
    }
}
