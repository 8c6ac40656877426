import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite struct RunHistoryFileTests {
    private func entry(_ pipeline: String, _ run: String, outcome: String = "success") -> RunHistoryEntry {
        var counts = RunCounts()
        counts.rows = 10
        counts.kept = 7
        counts.rejected = 3
        return RunHistoryEntry(
            pipeline: pipeline, runDirectory: run, command: "run", startedAt: "2026-12-03T02:00:00Z",
            finishedAt: "2026-12-03T02:01:00Z", durationSeconds: 60, outcome: outcome, exitCode: 0,
            destination: "https://api.omnisend.com/v5", counts: counts, sent: 7, accepted: 7, failed: 0,
            inputs: [.init(path: "exports/a.csv", sha256: String(repeating: "a", count: 64))])
    }

    @Test func appendsOneLinePerRunAndReadsThemBackInOrder() throws {
        let dir = try TemporaryDirectory()
        let runs = dir.path + "/runs"
        try RunHistoryFile.append(entry("nightly", "nightly-1"), runsDirectory: runs)
        try RunHistoryFile.append(entry("other", "other-1"), runsDirectory: runs)
        try RunHistoryFile.append(entry("nightly", "nightly-2", outcome: "failed_items"), runsDirectory: runs)
        let all = RunHistoryFile.read(runsDirectory: runs)
        #expect(all.map(\.runDirectory) == ["nightly-1", "other-1", "nightly-2"])
        #expect(RunHistoryFile.read(runsDirectory: runs, pipeline: "nightly").map(\.outcome) == ["success", "failed_items"])
        #expect(all[0] == entry("nightly", "nightly-1"))
        let text = try String(contentsOfFile: RunHistoryFile.path(runsDirectory: runs), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3)
        var info = stat()
        stat(RunHistoryFile.path(runsDirectory: runs), &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func aLineCutShortByACrashIsSkipped() throws {
        let dir = try TemporaryDirectory()
        try RunHistoryFile.append(entry("nightly", "nightly-1"), runsDirectory: dir.path)
        let handle = try #require(FileHandle(forWritingAtPath: RunHistoryFile.path(runsDirectory: dir.path)))
        handle.seekToEndOfFile()
        handle.write(Data("{\"formatVersion\":1,\"pipel".utf8))
        try handle.close()
        try RunHistoryFile.append(entry("nightly", "nightly-2"), runsDirectory: dir.path)
        #expect(RunHistoryFile.read(runsDirectory: dir.path).map(\.runDirectory) == ["nightly-1", "nightly-2"])
    }

    @Test func noHistoryReadsAsEmpty() throws {
        let dir = try TemporaryDirectory()
        #expect(RunHistoryFile.read(runsDirectory: dir.path + "/missing").isEmpty)
    }
}
