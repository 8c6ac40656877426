import ExportCore
import ExportTestSupport
import Foundation
import Testing

/// Prepares each bundled sample pipeline with the built binary, from the package root as the
/// README does, and compares its run folder byte for byte with the reviewed copy under
/// `Golden/<pipeline>/`. `RECORD_GOLDEN=1 swift test --filter GoldenRunTests` rewrites the copies;
/// the test then fails once, so that a person reviews the diff.
@Suite(.enabled(if: ToolProcess.isBuilt, "needs .build/debug/omnisend-export (swift build --build-tests)"))
struct GoldenRunTests {
    static let samples = ["sample-csv", "sample-ndjson", "sample-bundle", "customer-insights"]
    static let goldenDirectory = SharedFolder.packageRoot + "/Tests/ExportEndToEndTests/Golden"

    @Test(arguments: samples)
    func sampleRunFolderMatchesItsGoldenCopy(sample: String) throws {
        let work = try TemporaryDirectory(prefix: "golden")
        let outcome = try ToolProcess.run([
            "prepare", "pipelines/\(sample).yaml", "--out", work.path + "/run", "--run-date", "2026-11-29",
        ])
        try #require(outcome.status == 0, "prepare failed: \(outcome.stderr)")
        let manifest = try JSONDecoder().decode(
            RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: work.path + "/run/manifest.json")))
        #expect(manifest.counts.isBalanced)
        let files = ["manifest.json", "rejects.ndjson", "duplicates.ndjson", "contacts.ndjson", "warnings.ndjson"]
            + manifest.chunks.map(\.file)
        let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
        let golden = Self.goldenDirectory + "/" + sample
        for file in files {
            let actual = try Data(contentsOf: URL(fileURLWithPath: work.path + "/run/" + file))
            let expectedPath = golden + "/" + file
            if record {
                try FileManager.default.createDirectory(
                    atPath: (expectedPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try actual.write(to: URL(fileURLWithPath: expectedPath))
                Issue.record("recorded \(expectedPath); review the diff and run again without RECORD_GOLDEN")
                continue
            }
            let expected = try #require(
                FileManager.default.contents(atPath: expectedPath), "missing golden file \(expectedPath)")
            #expect(actual == expected, "\(sample)/\(file) differs from its golden copy")
        }
        if !record {
            let goldenChunks = (try? FileManager.default.contentsOfDirectory(atPath: golden + "/chunks")) ?? []
            #expect(goldenChunks.count == manifest.chunks.count, "chunk count changed")
        }
    }
}
