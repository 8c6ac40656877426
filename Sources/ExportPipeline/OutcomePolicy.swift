import Foundation
import Yams

/// What happens after a `run` or `upload` ends: the pipeline's `on_failure` command and
/// `keep_runs` pruning. Read from the pipeline by `PipelineLoader`, and by `upload` from the run
/// folder's copy of it (`pipeline.yaml`), so both commands follow the same file.
public struct OutcomePolicy: Sendable, Equatable {
    /// A shell command (run with `/bin/sh -c`) after a run that did not end with exit 0; it gets
    /// the summary JSON's path as `$1` and in `OMNISEND_EXPORT_SUMMARY`.
    public var onFailure: String?
    /// After a successful run, keep this many run folders of the pipeline (this one included)
    /// and delete older ones whose upload is finished.
    public var keepRuns: Int?

    /// No command, no pruning.
    public init(onFailure: String? = nil, keepRuns: Int? = nil) {
        self.onFailure = onFailure
        self.keepRuns = keepRuns
    }

    /// The top-level pipeline keys this type reads.
    static let keys = ["on_failure", "keep_runs"]

    /// Reads one of `keys` into the policy, reporting a bad value at its line.
    mutating func read(key: String, value: Node, reader: inout ConfigReader) {
        if key == "on_failure" {
            guard let command = reader.string(value, what: "on_failure") else { return }
            if command.trimmingCharacters(in: .whitespaces).isEmpty {
                reader.report(value, "on_failure is empty", hint: "e.g. on_failure: /usr/local/bin/alert-ops \"$1\"")
            } else {
                onFailure = command
            }
        } else {
            keepRuns = reader.int(value, what: "keep_runs", range: 1...100_000)
        }
    }
}

/// The pipeline's name and outcome policy, read from a pipeline file without loading its mapping
/// or inputs (for `upload RUN_DIR`, which has only the run folder's copy of the pipeline).
public struct OutcomeSettings: Sendable, Equatable {
    /// The pipeline's `name:`, else the file name without `.yaml`.
    public var name: String
    /// Its `on_failure` and `keep_runs`.
    public var policy: OutcomePolicy
    /// Problems reading these keys (an unset `${VAR}`, a bad number), as `file:line:col: message`.
    public var problems: [String]

    /// Creates settings.
    public init(name: String, policy: OutcomePolicy = OutcomePolicy(), problems: [String] = []) {
        self.name = name
        self.policy = policy
        self.problems = problems
    }

    /// Reads `text` (a pipeline file); `path` names the original file, for the default name.
    public static func read(text: String, path: String, environment: [String: String]) -> OutcomeSettings {
        var reader = ConfigReader(file: path, environment: environment)
        var settings = OutcomeSettings(name: PipelineLoader.defaultName(path), policy: OutcomePolicy(), problems: [])
        if let root = reader.compose(text), let entries = reader.entries(root, allowed: [], what: "the pipeline") {
            for entry in entries {
                if entry.key == "name", let name = reader.string(entry.value, what: "name"), !name.isEmpty {
                    settings.name = name
                } else if OutcomePolicy.keys.contains(entry.key) {
                    settings.policy.read(key: entry.key, value: entry.value, reader: &reader)
                }
            }
        }
        settings.problems = reader.problems.map(\.description)
        return settings
    }
}
