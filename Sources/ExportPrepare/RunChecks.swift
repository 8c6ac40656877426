import ExportCore
import ExportPipeline
import ExportRunFolder
import ExportSources

/// The checks that stop a `prepare` before it wastes work or hands on a run that should not be
/// uploaded: a mapped column no CSV header has (before the run folder is made), a mapped key no
/// row had (before the manifest), and the pipeline's run limits (before the manifest).
enum RunChecks {
    /// Reads the header of every CSV input (each CSV member of a bundle too) and fails when the
    /// mapping reads a column that none of them has, at the column's place in the mapping
    /// (`MappingPlan.check(headers:)`, built on the check `check` runs per input). Skipped when an
    /// input is NDJSON (its keys are only known from its rows: `requireMappedKeys` covers them).
    static func requireColumns(_ pipeline: Pipeline, inputs: [ResolvedInput]) throws {
        var headers: [(file: String, header: Header)] = []
        var sawNDJSON = false
        let budget = DecompressionBudget()
        for input in inputs {
            let file = LexicalPath.normalize(input.path)
            _ = try InputWalker.walk(
                path: input.path, displayName: file, forced: input.format,
                limits: DecompressionLimits(pipeline.limits), budget: budget, warn: { _ in }, members: input.members
            ) { logical, source in
                guard logical.format == .csv else {
                    sawNDJSON = true
                    return
                }
                var reader = LogicalInputReader(
                    source: source, logical: logical, input: input, file: file, limits: pipeline.limits)
                if let header = try reader.readHeader() {
                    headers.append((logical.member.map { "\(file):\($0)" } ?? file, header))
                }
            }
        }
        guard !sawNDJSON else { return }
        let problems = pipeline.mapping.check(headers: headers)
        guard !problems.isEmpty else { return }
        throw ExportError(
            .columnMissing,
            "the mapping reads \(problems.count == 1 ? "a column" : "columns") that no input has; nothing was written\n"
                + problems.map(\.description).joined(separator: "\n"))
    }

    /// Fails when the mapping reads a key that no row of the run had (a misspelt NDJSON key or
    /// nested path), at its place in the mapping. A run without rows is left to `min_kept`.
    static func requireMappedKeys(_ presence: ColumnPresence, counts: RunCounts, runDirectory: String) throws {
        guard counts.rows > 0, !presence.isComplete else { return }
        let problems = presence.problems("no row of the run (\(counts.rows) row\(counts.rows == 1 ? "" : "s") read)")
        throw ExportError(
            .columnMissing,
            "the mapping reads \(problems.count == 1 ? "a key" : "keys") that no row had; no manifest was written, "
                + "so this run folder cannot be uploaded\n" + problems.map(\.description).joined(separator: "\n"),
            path: runDirectory)
    }

    /// Fails with `.runLimit` (exit 5) when the run kept fewer contacts than `limits.min_kept` or
    /// rejected a larger share than `limits.max_reject_rate` (rejected ÷ (rows − filtered)),
    /// with a summary of the reject reasons.
    static func requireLimits(
        _ limits: RunLimits, counts: RunCounts, rejectReasons: [String: Int], runDirectory: String
    ) throws {
        var broken: [String] = []
        if counts.kept < limits.minKept {
            broken.append(
                "kept \(counts.kept) contact\(counts.kept == 1 ? "" : "s") of \(counts.rows) row\(counts.rows == 1 ? "" : "s") read, "
                    + "fewer than limits.min_kept: \(limits.minKept)")
        }
        let considered = counts.rows - counts.filtered
        if let maxRate = limits.maxRejectRate, considered > 0 {
            let rate = Double(counts.rejected) / Double(considered)
            if rate > maxRate {
                broken.append(
                    "rejected \(counts.rejected) of \(considered) rows (\(percent(rate))), over limits.max_reject_rate: \(maxRate) (\(percent(maxRate)))")
            }
        }
        guard !broken.isEmpty else { return }
        var message = "the run is past the pipeline's limits: " + broken.joined(separator: "; ")
        if !rejectReasons.isEmpty {
            let reasons = rejectReasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            message += "\nrejected by reason: " + reasons.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            message += "\nsee \(runDirectory)/\(RunFolderLayout.rejects) (one line per rejected row)"
        }
        message += "\nno manifest was written, so this run folder cannot be uploaded; fix the inputs or the mapping and run again"
        throw ExportError(.runLimit, message, path: runDirectory)
    }

    private static func percent(_ rate: Double) -> String {
        let value = rate * 100
        return value == value.rounded() ? "\(Int(value))%" : "\((value * 10).rounded() / 10)%"
    }
}
