import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
import Testing

/// The browser-free report tests: always run. The Customer Insights sample is prepared and
/// uploaded with faults by the built binary; the page must hold no link and no script, and show
/// the manifest's and report.json's figures.
@Suite(.serialized, .enabled(if: ToolProcess.isBuilt, "needs .build/debug/omnisend-export (swift build --build-tests)"))
struct ReportProcessTests {
    struct UploadReportFigures: Decodable {
        var accepted: Int
        var failed: Int
        var requests: Int
        var retries: Int
        var rateLimited: Int
        var notSent: Int
        var timeline: Timeline?
        struct Timeline: Decodable {
            var allowancePerMinute: Int?
            var minutes: [Minute]
        }
        struct Minute: Decodable {
            var minute: String
            var requests: Int
            var rateLimited: Int
            var retries: Int
            var accepted: Int
        }
    }

    static func check(_ html: String, against manifest: RunManifest) {
        #expect(ReportFixture.externalReferences(html).isEmpty, "\(ReportFixture.externalReferences(html))")
        #expect(html.utf8.count < 300_000)
        let figures = ReportFixture.figures(html)
        #expect(figures["counts.rows"] == manifest.counts.rows)
        #expect(figures["counts.kept"] == manifest.counts.kept)
        #expect(figures["counts.rejected"] == manifest.counts.rejected)
        #expect(figures["counts.duplicates"] == manifest.counts.duplicates)
        #expect(figures["bar.counts.filtered"] == manifest.counts.filtered)
        for (reason, count) in manifest.rejectReasons { #expect(figures["reject.\(reason)"] == count, "\(reason)") }
        for (field, count) in manifest.fillCounts ?? [:] { #expect(figures["fill.\(field)"] == count, "\(field)") }
        for (index, input) in manifest.inputs.enumerated() { #expect(figures["input.\(index).rows"] == input.counts.rows) }
    }

    @Test func prepareWritesTheReportAndUploadRewritesItWithTheUploadsFigures() async throws {
        let work = try TemporaryDirectory(prefix: "report-e2e")
        let folder = try await ReportFixture.prepare(in: work)
        let manifest = try ReportFixture.manifest(folder)
        #expect(manifest.fillCounts?["firstName"] != nil, "prepare records fill counts")
        let prepared = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        Self.check(prepared, against: manifest)
        #expect(prepared.contains("Not uploaded yet"))
        #expect(!prepared.contains("radu.stan@gmail"), "emails are masked")
        #expect(prepared.contains("r•••@gmail"))
        #expect(prepared.contains("samples/exports/customer-insights-segment.csv:9"))
        #expect(prepared.contains(manifest.inputs[0].sha256) && prepared.contains(manifest.pipeline.sha256))

        let upload = try await ReportFixture.upload(folder)
        #expect(upload.status == 2, "some items fail: \(upload.stderr)")
        let uploaded = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        Self.check(uploaded, against: manifest)
        let report = try JSONDecoder().decode(
            UploadReportFigures.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/report.json")))
        let figures = ReportFixture.figures(uploaded)
        #expect(figures["upload.accepted"] == report.accepted)
        #expect(figures["upload.failed"] == report.failed)
        #expect(figures["upload.requests"] == report.requests)
        #expect(figures["upload.retries"] == report.retries)
        #expect(figures["upload.rateLimited"] == report.rateLimited)
        #expect(report.failed > 0 && report.rateLimited >= 2 && report.retries >= 1, "the faults happened")
        #expect(figures["failed.0"] == report.failed, "one kind of error: the simulator's partial failure")
        // The timeline adds up to the totals, a minute at a time.
        let timeline = try #require(report.timeline)
        #expect(timeline.allowancePerMinute == 320)
        #expect(timeline.minutes.reduce(0) { $0 + $1.requests } == report.requests)
        #expect(timeline.minutes.reduce(0) { $0 + $1.rateLimited } == report.rateLimited)
        #expect(timeline.minutes.reduce(0) { $0 + $1.retries } == report.retries)
        #expect(timeline.minutes.reduce(0) { $0 + $1.accepted } == report.accepted)
        #expect(uploaded.contains("<rect class=\"col\""))
        #expect(!uploaded.contains(ReportFixture.key), "never the key")
        #expect(uploaded.contains("127.0.0.1:"), "the destination, without its scheme")
    }

    @Test func reportRebuildsAtAnyTimeAndShowsEmailsOnlyWhenAsked() async throws {
        let work = try TemporaryDirectory(prefix: "report-cmd")
        let folder = try await ReportFixture.prepare(in: work)
        try FileManager.default.removeItem(atPath: folder + "/report.html")
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/nonexistent"
        let outcome = try await ReportFixture.tool(["report", folder, "--open"], environment: environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == folder + "/report.html\n")
        #expect(outcome.stderr.contains("no xdg-open here"))
        let masked = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(!masked.contains("radu.stan@gmail"))
        let shown = try await ReportFixture.tool(["report", folder, "--show-emails"])
        #expect(shown.status == 0)
        #expect(try String(contentsOfFile: folder + "/report.html", encoding: .utf8).contains("radu.stan@gmail"))

        let missing = try await ReportFixture.tool(["report", work.path + "/nothing-here"])
        #expect(missing.status == 66, "no manifest: \(missing.stderr)")
        let usage = try await ReportFixture.tool(["report"])
        #expect(usage.status == 64)
    }

    @Test func historyListsTheRunsAndReportRunsWritesTheIndex() async throws {
        let work = try TemporaryDirectory(prefix: "report-history")
        let folder = try await ReportFixture.prepare(in: work)
        let runs = work.path + "/runs"
        try ReportFixture.writeHistory(runs: runs, manifest: try ReportFixture.manifest(folder))
        let table = try await ReportFixture.tool(["history", "--runs", runs])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].contains("date") && lines[0].contains("rejected") && lines[0].contains("outcome"))
        #expect(lines[2].contains("failed_items") && lines[3].contains("1m 30s"))
        let json = try await ReportFixture.tool(["history", "--runs", runs, "--json", "--pipeline", "customer-insights"])
        let entries = try JSONDecoder().decode([RunHistoryEntry].self, from: Data(json.stdout.utf8))
        #expect(entries == RunHistoryFile.read(runsDirectory: runs))
        let none = try await ReportFixture.tool(["history", "--runs", runs, "--pipeline", "elsewhere"])
        #expect(none.status == 0 && none.stdout.isEmpty && none.stderr.contains("no runs of elsewhere"))

        let index = try await ReportFixture.tool(["report", "--runs", runs])
        #expect(index.status == 0, "\(index.stderr)")
        let html = try String(contentsOfFile: runs + "/index.html", encoding: .utf8)
        #expect(ReportFixture.externalReferences(html).isEmpty)
        let figures = ReportFixture.figures(html)
        for (position, entry) in entries.enumerated() {
            #expect(figures["run.\(position).rows"] == entry.counts?.rows)
            #expect(figures["run.\(position).rejected"] == entry.counts?.rejected)
            #expect(figures["run.\(position).failed"] == entry.failed)
        }
        let empty = try await ReportFixture.tool(["report", "--runs", work.path + "/no-runs"])
        #expect(empty.status == 66)
    }
}
