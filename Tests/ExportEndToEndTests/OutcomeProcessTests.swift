import ExportCLI
import ExportTestSupport
import Foundation
import Testing

/// What `run` and `upload` leave for scripts and people, through the binary: `--quiet`,
/// `--log-format json`, `--summary-json`, `history.ndjson`, `on_failure`, `keep_runs`, proxies,
/// and the one exit-code table.
@Suite(.serialized, .enabled(if: CLI.exists, "build the binary first: swift build --product omnisend-export"))
struct OutcomeProcessTests {
    /// Writes a pipeline of the bundled sample into `folder` with runs in `folder/runs`.
    private func pipeline(in folder: String, name: String = "nightly", extra: String = "") throws -> String {
        let root = SharedFolder.packageRoot
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = """
            version: 1
            name: \(name)
            inputs:
              - path: \(root)/samples/exports/segment-small.csv
            mapping: \(root)/samples/mappings/contact.yaml
            runs_dir: \(folder)/runs
            destination:
              api_version: v5
            \(extra)
            """
        let path = folder + "/pipeline.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func json(_ path: String) throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: path), "no file at \(path)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func history(_ runs: String) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: runs + "/history.ndjson", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    private func runFolders(_ runs: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).filter { !$0.hasSuffix(".ndjson") }.sorted()
    }

    @Test func aQuietRunWritesTheSummaryJSONAndAHistoryLine() throws {
        let key = "outcome-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let base = CLI.scratch("outcome-summary")
        let pipeline = try pipeline(in: base)
        let summaryPath = base + "/summary.json"
        let run = try CLI.run(
            ["run", pipeline, "--base-url", simulator.v5, "--quiet", "--summary-json", summaryPath],
            environment: ["OMNISEND_API_KEY": key], scratch: base)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stderr.isEmpty, "--quiet and all well: nothing on stderr, got: \(run.stderr)")
        #expect(run.stdout.contains("run folder: ") && run.stdout.contains("contacts accepted"), "\(run.stdout)")

        let summary = try json(summaryPath)
        #expect(summary["formatVersion"] as? Int == 1 && summary["command"] as? String == "run")
        #expect(summary["pipeline"] as? String == "nightly" && summary["outcome"] as? String == "success" && summary["exitCode"] as? Int == 0)
        #expect(summary["accepted"] as? Int == 7 && summary["failed"] as? Int == 0 && summary["stopReason"] == nil)
        #expect((summary["counts"] as? [String: Any])?["rows"] as? Int == 15)
        let destination = try #require(summary["destination"] as? [String: Any])
        #expect(destination["baseURL"] as? String == simulator.v5 && destination["apiVersion"] as? String == "v5")
        #expect(destination["rehearsal"] as? Bool == false)
        let timings = try #require(summary["timings"] as? [String: Any])
        #expect((timings["startedAt"] as? String)?.hasSuffix("Z") == true && (timings["durationSeconds"] as? Double ?? -1) >= 0)
        #expect(timings["prepareSeconds"] is Double && timings["uploadSeconds"] is Double)
        let runDirectory = try #require(summary["runDirectory"] as? String)
        #expect(runDirectory.hasPrefix(base + "/runs/nightly-"))
        let summaryText = try String(contentsOfFile: summaryPath, encoding: .utf8)
        #expect(!summaryText.contains("@") && !summaryText.contains(key), "no email, no key in the summary")

        var lines = history(base + "/runs")
        #expect(lines.count == 1)
        let first = try #require(lines.first)
        #expect(first["command"] as? String == "run" && first["outcome"] as? String == "success" && first["exitCode"] as? Int == 0)
        #expect(first["pipeline"] as? String == "nightly" && first["runDirectory"] as? String == RunFolderName.of(runDirectory))
        #expect(first["accepted"] as? Int == 7 && first["sent"] as? Int == 7)
        let inputs = try #require(first["inputs"] as? [[String: Any]])
        #expect(inputs.count == 1 && (inputs[0]["path"] as? String)?.hasSuffix("samples/exports/segment-small.csv") == true)
        #expect((inputs[0]["sha256"] as? String)?.count == 64)

        // An upload of the same folder, with JSON log lines: a second history line.
        let upload = try CLI.run(
            ["upload", runDirectory, "--base-url", simulator.v5, "--log-format", "json"], environment: ["OMNISEND_API_KEY": key],
            scratch: base)
        #expect(upload.status == 0, "\(upload.output)")
        let logLines = upload.stderr.split(separator: "\n")
        #expect(!logLines.isEmpty)
        for line in logLines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(Set(object.keys) == ["time", "level", "message"], "\(line)")
            #expect(["info", "warning", "error", "notice"].contains(object["level"] as? String ?? ""))
        }
        lines = history(base + "/runs")
        #expect(lines.count == 2 && lines[1]["command"] as? String == "upload" && lines[1]["outcome"] as? String == "success")
    }

    @Test func jsonLogLinesKeepEmailsRedactedAndTheExit2MessageNamesRetryFailed() throws {
        let key = "outcome-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let base = CLI.scratch("outcome-failed")
        let folder = try TestRunFolder.make(contacts: 6, perChunk: 3, invalid: [1, 4], at: base + "/runs/failed-run")
        let upload = try CLI.run(
            ["upload", folder, "--base-url", simulator.v5, "--log-format", "json", "--quiet"], environment: ["OMNISEND_API_KEY": key],
            scratch: base)
        #expect(upload.status == 2, "\(upload.output)")
        #expect(!upload.output.contains("@"), "emails appear only as keyed hashes: \(upload.output)")
        let objects = upload.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == upload.stderr.split(separator: "\n").count)
        #expect(objects.allSatisfy { ["error", "notice"].contains($0["level"] as? String ?? "") }, "--quiet: no info lines: \(upload.stderr)")
        let notice = try #require(objects.first { $0["level"] as? String == "notice" })
        let message = notice["message"] as? String ?? ""
        #expect(message.contains("omnisend-export upload \(folder) ") && message.hasSuffix(" --retry-failed"), "\(notice)")

        // failed.ndjson: one error shape, {status, message, fields}.
        let failed = try String(contentsOfFile: folder + "/failed.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(failed.count == 2)
        for line in failed {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let error = try #require(object["error"] as? [String: Any], "\(line)")
            #expect(Set(error.keys) == ["status", "message", "fields"], "\(line)")
            #expect(error["status"] as? Int == 400 && !(error["message"] as? String ?? "").isEmpty)
            let fields = try #require(error["fields"] as? [String: [String]], "\(line)")
            #expect(!fields.isEmpty, "the refused field is named: \(line)")
            #expect(object["responseCode"] == nil && object["retryable"] as? Bool == false)
        }
        let lines = history(base + "/runs")
        #expect(lines.count == 1 && lines[0]["outcome"] as? String == "failed_items" && lines[0]["failed"] as? Int == 2)
        #expect(lines[0]["pipeline"] as? String == "pipeline", "the name of the manifest's pipeline file")
    }

    @Test func onFailureRunsWithTheSummaryAndItsOwnFailureLeavesTheExitCode() throws {
        let key = "outcome-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let base = CLI.scratch("outcome-hook")
        let hook = "cp \"$1\" \(base)/alert.json; echo \"$OMNISEND_EXPORT_EXIT_CODE $OMNISEND_EXPORT_OUTCOME\" > \(base)/alert.txt; exit 7"
        let pipeline = try pipeline(in: base, extra: "on_failure: '\(hook)'")
        // Past the destination check (which would refuse the key before prepare), so that the key
        // is refused by the upload itself, with a run folder.
        let run = try CLI.run(
            ["run", pipeline, "--base-url", simulator.v5, "--no-destination-check"], environment: ["OMNISEND_API_KEY": "not-the-key"], scratch: base)
        #expect(run.status == 77, "the refused key decides the exit code, not the hook: \(run.output)")
        #expect(run.stderr.contains("error: on_failure: the command exited with 7"), "\(run.stderr)")
        #expect(!run.output.contains("cp \""), "the command text is not echoed")
        let alert = try json(base + "/alert.json")
        #expect(alert["exitCode"] as? Int == 77 && alert["outcome"] as? String == "error" && alert["command"] as? String == "run")
        #expect(alert["stopReason"] as? String == "key_rejected")
        #expect((alert["errors"] as? [String])?.isEmpty == false)
        #expect(try String(contentsOfFile: base + "/alert.txt", encoding: .utf8) == "77 error\n")
        let runDirectory = try #require(alert["runDirectory"] as? String)
        #expect(FileManager.default.fileExists(atPath: runDirectory + "/summary.json"), "written for the hook without --summary-json")
        let lines = history(base + "/runs")
        #expect(lines.count == 1 && lines[0]["outcome"] as? String == "error" && lines[0]["exitCode"] as? Int == 77)

        // A successful run does not call it.
        try? FileManager.default.removeItem(atPath: base + "/alert.txt")
        let good = try CLI.run(["run", pipeline, "--base-url", simulator.v5], environment: ["OMNISEND_API_KEY": key], scratch: base)
        #expect(good.status == 0, "\(good.output)")
        #expect(!FileManager.default.fileExists(atPath: base + "/alert.txt"))
    }

    @Test func keepRunsPrunesOlderFinishedRunsButNeverAnUnfinishedOneNorTheHistory() throws {
        let key = "outcome-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let base = CLI.scratch("outcome-prune")
        let pipeline = try pipeline(in: base, extra: "keep_runs: 2")
        let runs = base + "/runs"
        let environment = ["OMNISEND_API_KEY": key]
        // A folder of another pipeline whose name starts the same, and a file: never touched.
        try FileManager.default.createDirectory(atPath: runs + "/nightly-extra-20200101-000000", withIntermediateDirectories: true)
        try "notes".write(toFile: runs + "/nightly-20200101-000000.txt", atomically: true, encoding: .utf8)

        #expect(try CLI.run(["run", pipeline, "--base-url", simulator.v5], environment: environment, scratch: base).status == 0)
        let a = try #require(runFolders(runs).first { $0.hasPrefix("nightly-2") && !$0.hasSuffix(".txt") })
        #expect(try CLI.run(["prepare", pipeline], scratch: base).status == 0)  // b: prepared, never uploaded
        let b = try #require(runFolders(runs).first { $0.hasPrefix("nightly-2") && $0 != a && !$0.hasSuffix(".txt") })
        let c = try CLI.run(["run", pipeline, "--base-url", simulator.v5], environment: environment, scratch: base)
        #expect(c.status == 0, "\(c.output)")
        #expect(!runFolders(runs).contains(a), "a is past the newest 2 and finished: removed")
        #expect(c.stderr.contains("keep_runs 2: removed 1 older run folder(s): \(a)"), "\(c.stderr)")
        #expect(runFolders(runs).contains(b))

        let d = try CLI.run(["run", pipeline, "--base-url", simulator.v5], environment: environment, scratch: base)
        #expect(d.status == 0, "\(d.output)")
        #expect(runFolders(runs).contains(b), "b was never uploaded: kept")
        #expect(d.stderr.contains("keep_runs 2: kept \(b): upload not finished"), "\(d.stderr)")
        #expect(runFolders(runs).filter { $0.hasPrefix("nightly-2") && !$0.hasSuffix(".txt") }.count == 3)
        #expect(FileManager.default.fileExists(atPath: runs + "/nightly-extra-20200101-000000"))
        #expect(FileManager.default.fileExists(atPath: runs + "/nightly-20200101-000000.txt"))
        #expect(history(runs).count == 3, "history.ndjson keeps every run, pruned ones too")
    }

    @Test func uploadsGoThroughTheProxyTheEnvironmentNamesUnlessNoProxyListsTheHost() throws {
        let key = "outcome-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        let base = CLI.scratch("outcome-proxy")
        let port = URLComponents(string: simulator.v5)!.port!

        let viaProxy = try TestRunFolder.make(contacts: 20, perChunk: 5, at: base + "/runs/via-proxy")
        let proxied = try CLI.run(
            ["upload", viaProxy, "--base-url", simulator.v5], environment: ["OMNISEND_API_KEY": key, "HTTP_PROXY": proxy.url, "NO_PROXY": "", "no_proxy": ""],
            scratch: base)
        #expect(proxied.status == 0, "\(proxied.output)")
        #expect(proxied.stderr.contains("upload: through the proxy 127.0.0.1:\(proxy.port) (HTTP_PROXY)"), "\(proxied.stderr)")
        let tunnels = proxy.tunnels
        #expect(!tunnels.isEmpty && tunnels.allSatisfy { $0 == "127.0.0.1:\(port)" }, "\(tunnels)")

        let lowercase = try TestRunFolder.make(contacts: 5, perChunk: 5, at: base + "/runs/lowercase")
        let viaLowercase = try CLI.run(
            ["upload", lowercase, "--base-url", simulator.v5],
            environment: ["OMNISEND_API_KEY": key, "HTTP_PROXY": "http://127.0.0.1:9", "http_proxy": proxy.url, "NO_PROXY": "", "no_proxy": ""],
            scratch: base)
        #expect(viaLowercase.status == 0, "http_proxy wins over HTTP_PROXY: \(viaLowercase.output)")
        #expect(proxy.tunnels.count > tunnels.count)

        let direct = try TestRunFolder.make(contacts: 20, perChunk: 5, at: base + "/runs/direct")
        let before = proxy.tunnels.count
        let bypassed = try CLI.run(
            ["upload", direct, "--base-url", simulator.v5],
            environment: ["OMNISEND_API_KEY": key, "HTTP_PROXY": proxy.url, "http_proxy": "", "NO_PROXY": "example.com, 127.0.0.1"],
            scratch: base)
        #expect(bypassed.status == 0, "\(bypassed.output)")
        #expect(proxy.tunnels.count == before, "NO_PROXY names the host: no tunnel")
        #expect(!bypassed.stderr.contains("through the proxy"))

        let broken = try TestRunFolder.make(contacts: 1, perChunk: 1, at: base + "/runs/broken")
        let refused = try CLI.run(
            ["upload", broken, "--base-url", simulator.v5],
            environment: ["OMNISEND_API_KEY": key, "HTTP_PROXY": "socks5://user:secret-pw@127.0.0.1:1080"], scratch: base)
        #expect(refused.status == 78, "\(refused.output)")
        #expect(refused.stderr.contains("HTTP_PROXY is not a usable proxy URL") && !refused.stderr.contains("secret-pw"), "\(refused.stderr)")
    }

    @Test func aFailedPrepareWritesItsSummaryAndQuietStillShowsTheError() throws {
        let base = CLI.scratch("outcome-prepare")
        let pipeline = try pipeline(in: base)
        let summaryPath = base + "/prepare.json"
        let prepare = try CLI.run(
            ["prepare", pipeline, "--input", base + "/missing-*.csv", "--quiet", "--summary-json", summaryPath], scratch: base)
        #expect(prepare.status == 66, "\(prepare.output)")
        #expect(prepare.stderr.hasPrefix("error: "), "\(prepare.stderr)")
        let summary = try json(summaryPath)
        #expect(summary["command"] as? String == "prepare" && summary["outcome"] as? String == "error" && summary["exitCode"] as? Int == 66)
        #expect(summary["pipeline"] as? String == "nightly" && summary["runDirectory"] == nil && summary["counts"] == nil)
        #expect((summary["errors"] as? [String])?.count == 1)
        #expect(!FileManager.default.fileExists(atPath: base + "/runs/history.ndjson"), "prepare adds no history line")
    }

    @Test func theExitCodeTableIsTheSameInHelpAndInTheDocs() throws {
        let help = try CLI.run(["--help"], scratch: CLI.scratch("help"))
        #expect(help.status == 0)
        let docs = try String(contentsOfFile: SharedFolder.packageRoot + "/docs/upload.md", encoding: .utf8)
        var rows = 0
        for line in ExitCodes.table.split(separator: "\n") where line.first == " " {
            #expect(help.stdout.contains(line), "--help lacks: \(line)")
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard let space = trimmed.firstIndex(of: " ") else { continue }
            let code = trimmed[..<space]
            let meaning = trimmed[space...].trimmingCharacters(in: .whitespaces)
            #expect(docs.contains("| \(code) | \(meaning) |"), "docs/upload.md lacks the row for \(code): \(meaning)")
            rows += 1
        }
        #expect(rows == 22)
        for code in [0, 1, 2, 3, 4, 5, 6, 8, 64, 65, 66, 70, 73, 74, 75, 77, 78, 130, 143] {
            #expect(ExitCodes.table.contains(" \(code)  "), "code \(code) is missing from the table")
        }
    }
}

/// The last path component of a run folder.
private enum RunFolderName {
    static func of(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
}
