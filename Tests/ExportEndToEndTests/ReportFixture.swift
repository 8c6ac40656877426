import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
import OmnisendSimulator
import Testing

/// The Customer Insights sample, prepared and uploaded with the built binary to an in-process
/// simulator that injects faults (429s, a 500, a share of every batch's items failing), as the
/// report tests need it; and history lines for the runs index.
enum ReportFixture {
    static let key = "omni-report-test-\(UUID().uuidString)"
    /// 429s on requests 2–3, a 500 on request 4, and failed items in every batch.
    static let faults = "429@2-3,500@4,partial%1"

    /// Runs the binary on a thread of its own (never blocking the concurrency pool the
    /// in-process simulator answers on).
    static func tool(_ arguments: [String], environment: [String: String]? = nil) async throws -> ToolProcess.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try ToolProcess.run(arguments, environment: environment) })
            }
        }
    }

    /// The environment of an upload to the test simulator.
    static var uploadEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["OMNISEND_API_KEY"] = key
        environment["OMNISEND_EXPORT_POLL_SECONDS"] = "0.02"
        return environment
    }

    /// Prepares the sample into `runs/customer-insights-run` under `work`; returns the run folder.
    static func prepare(in work: TemporaryDirectory) async throws -> String {
        let folder = work.path + "/runs/customer-insights-run"
        let outcome = try await tool(["prepare", "pipelines/customer-insights.yaml", "--out", folder, "--run-date", "2026-11-29"])
        try #require(outcome.status == 0, "prepare: \(outcome.stderr)")
        return folder
    }

    /// Uploads `folder` to a simulator with `faults`; returns the upload's outcome.
    static func upload(_ folder: String) async throws -> ToolProcess.Outcome {
        let simulator = try await TestSimulator.start(key: key, faults: faults)
        do {
            let outcome = try await tool(
                // The fault schedule counts the uploader's requests: no destination check before
                // them. The 500 is not stored; it is looked up until a short horizon, then resent.
                [
                    "upload", folder, "--base-url", simulator.baseURL(for: "v5"), "--concurrency", "2", "--rate-limit", "400",
                    "--no-destination-check", "--reconcile-horizon", "3s",
                ],
                environment: uploadEnvironment)
            try await simulator.stop()
            return outcome
        } catch {
            try? await simulator.stop()
            throw error
        }
    }

    static func manifest(_ folder: String) throws -> RunManifest {
        try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
    }

    /// Three runs of a pipeline in `runs`' history, the third with a jump in rejects.
    static func writeHistory(runs: String, manifest: RunManifest) throws {
        for (day, rejectedExtra, failed) in [(1, 0, 0), (2, 2, 3), (3, 40, 0)] {
            var counts = manifest.counts
            counts.rows += rejectedExtra
            counts.rejected += rejectedExtra
            try RunHistoryFile.append(
                RunHistoryEntry(
                    pipeline: "customer-insights", runDirectory: "customer-insights-2026120\(day)", command: "run",
                    startedAt: "2026-12-0\(day)T02:00:00Z", finishedAt: "2026-12-0\(day)T02:01:30Z", durationSeconds: 90,
                    outcome: failed > 0 ? "failed_items" : "success", exitCode: failed > 0 ? 2 : 0,
                    destination: "api.omnisend.com/v5", counts: counts, sent: counts.kept, accepted: counts.kept - failed,
                    failed: failed, inputs: manifest.inputs.map { .init(path: $0.path, sha256: $0.sha256) }),
                runsDirectory: runs)
        }
    }

    /// The figures a page shows: `data-figure="KEY" data-value="N"`.
    static func figures(_ html: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for match in html.matches(of: /data-figure="([^"]+)" data-value="(-?\d+)"/) {
            result[String(match.output.1)] = Int(match.output.2)!
        }
        return result
    }

    /// What a self-contained page must not hold.
    static func externalReferences(_ html: String) -> [String] {
        let lower = html.lowercased()
        return ["http://", "https://", "<script", " src=", "@import", "url("].filter { lower.contains($0) }
    }
}

