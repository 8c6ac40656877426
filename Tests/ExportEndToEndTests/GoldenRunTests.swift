import ExportCore
import ExportPrepare
import ExportTestSupport
import Foundation
import Testing

/// Prepares each bundled sample pipeline and compares its run folder, byte for byte, with the
/// reviewed copy under `Golden/<pipeline>/`. `RECORD_GOLDEN=1 swift test --filter GoldenRunTests`
/// rewrites the copies; the test then fails once, so that a person reviews the diff.
@Suite struct GoldenRunTests {
    static let samples = ["sample-csv", "sample-ndjson", "sample-bundle", "customer-insights"]
    static let root = SharedFolder.packageRoot
    static let goldenDirectory = root + "/Tests/ExportEndToEndTests/Golden"

    /// Absolute paths differ between checkouts: golden files hold them relative to the package root.
    static func normalized(_ bytes: Data) -> Data {
        var text = String(decoding: bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: root + "/pipelines/../", with: "")
        text = text.replacingOccurrences(of: root + "/", with: "")
        return Data(text.utf8)
    }

    @Test(arguments: samples)
    func sampleRunFolderMatchesItsGoldenCopy(sample: String) throws {
        let work = try TemporaryDirectory(prefix: "golden")
        let result = try PrepareJob(
            pipelinePath: Self.root + "/pipelines/\(sample).yaml", outputDirectory: work.path + "/run",
            runDate: "2026-11-29"
        ).run(log: { _ in })
        #expect(result.manifest.counts.isBalanced)
        let files = ["manifest.json", "rejects.ndjson", "duplicates.ndjson", "contacts.ndjson"]
            + result.manifest.chunks.map(\.file)
        let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
        let golden = Self.goldenDirectory + "/" + sample
        for file in files {
            let actual = Self.normalized(try Data(contentsOf: URL(fileURLWithPath: work.path + "/run/" + file)))
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
            #expect(goldenChunks.count == result.manifest.chunks.count, "chunk count changed")
        }
    }
}
