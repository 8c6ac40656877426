import ExportChunks
import ExportCore
import ExportPipeline
import ExportTestSupport
import Foundation
import Testing

@testable import ExportPrepare

/// `inputs: { ready_marker, min_age, max_wait, skip_unchanged }`: waiting for inputs, and not
/// preparing the same inputs twice.
@Suite struct InputReadinessTests {
    let header = "Email,FirstName,Segment\n"

    /// A clock that moves only when the gate sleeps.
    final class FakeClock: @unchecked Sendable {
        var now = Date(timeIntervalSince1970: 2_000_000_000)
        var slept: [Double] = []
        var onSleep: (() -> Void)?
        func sleep(_ seconds: Double) {
            slept.append(seconds)
            now = now.addingTimeInterval(seconds)
            onSleep?()
        }
    }

    private func gate(_ readiness: InputReadiness, _ patterns: [String], _ clock: FakeClock) -> InputGate {
        var gate = InputGate(readiness: readiness, patterns: patterns)
        gate.sleep = { clock.sleep($0) }
        gate.now = { clock.now }
        return gate
    }

    @Test func nothingToWaitForReturnsAtOnce() throws {
        let clock = FakeClock()
        try gate(InputReadiness(), ["/nonexistent/in.csv"], clock).waitUntilReady(log: { _ in })
        #expect(clock.slept.isEmpty)
    }

    @Test func aMissingMarkerWaitsUpToMaxWaitThenGivesUp() throws {
        let dir = try TemporaryDirectory(prefix: "gate")
        try dir.write("exports/in.csv", header)
        let clock = FakeClock()
        var lines: [String] = []
        let readiness = InputReadiness(readyMarker: "_SUCCESS", maxWait: 60)
        #expect {
            try gate(readiness, [dir.path + "/exports/*.csv"], clock).waitUntilReady(log: { lines.append($0) })
        } throws: { error in
            guard let error = error as? ExportError else { return false }
            return error.code == .notReady && error.message.contains("no ready_marker '_SUCCESS' in \(dir.path)/exports/")
                && error.message.contains("after waiting 1m (inputs.max_wait)")
        }
        #expect(clock.slept.reduce(0, +) == 60)
        #expect(clock.slept.allSatisfy { $0 <= 3 })
        #expect(lines.count == 1 && lines[0].hasPrefix("waiting for the inputs (up to inputs.max_wait 1m): no ready_marker"))
    }

    @Test func theMarkerAppearingEndsTheWait() throws {
        let dir = try TemporaryDirectory(prefix: "gate")
        try dir.write("in.csv", header)
        let clock = FakeClock()
        clock.onSleep = { if clock.slept.count == 3 { _ = try? dir.write("_SUCCESS", "") } }
        var lines: [String] = []
        try gate(InputReadiness(readyMarker: "_SUCCESS", maxWait: 600), [dir.path + "/in.csv"], clock)
            .waitUntilReady(log: { lines.append($0) })
        #expect(clock.slept.count == 3)
        #expect(lines.last?.hasPrefix("inputs ready after") == true)
    }

    @Test func aFreshInputWaitsForMinAge() throws {
        let dir = try TemporaryDirectory(prefix: "gate")
        let path = try dir.write("in.csv", header)
        let written = try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        let clock = FakeClock()
        clock.now = written.addingTimeInterval(10)
        let g = gate(InputReadiness(minAge: 300, maxWait: 3600), [path], clock)
        #expect(g.unmetConditions().first?.contains("changed 10s ago (inputs.min_age 5m)") == true)
        try g.waitUntilReady(log: { _ in })
        #expect(clock.now.timeIntervalSince(written) >= 300)
        #expect(clock.now.timeIntervalSince(written) < 300 + 5.01)
    }

    @Test func minAgeWaitsForAFileThatDoesNotExistYet() throws {
        let dir = try TemporaryDirectory(prefix: "gate")
        let g = gate(InputReadiness(minAge: 1), [dir.path + "/*.csv"], FakeClock())
        #expect(g.unmetConditions() == ["no file matches \(dir.path)/*.csv yet"])
    }

    @Test func prepareWaitsForTheMarkerBeforeWritingAnything() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header + "ana@example.ro,Ana,VIP\n")
        try f.directory.write("pipeline.yaml", """
            version: 1
            inputs: { files: [in.csv], ready_marker: _SUCCESS, max_wait: 0.2s }
            mapping: mapping.yaml
            consent: { resubscribe: allow }

            """)
        #expect(throws: ExportError.self) { _ = try f.prepare() }
        #expect(!FileManager.default.fileExists(atPath: f.root + "/run"))
        try f.directory.write("_SUCCESS", "")
        #expect(try f.prepare().manifest.counts.kept == 1)
    }

    @Test func unchangedInputsAfterASuccessAreNothingNew() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header + "ana@example.ro,Ana,VIP\n")
        try f.directory.write("pipeline.yaml", """
            version: 1
            name: test
            inputs: { files: [in.csv], skip_unchanged: true }
            mapping: mapping.yaml
            consent: { resubscribe: allow }

            """)
        let first = try f.prepare(out: "runs/first")
        // No success in the history yet: a second prepare runs.
        _ = try f.prepare(out: "runs/second")
        try RunHistoryFile.append(
            RunHistoryEntry(
                pipeline: "test", runDirectory: "first", command: "run", startedAt: "2026-12-03T02:00:00Z",
                finishedAt: "2026-12-03T02:01:00Z", durationSeconds: 60, outcome: "success", exitCode: 0,
                inputs: first.manifest.inputs.map { .init(path: $0.path, sha256: $0.sha256) }),
            runsDirectory: f.root + "/runs")
        #expect {
            _ = try f.prepare(out: "runs/third")
        } throws: { error in
            (error as? NothingNew)?.description.hasPrefix("nothing new: the input file has the same sha256") == true
        }
        #expect(!FileManager.default.fileExists(atPath: f.root + "/runs/third"))
        #expect(RunHistoryFile.read(runsDirectory: f.root + "/runs").count == 1)
        // A changed input runs again.
        try f.directory.write("in.csv", header + "ana@example.ro,Ana,VIP\nbob@example.com,Bob,VIP\n")
        #expect(try f.prepare(out: "runs/fourth").manifest.counts.kept == 2)
    }

    @Test func anotherOutcomeThanSuccessDoesNotCount() throws {
        let f = try PrepareFixture()
        let path = try f.directory.write("in.csv", header + "ana@example.ro,Ana,VIP\n")
        try f.directory.write("pipeline.yaml", """
            version: 1
            name: test
            inputs: { path: in.csv, skip_unchanged: true }
            mapping: mapping.yaml
            consent: { resubscribe: allow }

            """)
        let sha = try FileHasher.fingerprint(path).sha256
        try RunHistoryFile.append(
            RunHistoryEntry(
                pipeline: "test", runDirectory: "x", command: "run", startedAt: "", finishedAt: "", durationSeconds: 0,
                outcome: "failed_items", exitCode: 2, inputs: [.init(path: path, sha256: sha)]),
            runsDirectory: f.root + "/runs")
        #expect(try f.prepare(out: "runs/next").manifest.counts.kept == 1)
    }
}
