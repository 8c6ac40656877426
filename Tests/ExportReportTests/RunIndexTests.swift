import ExportChunks
import ExportCore
import ExportTestSupport
import ExportUpload
import Foundation
import Testing

@testable import ExportReport

/// The history table, its JSON and the runs index, from history lines written by hand.
@Suite struct RunIndexTests {
    static func entry(
        _ pipeline: String, _ day: Int, rows: Int?, rejected: Int, failed: Int?, outcome: String = "success"
    ) -> RunHistoryEntry {
        var counts: RunCounts?
        if let rows {
            var c = RunCounts()
            c.rows = rows
            c.rejected = rejected
            c.kept = rows - rejected
            counts = c
        }
        return RunHistoryEntry(
            pipeline: pipeline, runDirectory: "\(pipeline)-2026120\(day)", command: "run",
            startedAt: "2026-12-0\(day)T02:00:00Z", finishedAt: "2026-12-0\(day)T02:03:07Z", durationSeconds: 187,
            outcome: outcome, exitCode: outcome == "success" ? 0 : 2, counts: counts, sent: counts?.kept, accepted: counts?.kept,
            failed: failed)
    }

    static func runs() throws -> TemporaryDirectory {
        let work = try TemporaryDirectory(prefix: "history")
        for entry in [
            entry("shop", 1, rows: 1000, rejected: 10, failed: 0),
            entry("other", 1, rows: 5, rejected: 0, failed: 0),
            entry("shop", 2, rows: 1200, rejected: 12, failed: 3, outcome: "failed_items"),
            entry("shop", 3, rows: 1100, rejected: 900, failed: 0),
            entry("shop", 4, rows: nil, rejected: 0, failed: nil, outcome: "error"),
        ] {
            try RunHistoryFile.append(entry, runsDirectory: work.path)
        }
        return work
    }

    @Test func theTableListsEveryRunOldestFirstWithItsFigures() throws {
        let work = try Self.runs()
        let table = RunIndex(runsDirectory: work.path, pipeline: "shop").table.split(separator: "\n").map(String.init)
        #expect(table.count == 5)
        #expect(table[0].hasPrefix("date") && table[0].contains("outcome"))
        #expect(table[1].contains("2026-12-01T02:00:00Z") && table[1].contains("1,000") && table[1].contains("3m 07s"))
        #expect(table[2].contains("failed_items"))
        #expect(table[4].contains("–") && table[4].hasSuffix("error"))
        #expect(!table.joined().contains("other"))
        // Columns line up: every row is as long as the header up to the outcome column.
        let outcomeColumn = table[0].range(of: "outcome")!.lowerBound.utf16Offset(in: table[0])
        for row in table.dropFirst() {
            #expect(row.utf16.count >= outcomeColumn)
        }
    }

    @Test func jsonIsTheHistoryLines() throws {
        let work = try Self.runs()
        let decoded = try JSONDecoder().decode([RunHistoryEntry].self, from: Data(RunIndex(runsDirectory: work.path).json.utf8))
        #expect(decoded == RunHistoryFile.read(runsDirectory: work.path))
        #expect(decoded.count == 5)
    }

    @Test func theIndexShowsEachRunsFiguresAndATrend() throws {
        let work = try Self.runs()
        let index = RunIndex(runsDirectory: work.path, pipeline: "shop")
        let html = index.html()
        #expect(ReportHTMLCheck.problems(html).isEmpty)
        let figures = ReportHTMLCheck.figures(html)
        for (position, entry) in index.entries.enumerated() {
            #expect(figures["run.\(position).rows"]?.value == entry.counts?.rows ?? 0)
            #expect(figures["run.\(position).rejected"]?.value == entry.counts?.rejected ?? 0)
            #expect(figures["run.\(position).failed"]?.value == entry.failed ?? 0)
            #expect(figures["run.\(position).sent"]?.value == entry.sent ?? 0)
        }
        #expect(html.contains("<polyline class=\"l-rej\""))
        // The newest run comes first in the table.
        let newest = html.range(of: "data-run=\"3\"")!.lowerBound
        let oldest = html.range(of: "data-run=\"0\"")!.lowerBound
        #expect(newest < oldest)
        let path = try index.write()
        #expect(path == work.path + "/index.html")
    }

    @Test func noHistoryIsAnEmptyIndex() throws {
        let work = try TemporaryDirectory(prefix: "history-empty")
        let index = RunIndex(runsDirectory: work.path)
        #expect(index.entries.isEmpty)
        #expect(index.html().contains("No runs yet."))
        #expect(index.table.split(separator: "\n").count == 1)
    }
}

@Suite struct TimelineBucketsTests {
    @Test func gapsAreFilledAndLongUploadsBucketed() {
        let minutes = (0..<150).filter { $0 % 3 != 1 }.map { minute in
            UploadTimelineMinute.make(minute)
        }
        let buckets = TimelineBuckets(.init(allowancePerMinute: 100, minutes: minutes), limit: 60)
        #expect(buckets.minutesPerBucket == 3)
        #expect(buckets.buckets.count == 50)
        #expect(buckets.buckets[0].requests == 20)
        #expect(buckets.buckets[0].requestsPerMinute == 7)
        #expect(buckets.buckets[0].start == "2026-12-03T10:00Z")
        #expect(buckets.buckets[1].start == "2026-12-03T10:03Z")
        #expect(buckets.buckets.reduce(0) { $0 + $1.requests } == minutes.reduce(0) { $0 + $1.requests })
    }

    @Test func anEmptyTimelineHasNoBuckets() {
        #expect(TimelineBuckets(.init(allowancePerMinute: nil, minutes: [])).buckets.isEmpty)
    }
}

/// Minutes of a made-up upload from 2026-12-03T10:00Z, ten requests each.
enum UploadTimelineMinute {
    static func make(_ offset: Int) -> UploadTimeline.Minute {
        let text = UploadTimeline.minuteText(Date(timeIntervalSince1970: 1_796_292_000 + Double(offset) * 60))
        return UploadTimeline.Minute(minute: text, requests: 10, accepted: 1)
    }
}
