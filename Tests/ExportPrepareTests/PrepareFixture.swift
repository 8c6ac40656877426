import ExportCore
import ExportPrepare
import ExportTestSupport
import Foundation

/// A temporary workspace with a pipeline, a mapping and inputs, and helpers to run `prepare` on it.
final class PrepareFixture {
    let directory: TemporaryDirectory
    var root: String { directory.path }

    /// Every row is an opt-in of one day (the constant date): the pipeline allows it with
    /// `consent: { resubscribe: allow }`.
    static let mapping = """
        version: 1
        email: Email
        status: { value: subscribed }
        status_date: { value: "2026-01-01T00:00:00Z" }
        first_name: FirstName
        tags:
          - { column: Segment, prefix: "segment: " }
        """

    init() throws {
        directory = try TemporaryDirectory(prefix: "prepare")
        try directory.write("mapping.yaml", Self.mapping)
    }

    /// Writes a pipeline reading `inputs` (paths relative to the fixture) and returns its path.
    @discardableResult
    func pipeline(
        inputs: [String], dedupe: String = "first", extra: String = "", name: String = "pipeline.yaml"
    ) throws -> String {
        let list = inputs.map { "  - path: \($0)" }.joined(separator: "\n")
        return try directory.write(name, """
            version: 1
            name: test
            inputs:
            \(list)
            dedupe: \(dedupe)
            mapping: mapping.yaml
            runs_dir: \(root)/runs
            consent: { resubscribe: allow }
            \(extra)
            """)
    }

    /// Runs prepare into `out` (default `run`) and returns the result.
    func prepare(pipeline: String? = nil, out: String = "run", inputs: [String] = []) throws -> PrepareResult {
        let job = PrepareJob(
            pipelinePath: pipeline ?? root + "/pipeline.yaml", inputOverrides: inputs, outputDirectory: root + "/" + out,
            runDate: "2026-11-29")
        return try job.run(log: { _ in })
    }

    /// The lines of a file in the run folder.
    func lines(_ file: String, run: String = "run") -> [String] {
        let text = (try? String(contentsOfFile: root + "/" + run + "/" + file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// The parsed objects of an NDJSON file in the run folder.
    func objects(_ file: String, run: String = "run") -> [[String: Any]] {
        lines(file, run: run).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The contacts of every chunk, in order.
    func contacts(run: String = "run") throws -> [[String: Any]] {
        let manifest = try JSONDecoder().decode(
            RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/" + run + "/manifest.json")))
        return try manifest.chunks.flatMap { chunk -> [[String: Any]] in
            let data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + run + "/" + chunk.file))
            let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            return body?["items"] as? [[String: Any]] ?? []
        }
    }

    /// The email ids of the contacts of every chunk, in order.
    func emails(run: String = "run") throws -> [String] {
        try contacts(run: run).map { contact in
            let identifiers = contact["identifiers"] as? [[String: Any]]
            return identifiers?.first?["id"] as? String ?? ""
        }
    }
}
