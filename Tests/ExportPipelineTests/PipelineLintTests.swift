import ExportCore
import ExportTestSupport
import Foundation
import Testing
@testable import ExportPipeline

/// Every checked-in pipeline and mapping must load cleanly, so they cannot go stale.
@Suite struct PipelineLintTests {
    static func files(in folder: String, ext: String) -> [String] {
        let dir = SharedFolder.packageRoot + "/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(ext) }.sorted().map { dir + "/" + $0 }
    }

    @Test func everyPipelineLoads() {
        let pipelines = Self.files(in: "pipelines", ext: ".yaml")
        #expect(!pipelines.isEmpty)
        for path in pipelines {
            do {
                _ = try PipelineLoader.load(path: path, environment: [:])
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func everySampleMappingLoads() {
        for path in Self.files(in: "samples/mappings", ext: ".yaml") {
            do {
                _ = try MappingLoader.load(path: path)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func sampleCSVMappingMatchesTheSampleHeader() throws {
        let csv = SharedFolder.packageRoot + "/samples/exports/segment-small.csv"
        let mapping = SharedFolder.packageRoot + "/samples/mappings/contact.yaml"
        guard let data = FileManager.default.contents(atPath: csv), FileManager.default.fileExists(atPath: mapping) else {
            Issue.record("samples/exports/segment-small.csv or samples/mappings/contact.yaml is missing")
            return
        }
        // The header row of the sample (no quoted names in it), BOM stripped.
        var line = String(decoding: data.prefix { $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
        if line.hasPrefix("\u{FEFF}") { line.removeFirst() }
        let header = Header(line.split(separator: ",").map(String.init))
        let plan = try MappingLoader.load(path: mapping)
        #expect(plan.check(header: header, file: csv).map(\.description) == [])
    }
}
