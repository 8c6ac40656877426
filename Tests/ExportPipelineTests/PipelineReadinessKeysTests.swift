import ExportCore
import Foundation
import Testing

@testable import ExportPipeline

/// The pipeline keys of the prepare checks: `limits.max_reject_rate` / `min_kept`, the `inputs:`
/// mapping form with `ready_marker` / `min_age` / `max_wait` / `skip_unchanged`, and `members`.
@Suite struct PipelineReadinessKeysTests {
    private func load(_ text: String) throws -> Pipeline {
        try PipelineLoader.parse(text: "mapping: { email: E }\n" + text, path: "p.yaml", environment: [:])
    }

    private func problems(_ text: String) -> [String] {
        do {
            _ = try PipelineLoader.parse(text: "mapping: { email: E }\n" + text, path: "p.yaml", environment: [:])
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func limitsDefaultToMinKeptOneAndNoRate() throws {
        let pipeline = try load("inputs: [a.csv]\n")
        #expect(pipeline.runLimits == RunLimits(maxRejectRate: nil, minKept: 1))
        #expect(pipeline.readiness == InputReadiness())
    }

    @Test func runLimitsSitBesideTheInputLimits() throws {
        let pipeline = try load("limits: { max_reject_rate: 0.05, min_kept: 100, max_ratio: 50 }\n")
        #expect(pipeline.runLimits == RunLimits(maxRejectRate: 0.05, minKept: 100))
        #expect(pipeline.limits.maxCompressionRatio == 50)
        #expect(try load("limits: { max_reject_rate: 5% }\n").runLimits.maxRejectRate == 0.05)
    }

    @Test(arguments: [
        ("limits: { max_reject_rate: 1.5 }\n", "p.yaml:2:28: max_reject_rate must be a share from 0 to 1 (or a percentage), not '1.5'\n    hint: e.g. max_reject_rate: 0.05 stops a run that rejects more than 5% of its rows"),
        ("limits: { min_kept: -1 }\n", "p.yaml:2:21: min_kept must be a whole number from 0 to \(Int.max), not '-1'"),
        ("inputs: { files: [a.csv], min_age: soon }\n", "p.yaml:2:36: min_age must be a duration such as 30s, 5m or 2h, not 'soon'"),
        ("inputs: { files: [a.csv], ready_marker: done/_SUCCESS }\n", "p.yaml:2:41: ready_marker must be a file name, not 'done/_SUCCESS'\n    hint: the marker is looked for in the folder of each input, e.g. ready_marker: _SUCCESS"),
        ("inputs: { files: [a.csv], ready_markr: _SUCCESS }\n", "p.yaml:2:27: unknown key 'ready_markr' in inputs\n    hint: did you mean 'ready_marker'?"),
        ("inputs: [{ path: a.zip, members: { includ: ['*.csv'] } }]\n", "p.yaml:2:36: unknown key 'includ' in members\n    hint: did you mean 'include'?"),
        ("inputs: [{ path: a.csv, skip_unchanged: true }, b.csv]\n", "p.yaml:2:25: unknown key 'skip_unchanged' in an input\n    hint: known keys: path, format, csv, members"),
    ])
    func badKeysAreNamedWhereTheyAre(text: String, expected: String) {
        #expect(problems(text) == [expected])
    }

    @Test func theMappingFormHoldsTheInputsAndWhenTheyAreReady() throws {
        let pipeline = try load("""
            inputs:
              files:
                - exports/a.csv
                - { path: exports/b.zip, members: { include: ["*.csv"], exclude: [_*] } }
              ready_marker: _SUCCESS
              min_age: 5m
              max_wait: 2h
              skip_unchanged: true

            """)
        #expect(pipeline.inputs.map(\.pattern) == ["exports/a.csv", "exports/b.zip"])
        #expect(pipeline.inputs[1].members == MemberFilter(include: ["*.csv"], exclude: ["_*"]))
        #expect(pipeline.readiness == InputReadiness(readyMarker: "_SUCCESS", minAge: 300, maxWait: 7200, skipUnchanged: true))
    }

    @Test func aSingleInputMayCarryTheReadinessKeys() throws {
        let pipeline = try load("inputs: { path: a.csv, min_age: 90s }\n")
        #expect(pipeline.inputs.map(\.pattern) == ["a.csv"])
        #expect(pipeline.readiness.minAge == 90)
        #expect(pipeline.readiness.maxWait == InputReadiness.defaultMaxWait)
    }

    @Test func readinessWithoutFilesLeavesTheInputsToTheCommandLine() throws {
        let pipeline = try load("inputs: { ready_marker: _SUCCESS, min_age: 5m }\n")
        #expect(pipeline.inputs.isEmpty)
        #expect(pipeline.readiness.readyMarker == "_SUCCESS" && pipeline.readiness.minAge == 300)
    }

    @Test(arguments: [
        ("90", 90.0), ("90s", 90), ("500ms", 0.5), ("5m", 300), ("2h", 7200), ("1d", 86400), (" 1.5m ", 90),
    ])
    func durations(text: String, seconds: Double) {
        #expect(InputReadiness.seconds(text) == seconds)
    }

    @Test func notDurations() {
        for text in ["", "m", "-5m", "5 minutes", "soon", "5x"] { #expect(InputReadiness.seconds(text) == nil, "\(text)") }
    }
}

/// YAML syntax errors named where the broken construct starts; tabs named as tabs.
@Suite struct YAMLErrorMarkTests {
    private func problems(_ text: String) -> [String] {
        do {
            _ = try PipelineLoader.parse(text: text, path: "p.yaml", environment: [:])
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func anUnclosedBraceIsReportedOnItsOwnLine() {
        var lines = (1...22).map { "# line \($0)" }
        lines.append("destination: { api_version: v5,")  // line 23
        lines.append("runs_dir: runs")
        lines.append("mapping: { email: E }")
        let found = problems(lines.joined(separator: "\n") + "\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("p.yaml:23:14: not valid YAML: while parsing a flow mapping") == true, "\(found)")
        #expect(found.first?.contains("(noticed at line 2") == true)
    }

    @Test func aTabUsedForIndentationIsNamedAsATab() {
        let found = problems("mapping:\n\temail: E\n")
        #expect(found == ["p.yaml:2:1: not valid YAML: a tab is used for indentation\n    hint: YAML indents with spaces only; replace the tab with spaces"])
    }

    @Test func aTabAfterSpacesIsFoundToo() {
        let found = problems("mapping:\n  email: E\n  \tfirst_name: F\n")
        #expect(found.first?.hasPrefix("p.yaml:3:3: not valid YAML: a tab is used for indentation") == true, "\(found)")
    }
}
