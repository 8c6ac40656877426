import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
import Testing

/// The report and the runs index in headless Chromium (Debian's `chromium`, installed by
/// scripts/ensure-chromium.sh when missing), driven over the DevTools protocol by
/// scripts/browser-check.py: no console error, no request but the page itself, no horizontal
/// scroll at 390 px, the figures in the DOM equal to the manifest's and report.json's, and
/// screenshots at desktop and phone widths. Without a browser the tests skip, except under
/// `CI=true`, where they fail.
///
/// `REPORT_SCREENSHOTS=docs swift test --filter ReportBrowserTests` writes the screenshots of
/// the README (docs/report-desktop.png, docs/report-phone.png, docs/index-desktop.png).
@Suite(.serialized, .enabled(if: ToolProcess.isBuilt, "needs .build/debug/omnisend-export (swift build --build-tests)"))
struct ReportBrowserTests {
    struct PageCheck: Decodable {
        struct Width: Decodable {
            var scrollWidth: Int
            var clientWidth: Int
        }
        var requests: [String]
        var console: [String]
        var widths: [String: Width]
        var dom: String
        var screenshots: [String]
    }

    /// The browser's path, or `nil` (with a recorded issue under CI) when there is none.
    static func browser() throws -> String? {
        let outcome = try run(["bash", SharedFolder.packageRoot + "/scripts/ensure-chromium.sh"])
        if outcome.status == 0 { return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        let message = "chromium is not available (scripts/ensure-chromium.sh: \(outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("\(message); CI=true needs it")
        } else {
            print("skipping the browser checks: \(message)")
        }
        return nil
    }

    /// Loads `page` in the browser; screenshots go to `shots` (width → path).
    static func load(_ page: String, browser: String, shots: [(Int, String)]) throws -> PageCheck {
        var arguments = ["python3", SharedFolder.packageRoot + "/scripts/browser-check.py", page, "--browser", browser]
        for (width, path) in shots { arguments += ["--shot", "\(width):\(path)"] }
        let outcome = try run(arguments)
        try #require(outcome.status == 0, "browser-check.py: \(outcome.stderr)")
        return try JSONDecoder().decode(PageCheck.self, from: Data(outcome.stdout.utf8))
    }

    /// How a helper process ended.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString).out")
        let err = out.appendingPathExtension("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        return Outcome(
            status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Where screenshots go: `$REPORT_SCREENSHOTS` (relative to the package root) or `fallback`.
    static func screenshotFolder(fallback: String) -> String {
        guard let folder = ProcessInfo.processInfo.environment["REPORT_SCREENSHOTS"], !folder.isEmpty else { return fallback }
        return folder.hasPrefix("/") ? folder : SharedFolder.packageRoot + "/" + folder
    }

    static func expectCleanLoad(_ check: PageCheck, page: String) {
        #expect(check.console.isEmpty, "console: \(check.console)")
        let url = "file://" + URL(fileURLWithPath: page).standardizedFileURL.path
        #expect(check.requests.allSatisfy { $0 == url || $0.hasPrefix("data:") }, "requests: \(check.requests)")
        for (width, measured) in check.widths {
            #expect(measured.scrollWidth <= measured.clientWidth, "horizontal scroll at \(width) px: \(measured)")
        }
        for shot in check.screenshots {
            let bytes = FileManager.default.contents(atPath: shot) ?? Data()
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 10_000, "\(shot) is a PNG")
        }
    }

    @Test func theSampleRunsReportAfterAFaultyUpload() async throws {
        guard let browser = try Self.browser() else { return }
        let work = try TemporaryDirectory(prefix: "report-browser")
        let folder = try await ReportFixture.prepare(in: work)
        let upload = try await ReportFixture.upload(folder)
        #expect(upload.status == 2, "\(upload.stderr)")
        let manifest = try ReportFixture.manifest(folder)
        let report = try JSONDecoder().decode(
            ReportProcessTests.UploadReportFigures.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/report.json")))
        let shots = Self.screenshotFolder(fallback: work.path + "/shots")
        let page = folder + "/report.html"
        let check = try Self.load(page, browser: browser, shots: [(1280, shots + "/report-desktop.png"), (390, shots + "/report-phone.png")])
        Self.expectCleanLoad(check, page: page)
        #expect(check.widths["390"] != nil && check.widths["1280"] != nil)
        let figures = ReportFixture.figures(check.dom)
        #expect(figures["counts.rows"] == manifest.counts.rows)
        #expect(figures["counts.kept"] == manifest.counts.kept)
        #expect(figures["counts.rejected"] == manifest.counts.rejected)
        #expect(figures["counts.duplicates"] == manifest.counts.duplicates)
        #expect(figures["bar.counts.filtered"] == manifest.counts.filtered)
        for (reason, count) in manifest.rejectReasons { #expect(figures["reject.\(reason)"] == count) }
        #expect(figures["upload.accepted"] == report.accepted)
        #expect(figures["upload.failed"] == report.failed)
        #expect(figures["upload.requests"] == report.requests)
        #expect(figures["upload.retries"] == report.retries)
        #expect(figures["upload.rateLimited"] == report.rateLimited)
    }

    @Test func theRunsIndexOverThreeRuns() async throws {
        guard let browser = try Self.browser() else { return }
        let work = try TemporaryDirectory(prefix: "index-browser")
        let folder = try await ReportFixture.prepare(in: work)
        let runs = work.path + "/runs"
        try ReportFixture.writeHistory(runs: runs, manifest: try ReportFixture.manifest(folder))
        let outcome = try await ReportFixture.tool(["report", "--runs", runs])
        try #require(outcome.status == 0, "\(outcome.stderr)")
        let shots = Self.screenshotFolder(fallback: work.path + "/shots")
        let page = runs + "/index.html"
        let check = try Self.load(page, browser: browser, shots: [(1280, shots + "/index-desktop.png"), (390, work.path + "/index-phone.png")])
        Self.expectCleanLoad(check, page: page)
        let entries = RunHistoryFile.read(runsDirectory: runs)
        #expect(entries.count == 3)
        let figures = ReportFixture.figures(check.dom)
        for (position, entry) in entries.enumerated() {
            #expect(figures["run.\(position).rows"] == entry.counts?.rows)
            #expect(figures["run.\(position).sent"] == entry.sent)
            #expect(figures["run.\(position).rejected"] == entry.counts?.rejected)
            #expect(figures["run.\(position).failed"] == entry.failed)
        }
        #expect(check.dom.contains("<polyline"))
    }
}
