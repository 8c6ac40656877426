import ExportCore
import ExportPrepare
import ExportTestSupport
import Foundation
import Testing

/// Bad input gets a clear error or a reject, never a crash, and never a manifest that lies.
@Suite struct BadInputTests {
    let header = "Email,FirstName,Segment\n"

    func expectError(_ f: PrepareFixture, code: ExportError.Code, mentions: String) {
        do {
            _ = try f.prepare()
            Issue.record("expected an error")
        } catch let error as ExportError {
            #expect(error.code == code)
            #expect(error.description.contains(mentions), "\(error.description)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.root + "/run/manifest.json"))
    }

    @Test func emptyFileIsAClearError() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", "")
        try f.pipeline(inputs: ["in.csv"])
        expectError(f, code: .corruptInput, mentions: "in.csv")
    }

    @Test func headerOnlyGivesAnEmptyRunWhenMinKeptAllowsIt() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header)
        // The default limits.min_kept: 1 stops such a run (RunChecksTests); 0 lets it through.
        try f.pipeline(inputs: ["in.csv"], extra: "limits: { min_kept: 0 }")
        let result = try f.prepare()
        #expect(result.manifest.counts.rows == 0)
        #expect(result.manifest.chunks.isEmpty)
    }

    @Test func missingEmailColumnRejectsEveryRowWithAReason() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", "Mail,FirstName,Segment\na@example.com,A,S\n")
        try f.pipeline(inputs: ["in.csv"])
        do {
            let result = try f.prepare()
            #expect(result.manifest.counts.kept == 0)
            #expect(result.manifest.counts.rejected == 1)
        } catch let error as ExportError {
            #expect(error.description.contains("Email"))
        }
    }

    @Test func raggedRowsAreRejectedWithTheirLine() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header + "a@example.com,A\nb@example.com,B,S,extra\nc@example.com,C,S\n")
        try f.pipeline(inputs: ["in.csv"])
        let result = try f.prepare()
        #expect(result.manifest.counts.kept == 1)
        #expect(f.objects("rejects.ndjson").map { $0["line"] as? Int } == [2, 3])
        #expect(f.objects("rejects.ndjson").allSatisfy { $0["reason"] as? String == "field_count" })
    }

    @Test func unterminatedQuoteNamesTheLineWhereItOpened() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header + "a@example.com,A,S\nb@example.com,\"B is open,S\nmore\n")
        try f.pipeline(inputs: ["in.csv"])
        expectError(f, code: .corruptInput, mentions: ":3")
    }

    @Test func truncatedGzipIsAnErrorNamingTheFile() throws {
        let f = try PrepareFixture()
        var ndjson = ""
        for n in 0..<2000 { ndjson += "{\"Email\":\"u\(n)@example.com\",\"FirstName\":\"N\(n)\",\"Segment\":\"S\"}\n" }
        let gz = try gzip(Array(ndjson.utf8))
        try f.directory.write("in.ndjson.gz", Array(gz.prefix(gz.count / 2)))
        try f.pipeline(inputs: ["in.ndjson.gz"])
        expectError(f, code: .corruptInput, mentions: "in.ndjson.gz")
    }

    @Test func invalidUTF8RejectsOnlyThatRow() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", Array((header + "a@example.com,A,S\n").utf8) + Array("b@example.com,".utf8) + [0xC3, 0x28] + Array(",S\nc@example.com,C,S\n".utf8))
        try f.pipeline(inputs: ["in.csv"])
        let result = try f.prepare()
        #expect(result.manifest.counts.kept == 2)
        #expect(f.objects("rejects.ndjson").first?["reason"] as? String == "invalid_utf8")
        #expect(f.objects("rejects.ndjson").first?["line"] as? Int == 3)
    }

    @Test func tenMegabyteFieldIsRejectedAndTheRunGoesOn() throws {
        let f = try PrepareFixture()
        let big = String(repeating: "x", count: 10 << 20)
        try f.directory.write("in.csv", header + "a@example.com,\(big),S\nb@example.com,B,S\n")
        try f.pipeline(inputs: ["in.csv"])
        let result = try f.prepare()
        #expect(result.manifest.counts.kept == 1)
        #expect(f.objects("rejects.ndjson").first?["reason"] as? String == "field_too_large")
        #expect(f.objects("rejects.ndjson").first?["line"] as? Int == 2)
    }

    @Test func zipEntryThatClimbsOutIsSkippedAndNothingIsWritten() throws {
        let f = try PrepareFixture()
        let zip = try makeZip(in: f.directory, entries: [
            ("../../etc/passwd", "Email,FirstName,Segment\nroot@example.com,Root,S\n"),
            ("part-1.csv", "Email,FirstName,Segment\nok@example.com,Ok,S\n"),
        ])
        try f.pipeline(inputs: [zip])
        var warnings: [String] = []
        let result = try PrepareJob(
            pipelinePath: f.root + "/pipeline.yaml", outputDirectory: f.root + "/run", runDate: "2026-11-29"
        ).run(log: { warnings.append($0) })
        #expect(try f.emails() == ["ok@example.com"])
        #expect(warnings.contains { $0.contains("../../etc/passwd") })
        #expect(result.manifest.inputs.first?.members.map(\.name) == ["part-1.csv"])
        #expect(!FileManager.default.fileExists(atPath: f.root + "/../etc/passwd"))
    }

    @Test func missingInputIsNoInput() throws {
        let f = try PrepareFixture()
        try f.pipeline(inputs: ["nope.csv"])
        expectError(f, code: .noInput, mentions: "nope.csv")
    }

    @Test func invalidPipelineIsAConfigErrorWithLineAndColumn() throws {
        let f = try PrepareFixture()
        try f.directory.write("pipeline.yaml", "version: 1\ninputz: [a.csv]\nmapping: mapping.yaml\n")
        expectError(f, code: .config, mentions: "pipeline.yaml:2:1")
    }
}

/// Gzips bytes with the system's gzip (a real, independent producer).
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let dir = try TemporaryDirectory(prefix: "gz")
    let path = try dir.write("data", bytes)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", path]
    try process.run()
    process.waitUntilExit()
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
}

/// Writes a zip with the given entries (names are written as given, `..` included) using
/// Python's zipfile, an independent producer, and returns its path relative to the fixture.
func makeZip(in dir: TemporaryDirectory, entries: [(String, String)]) throws -> String {
    let spec = try JSONSerialization.data(withJSONObject: entries.map { [$0.0, $0.1] })
    try dir.write("entries.json", [UInt8](spec))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", """
        import json, sys, zipfile
        entries = json.load(open(sys.argv[1]))
        with zipfile.ZipFile(sys.argv[2], "w") as z:
            for name, text in entries:
                z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), text)
        """, dir.path + "/entries.json", dir.path + "/bundle.zip"]
    try process.run()
    process.waitUntilExit()
    return "bundle.zip"
}

@Suite struct DamagedInputAccountingTests {
    @Test func rowsReadBeforeTheDamageAreAccountedFor() throws {
        let f = try PrepareFixture()
        var ndjson = ""
        for n in 0..<20000 { ndjson += "{\"Email\":\"u\(n)@example.com\",\"FirstName\":\"N\(n)\",\"Segment\":\"S\"}\n" }
        let gz = try gzip(Array(ndjson.utf8))
        try f.directory.write("in.ndjson.gz", Array(gz.prefix(gz.count / 2)))
        try f.pipeline(inputs: ["in.ndjson.gz"])
        var lines: [String] = []
        #expect(throws: ExportError.self) {
            try PrepareJob(pipelinePath: f.root + "/pipeline.yaml", outputDirectory: f.root + "/run", runDate: "2026-11-29")
                .run(log: { lines.append($0) })
        }
        let summary = try #require(lines.first { $0.hasPrefix("before stopping: rows ") })
        #expect(summary.contains("no manifest was written"))
        #expect(!FileManager.default.fileExists(atPath: f.root + "/run/manifest.json"))
    }
}
