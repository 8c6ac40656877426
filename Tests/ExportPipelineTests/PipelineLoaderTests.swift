import ExportCore
import Foundation
import Testing
@testable import ExportPipeline

@Suite struct PipelineLoaderTests {
    /// A temporary folder with `pipelines/` and `mappings/` for one test.
    struct Workdir {
        let root: String
        init() throws {
            root = NSTemporaryDirectory() + "stages-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: root + "/pipelines", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/mappings", withIntermediateDirectories: true)
        }
        func write(_ relative: String, _ text: String) throws -> String {
            let path = root + "/" + relative
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    static func problems(_ text: String, path: String = "p.yaml", env: [String: String] = [:]) -> [String] {
        do {
            _ = try PipelineLoader.parse(text: text, path: path, environment: env)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func inputsAndTheNewestDedupeFieldKeepWhereTheyWereWritten() throws {
        let pipeline = try PipelineLoader.parse(text: """
            version: 1
            inputs:
              - a.csv
              - path: "b/*.ndjson"
                format: ndjson
            dedupe: { keep: newest, field: UpdatedAt }
            mapping: { email: Email }

            """, path: "p.yaml", environment: [:])
        #expect(pipeline.inputs.map(\.location) == [SourceLocation(line: 3, column: 5), SourceLocation(line: 4, column: 11)])
        #expect(pipeline.dedupeFieldLocation == SourceLocation(line: 6, column: 32))
    }

    @Test func loadsAFullPipelineWithRelativePathsAndEnv() throws {
        let dir = try Workdir()
        _ = try dir.write("mappings/contact.yaml", "version: 1\nemail: Email\n")
        let path = try dir.write("pipelines/sample.yaml", """
            version: 1
            name: sample-csv
            inputs:
              - path: ../exports/${SEGMENT}.csv
                format: csv
                csv: { delimiter: ";", quote: "'", encoding: latin-1 }
              - ../exports/*.ndjson.gz
            dedupe: { keep: newest, field: UpdatedAt }
            mapping: ../mappings/contact.yaml
            chunks: { max_items: 500, max_bytes: 500000 }
            destination: { api_version: v3, base_url: "http://127.0.0.1:8080/v3/", api_key_env: MY_KEY, api_key_file: ../key.txt }
            runs_dir: out/runs
            limits: { max_field_bytes: 2048, max_record_bytes: 4096, max_ratio: 50 }
            """)
        let p = try PipelineLoader.load(path: path, environment: ["SEGMENT": "vip"])
        #expect(p.name == "sample-csv")
        #expect(p.inputs.map(\.pattern) == ["../exports/vip.csv", "../exports/*.ndjson.gz"])
        #expect(p.inputs.map(\.resolvedPattern) == [dir.root + "/exports/vip.csv", dir.root + "/exports/*.ndjson.gz"])
        #expect(p.inputs[0].format == .csv)
        #expect(p.inputs[0].csv.delimiter == UInt8(ascii: ";"))
        #expect(p.inputs[0].csv.quote == UInt8(ascii: "'"))
        #expect(p.inputs[0].csv.encoding == .latin1)
        #expect(p.inputs[0].csv.maxFieldBytes == 2048)
        #expect(p.dedupe == .newest(field: "UpdatedAt"))
        #expect(p.mapping.dedupeDateField == "UpdatedAt")
        #expect(p.mappingPath == dir.root + "/mappings/contact.yaml")
        #expect(p.maxItemsPerChunk == 500)
        #expect(p.maxBytesPerChunk == 500_000)
        #expect(p.destination == Destination(
            apiVersion: .v3, baseURL: "http://127.0.0.1:8080/v3", apiKeyEnv: "MY_KEY", apiKeyFile: dir.root + "/key.txt"))
        #expect(p.runsDirectory == "out/runs")
        #expect(p.limits == InputLimits(maxFieldBytes: 2048, maxRecordBytes: 4096, maxCompressionRatio: 50))
        #expect(p.inputs.allSatisfy { $0.csv.maxRecordBytes == 4096 })
    }

    @Test func defaultsFollowTheAPIVersion() throws {
        let p = try PipelineLoader.parse(
            text: "inputs: [a.csv]\nmapping: { email: Email }\ndestination: { api_version: \"2026-03-15\" }\n",
            path: "pipelines/x.yaml", environment: [:])
        #expect(p.name == "x")
        #expect(p.maxItemsPerChunk == 100)
        #expect(p.maxBytesPerChunk == 1_000_000)
        #expect(p.inputs[0].resolvedPattern == "pipelines/a.csv")
        #expect(p.mappingPath == nil)
        #expect(p.runsDirectory == "runs")
        #expect(p.dedupe == .first)
    }

    @Test func reportsEveryProblemWithLocationAndHint() {
        let text = """
            version: 1
            inputz: [a.csv]
            dedupe: { keep: newest }
            chunks: { max_items: 1000 }
            destination: { api_version: "2026-03-15", api_key: sk-secret-value }
            mapping:
              email: Email
              frist_name: First
              status: { column: S, transforms: [lowercase] }
            """
        #expect(Self.problems(text) == [
            "p.yaml:2:1: unknown key 'inputz' in the pipeline\n    hint: did you mean 'inputs'?",
            "p.yaml:3:17: keep: newest needs 'field', the date column to compare\n    hint: e.g. dedupe: { keep: newest, field: UpdatedAt }",
            "p.yaml:5:43: the API key must not be written in the pipeline\n    hint: use api_key_env: OMNISEND_API_KEY or api_key_file: path/to/key",
            "p.yaml:8:3: unknown key 'frist_name' in the mapping\n    hint: did you mean 'first_name'?",
            "p.yaml:9:37: unknown transform 'lowercase'\n    hint: did you mean 'lower'?",
            "p.yaml:4:22: max_items 1000 is above the 2026-03-15 limit of 100 items per batch\n    hint: use at most 100, or leave max_items out",
        ])
    }

    @Test func neverEchoesTheAPIKey() {
        let all = Self.problems("mapping: { email: E }\ndestination: { api_key: sk-TEST-SECRET }\n").joined()
        #expect(!all.contains("sk-TEST-SECRET"))
    }

    @Test(arguments: [
        ("mapping: { email: E }\nruns_dir: ${RUNS}\n", "p.yaml:2:11: environment variable 'RUNS' is not set\n    hint: export RUNS=… before running, or write ${RUNS:-default}"),
        ("inputs: [a.csv]\n", "p.yaml:1:1: the pipeline has no 'mapping'\n    hint: add mapping: path/to/mapping.yaml, or an inline mapping"),
        ("mapping: { email: E }\ndedupe: oldest\n", "p.yaml:2:9: dedupe must be one of first, last, not 'oldest'"),
        ("mapping: { email: E }\ninputs: [{ path: a.csv, csv: { header: false } }]\n", "p.yaml:2:40: header: false needs 'columns'\n    hint: name the columns: columns: [Email, FirstName, …]"),
        ("mapping: { email: E }\ninputs: [{ path: a.csv, format: xls }]\n", "p.yaml:2:33: format must be one of auto, csv, ndjson, zip, tar, not 'xls'"),
        ("mapping: { email: E }\ndestination: { api_version: v4 }\n", "p.yaml:2:29: api_version must be one of v3, v5, 2026-03-15, not 'v4'\n    hint: did you mean 'v3'?"),
        ("mapping: { email: E }\nchunks: { max_bytes: 2000000 }\n", "p.yaml:2:22: max_bytes must be a whole number from 1024 to 1000000, not '2000000'"),
        ("mapping: missing.yaml\n", "p.yaml:1:10: cannot read the mapping file 'missing.yaml'\n    hint: the path is relative to the pipeline file's folder"),
        ("mapping: [\n", "p.yaml:2:1: not valid YAML: did not find expected node content"),
        ("mapping: { email: E }\ninputs: [{ path: a.csv, csv: { delimiter: \":\" } }]\n", "p.yaml:2:43: delimiter ':' is not supported\n    hint: use \",\", \";\", \"|\" or tab"),
    ])
    func goldenPipelineMessages(text: String, expected: String) {
        #expect(Self.problems(text) == [expected])
    }

    @Test func envDefaultsApply() throws {
        let p = try PipelineLoader.parse(text: "mapping: { email: E }\nruns_dir: ${RUNS:-tmp/runs}\n", path: "p.yaml", environment: [:])
        #expect(p.runsDirectory == "tmp/runs")
    }

    @Test func mappingFileProblemsNameTheMappingFile() throws {
        let dir = try Workdir()
        let m = try dir.write("mappings/bad.yaml", "email: Email\ncustom_properties:\n  bad-name: X\n")
        let path = try dir.write("pipelines/p.yaml", "mapping: ../mappings/bad.yaml\n")
        #expect(throws: PipelineErrors.self) { try PipelineLoader.load(path: path, environment: [:]) }
        do {
            _ = try PipelineLoader.load(path: path, environment: [:])
        } catch {
            #expect(error.problems.map(\.description) == [
                "\(m):3:3: custom property name 'bad-name' is not allowed\n    hint: use 1 to 128 Latin letters, digits or _ (^[A-Za-z0-9_]{1,128}$)"
            ])
        }
    }
}
