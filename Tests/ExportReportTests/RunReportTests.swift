import ExportChunks
import ExportCore
import ExportRunFolder
import ExportTestSupport
import ExportUpload
import Foundation
import Testing

@testable import ExportReport

/// Run folders written by hand (messy on purpose: markup in paths and details, many reasons,
/// big side files), rendered and read back.
@Suite struct RunReportTests {
    /// A run folder with a manifest whose figures are `counts`, `reasons` and `fill`, and the
    /// given side-file lines.
    static func folder(
        counts: RunCounts, reasons: [String: Int], warnings: [String: Int] = [:], fill: [String: Int]? = nil,
        inputs: [RunManifest.InputEntry] = [], rejectLines: [String] = [], warningLines: [String]? = nil
    ) throws -> TemporaryDirectory {
        let work = try TemporaryDirectory(prefix: "report")
        let fingerprint = RunManifest.FileFingerprint(path: "pipelines/<b>shop</b>.yaml", sha256: String(repeating: "a", count: 64))
        let manifest = RunManifest(
            pipeline: fingerprint, mapping: fingerprint,
            destination: Destination(apiVersion: .v5, baseURL: "https://api.omnisend.com/v5", apiKeyEnv: "OMNISEND_API_KEY"),
            inputs: inputs, counts: counts, rejectReasons: reasons, warnings: warnings, chunks: [], files: [], fillCounts: fill)
        try ManifestFile.write(manifest, runDirectory: work.path)
        _ = try work.write(RunFolderLayout.rejects, rejectLines.map { $0 + "\n" }.joined())
        if let warningLines { _ = try work.write(RunFolderLayout.warnings, warningLines.map { $0 + "\n" }.joined()) }
        return work
    }

    static func counts(rows: Int, kept: Int, rejected: Int, duplicates: Int, filtered: Int) -> RunCounts {
        var counts = RunCounts()
        counts.rows = rows
        counts.kept = kept
        counts.rejected = rejected
        counts.duplicates = duplicates
        counts.filtered = filtered
        return counts
    }

    @Test func figuresOnThePageAreTheManifestsAndEmailsAreMasked() throws {
        let counts = Self.counts(rows: 36, kept: 28, rejected: 4, duplicates: 1, filtered: 3)
        let work = try Self.folder(
            counts: counts, reasons: ["email_invalid": 3, "required_field_missing": 1],
            fill: ["firstName": 28, "customProperties.vip": 14, "phone": 7],
            rejectLines: [
                #"{"input":"in/<x>.csv","line":9,"reason":"email_invalid","detail":"domain needs at least two labels","email":"radu.stan@gmail"}"#,
                #"{"input":"in/<x>.csv","line":10,"reason":"required_field_missing","detail":"required field 'first_name' is empty","email":"vasi@example.ro"}"#,
                #"{"input":"in/<x>.csv","line":11,"reason":"email_invalid","detail":"no \"@\" <script>","email":"not-an-email"}"#,
            ],
            warningLines: [
                #"{"input":"in.csv","line":4,"field":"birthdate","code":"birthdate_invalid","email":"a@example.com"}"#,
                #"{"input":"in.csv","line":7,"field":"birthdate","code":"birthdate_invalid","email":"a@example.com"}"#,
                #"{"input":"in.csv","line":8,"field":"phone","code":"phone_invalid","email":"b@example.com"}"#,
            ])
        let html = try RunReport(runDirectory: work.path).html
        #expect(ReportHTMLCheck.problems(html).isEmpty, "\(ReportHTMLCheck.problems(html))")
        let figures = ReportHTMLCheck.figures(html)
        #expect(figures["counts.rows"]?.value == 36)
        #expect(figures["counts.kept"]?.value == 28)
        #expect(figures["counts.rejected"]?.value == 4)
        #expect(figures["counts.duplicates"]?.value == 1)
        #expect(figures["bar.counts.filtered"]?.value == 3)
        #expect(figures["reject.email_invalid"]?.value == 3)
        #expect(figures["reject.required_field_missing"]?.value == 1)
        #expect(figures["fill.customProperties.vip"]?.value == 14)
        #expect(figures["warning.birthdate.birthdate_invalid"]?.value == 2)
        #expect(figures["warning.phone.phone_invalid"]?.value == 1)
        #expect(html.contains("50.0%"), "fill rate of vip: 14 of 28")
        #expect(html.contains("in/&lt;x&gt;.csv:9"))
        #expect(html.contains("r•••@gmail") && !html.contains("radu.stan"))
        #expect(!html.contains("vasi@example.ro"))
        #expect(html.contains("pipelines/&lt;b&gt;shop&lt;/b&gt;.yaml"))
        #expect(html.contains("api.omnisend.com/v5 (https)"))
        #expect(html.contains("Not uploaded yet"))
        let shown = try RunReport(runDirectory: work.path, showEmails: true).html
        #expect(shown.contains("radu.stan@gmail"))
    }

    @Test func withoutWarningsFileTheManifestsCountsPerCodeAreShown() throws {
        let work = try Self.folder(
            counts: Self.counts(rows: 2, kept: 2, rejected: 0, duplicates: 0, filtered: 0), reasons: [:],
            warnings: ["country_code_unknown": 5])
        let html = try RunReport(runDirectory: work.path).html
        #expect(ReportHTMLCheck.figures(html)["warning.country_code_unknown"]?.value == 5)
        #expect(html.contains("No row was rejected."))
        #expect(html.contains("No fill rates were recorded"))
    }

    @Test func aMillionRowRunStaysUnder300KB() throws {
        var reasons: [String: Int] = [:]
        var lines: [String] = []
        for reason in 0..<60 { reasons["reason_\(reason)"] = 1000 + reason }
        for line in 0..<60_000 {
            lines.append(#"{"input":"exports/big.csv","line":\#(line + 2),"reason":"reason_\#(line % 60)","detail":"\#(String(repeating: "x", count: 300))","email":"someone\#(line)@example.com"}"#)
        }
        var fill: [String: Int] = [:]
        for field in 0..<500 { fill["customProperties.field\(field)"] = field * 1000 }
        let inputs = (0..<400).map { index in
            RunManifest.InputEntry(
                path: "exports/part-\(index).csv", bytes: 2_000_000, sha256: String(repeating: "b", count: 64), format: "csv",
                counts: RunCounts(), members: [])
        }
        let warningLines = (0..<20_000).map { #"{"input":"exports/big.csv","line":\#($0),"field":"f\#($0 % 300)","code":"invalid","email":"c@example.com"}"# }
        let work = try Self.folder(
            counts: Self.counts(rows: 1_000_000, kept: 900_000, rejected: 61_770, duplicates: 30_000, filtered: 8_230),
            reasons: reasons, fill: fill, inputs: inputs, rejectLines: lines, warningLines: warningLines)
        // A long upload too: ten hours of minutes.
        let store = try CheckpointStore(runDirectory: work.path)
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        for minute in 0..<600 { try store.count("requests", by: 300, at: start.addingTimeInterval(Double(minute) * 60)) }
        let html = try RunReport(runDirectory: work.path).html
        #expect(html.utf8.count < 300_000, "\(html.utf8.count) bytes")
        #expect(html.contains("and 40 more reasons"))
        #expect(html.contains("and 350 more inputs"))
        #expect(ReportHTMLCheck.figures(html)["counts.rows"]?.text == "1,000,000")
        #expect(html.components(separatedBy: "<rect class=\"col\"").count - 1 <= 60)
    }

    @Test func anUploadInProgressIsReadFromTheCheckpointWithoutChangingIt() throws {
        let work = try Self.folder(counts: Self.counts(rows: 30, kept: 30, rejected: 0, duplicates: 0, filtered: 0), reasons: [:])
        let store = try CheckpointStore(runDirectory: work.path)
        try store.seed(
            chunks: [
                RunManifestChunk(number: 1, file: "chunks/chunk-000001.json", sha256: "x", contacts: 20),
                RunManifestChunk(number: 2, file: "chunks/chunk-000002.json", sha256: "y", contacts: 10),
            ], manifestSHA256: "m")
        try store.markPosting(1, at: Date())
        try store.markPosted(1, batchID: "b1")
        try store.markDone(
            1, accepted: 18,
            failedItems: [
                FailedItem(chunk: 1, item: 3, responseCode: 400, response: #"{"error":"invalid email","fields":{"0":["email"]}}"#, retryable: false),
                FailedItem(chunk: 1, item: 7, responseCode: 400, response: #"{"error":"invalid email","fields":{"0":["email"]}}"#, retryable: false),
            ])
        try store.count("requests", by: 5)
        try store.count("rate_limited")
        let before = try Data(contentsOf: URL(fileURLWithPath: store.path))
        let html = try RunReport(runDirectory: work.path).html
        let figures = ReportHTMLCheck.figures(html)
        #expect(figures["upload.accepted"]?.value == 18)
        #expect(figures["upload.failed"]?.value == 2)
        #expect(figures["upload.notSent"]?.value == 10)
        #expect(figures["upload.requests"]?.value == 5)
        #expect(figures["upload.rateLimited"]?.value == 1)
        #expect(figures["failed.0"]?.value == 2)
        #expect(html.contains("invalid email (email)"))
        #expect(html.contains("read from the checkpoint"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.path)) == before)
        #expect(ReportHTMLCheck.problems(html).isEmpty)
    }

    @Test func aFinishedUploadShowsReportJSONAndItsTimeline() throws {
        let work = try Self.folder(counts: Self.counts(rows: 5, kept: 5, rejected: 0, duplicates: 0, filtered: 0), reasons: [:])
        let report = #"""
            {"accepted":4,"apiVersion":"v5","baseURL":"http://127.0.0.1:9/v5","chunks":1,"chunksDone":1,"chunksFailed":0,
            "chunksOpen":0,"contacts":5,"duplicates":0,"elapsedSeconds":130,"failed":1,"notSent":0,"outcome":"complete",
            "rateLimited":1,"reconciled":0,"rejected":0,"reposted":0,"requests":9,"retries":2,
            "timeline":{"allowancePerMinute":320,"minutes":[
            {"minute":"2026-12-03T15:00Z","requests":5,"rateLimited":1,"retries":1,"accepted":0},
            {"minute":"2026-12-03T15:02Z","requests":4,"rateLimited":0,"retries":1,"accepted":4}]}}
            """#
        _ = try work.write(RunFolderLayout.report, report)
        let html = try RunReport(runDirectory: work.path).html
        let figures = ReportHTMLCheck.figures(html)
        #expect(figures["upload.accepted"]?.value == 4)
        #expect(figures["upload.retries"]?.value == 2)
        #expect(figures["upload.requests"]?.value == 9)
        #expect(html.contains("uploaded, some contacts failed"))
        #expect(html.contains("127.0.0.1:9/v5 (http)"))
        #expect(html.components(separatedBy: "<rect class=\"col\"").count - 1 == 3, "three minutes, the gap filled")
        #expect(html.contains("class=\"limit\""))
        #expect(html.contains("m-429") && html.contains("m-retry"))
        #expect(ReportHTMLCheck.problems(html).isEmpty)
    }

    @Test func writeReplacesTheFileAtomically() throws {
        let work = try Self.folder(counts: Self.counts(rows: 1, kept: 1, rejected: 0, duplicates: 0, filtered: 0), reasons: [:])
        let path = try RunReport(runDirectory: work.path).write()
        #expect(path == work.path + "/report.html")
        #expect(FileManager.default.contents(atPath: path)?.isEmpty == false)
    }

    @Test func aFolderWithoutManifestIsAnError() throws {
        let work = try TemporaryDirectory(prefix: "report-empty")
        #expect(throws: ExportError.self) { try RunReport(runDirectory: work.path) }
    }
}
