import ExportCore
import Foundation
import Testing
@testable import ExportPipeline

/// `on_failure`, `keep_runs` and `destination.ca_file` in the pipeline, and the outcome settings
/// `upload` reads from a run folder's copy of the pipeline.
@Suite struct OutcomePolicyTests {
    private func problems(_ text: String, env: [String: String] = [:]) -> [String] {
        PipelineLoaderTests.problems(text, env: env)
    }

    @Test func readsOnFailureAndKeepRuns() throws {
        let p = try PipelineLoader.parse(
            text: "inputs: [a.csv]\nmapping: { email: Email }\non_failure: 'mail -s \"export failed\" ops@example.com < \"$1\"'\nkeep_runs: 7\n",
            path: "x.yaml", environment: [:])
        #expect(p.outcome == OutcomePolicy(onFailure: "mail -s \"export failed\" ops@example.com < \"$1\"", keepRuns: 7))
        let plain = try PipelineLoader.parse(text: "inputs: [a.csv]\nmapping: { email: Email }\n", path: "x.yaml", environment: [:])
        #expect(plain.outcome == OutcomePolicy())
    }

    @Test func refusesABadKeepRunsAnEmptyCommandAndAMisspeltKey() {
        let bad = problems("inputs: [a.csv]\nmapping: { email: Email }\nkeep_runs: 0\non_failure: '  '\n")
        #expect(bad.contains { $0.hasPrefix("p.yaml:3:12:") && $0.contains("keep_runs must be a whole number from 1 to 100000, not '0'") }, "\(bad)")
        #expect(bad.contains { $0.hasPrefix("p.yaml:4:13:") && $0.contains("on_failure is empty") }, "\(bad)")
        let typo = problems("inputs: [a.csv]\nmapping: { email: Email }\nkeep_run: 3\n")
        #expect(typo.contains { $0.contains("unknown key 'keep_run'") && $0.contains("keep_runs") }, "\(typo)")
    }

    @Test func caFileIsResolvedAgainstThePipelineFolderAndMustBeReadable() throws {
        let dir = try PipelineLoaderTests.Workdir()
        _ = try dir.write("pipelines/corp-ca.pem", "-----BEGIN CERTIFICATE-----\n")
        let path = try dir.write("pipelines/p.yaml", "inputs: [a.csv]\nmapping: { email: Email }\ndestination: { ca_file: corp-ca.pem }\n")
        let p = try PipelineLoader.load(path: path, environment: [:])
        #expect(p.destination.caFile == dir.root + "/pipelines/corp-ca.pem")
        let missing = problems("inputs: [a.csv]\nmapping: { email: Email }\ndestination:\n  ca_file: /nonexistent/ca.pem\n")
        #expect(missing.contains { $0.hasPrefix("p.yaml:4:12:") && $0.contains("cannot read the CA bundle '/nonexistent/ca.pem'") }, "\(missing)")
    }

    @Test func outcomeSettingsReadOnlyTheirKeysFromACopy() {
        // A copy whose mapping and inputs are gone still gives its name and policy.
        let text = "name: nightly\ninputs: [gone.csv]\nmapping: gone.yaml\non_failure: ${ALERT}\nkeep_runs: 3\n"
        let read = OutcomeSettings.read(text: text, path: "pipelines/x.yaml", environment: ["ALERT": "/bin/alert"])
        #expect(read == OutcomeSettings(name: "nightly", policy: OutcomePolicy(onFailure: "/bin/alert", keepRuns: 3)))
        let unnamed = OutcomeSettings.read(text: "keep_runs: 2\n", path: "pipelines/daily.yaml", environment: [:])
        #expect(unnamed.name == "daily" && unnamed.policy.keepRuns == 2 && unnamed.problems.isEmpty)
        let unset = OutcomeSettings.read(text: "on_failure: ${ALERT}\n", path: "x.yaml", environment: [:])
        #expect(unset.policy.onFailure == nil && unset.problems.count == 1 && unset.problems[0].hasPrefix("x.yaml:1:13:"), "\(unset.problems)")
    }
}
