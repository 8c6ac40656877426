import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
import Testing

@Suite struct ManifestFileTests {
    static func sample() -> RunManifest {
        var counts = RunCounts()
        counts.rows = 3
        counts.kept = 2
        counts.rejected = 1
        return RunManifest(
            pipeline: .init(path: "p.yaml", sha256: String(repeating: "a", count: 64)),
            mapping: .init(path: "m.yaml", sha256: String(repeating: "b", count: 64)),
            destination: Destination(apiVersion: .v5),
            inputs: [.init(path: "in.csv", bytes: 10, sha256: "c", format: "csv", counts: counts, members: [])],
            counts: counts, rejectReasons: ["email_invalid": 1],
            chunks: [.init(file: "chunks/chunk-000001.json", contacts: 2, bytes: 100, sha256: "d")],
            files: [])
    }

    @Test func roundTripsAndIsStable() throws {
        let dir = try TemporaryDirectory()
        try ManifestFile.write(Self.sample(), runDirectory: dir.path)
        let first = try #require(FileManager.default.contents(atPath: dir.path + "/manifest.json"))
        #expect(try ManifestFile.read(runDirectory: dir.path) == Self.sample())
        try ManifestFile.write(Self.sample(), runDirectory: dir.path)
        #expect(FileManager.default.contents(atPath: dir.path + "/manifest.json") == first)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.contains("\"rows\" : 3"))
        #expect(text.contains("\"apiVersion\" : \"v5\""))
    }

    @Test func missingManifestSaysThePrepareDidNotFinish() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: ExportError.self) { try ManifestFile.read(runDirectory: dir.path) }
    }
}
