import ExportCore
import Foundation
import Testing

@testable import ExportSources

/// Every archive, gzip and bomb file in `../shared/conformance/` is read or refused with an
/// `ExportError` within a time bound: never a crash, a hang or another error type.
@Suite(.enabled(if: conformanceRoot != nil, "../shared/conformance is absent; conformance suites skipped"))
struct ArchiveConformanceTests {
    static let suites = [
        "gzip-edge-cases/generated-here", "libarchive-subset", "traversal-archives/generated-here",
        "decompression-bombs/generated-here",
    ]

    /// The data files of one suite (notes and tables left out).
    static func files(in suite: String) -> [URL] {
        guard let root = conformanceRoot?.appendingPathComponent(suite) else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        let notes: Set<String> = ["COPYING", "LICENSE", "PAYLOAD.ndjson"]
        return names.filter { !$0.hasSuffix(".tsv") && !notes.contains($0) }.sorted().map { root.appendingPathComponent($0) }
    }

    /// Walks one file with limits small enough that the 64 MiB bombs trip them.
    static func outcome(_ url: URL) -> WalkResult? {
        let limits = DecompressionLimits(maxBytesPerEntry: 16 << 20, maxBytesPerRun: 32 << 20)
        return runBounded(seconds: 20) { walkAll(url.path, displayName: url.lastPathComponent, limits: limits) }
    }

    @Test(arguments: suites)
    func everyFileIsReadOrRefusedWithAnExportError(suite: String) throws {
        let files = Self.files(in: suite)
        #expect(!files.isEmpty)
        for url in files {
            let result = try #require(Self.outcome(url), "\(url.lastPathComponent) did not finish within 20 s")
            #expect(result.otherError == nil, "\(url.lastPathComponent): \(result.otherError ?? "")")
            let verdict = result.error.map { "ERROR \($0.code): \($0)" }
                ?? "OK \(result.container ?? "") \(result.inputs.map { "\($0.0.member ?? "-")[\($0.0.formatName)] \($0.1.count)B" })"
            print("CONFORMANCE \(suite) \(url.lastPathComponent): \(verdict) warnings=\(result.warnings)")
        }
    }
}
