import ExportContactRules
import ExportCore
import ExportFormats
import ExportPipeline
import ExportSources
import Foundation

/// The `check` stage: validates a pipeline and its mapping against the inputs' real headers and
/// a sample of their rows, and shows what the sample maps to. It writes nothing and sends nothing.
///
/// Every problem is collected, none stops the check: the pipeline's and mapping's own problems
/// (from `PipelineLoader`; the inputs are then not read), inputs that are missing or unusable,
/// columns a header lacks (`MappingPlan.check(header:file:)`, for a CSV input its header row, for
/// NDJSON the keys seen in the sample) and what the sample reveals (`MappingPlan.checkSample`).
/// Each input is opened as `prepare` opens it (format sniffing, bundles, gzip, encodings).
public struct PipelineCheck: Sendable {
    /// The pipeline file.
    public var pipelinePath: String
    /// Rows read from the start of each input (each file, or each member of a bundle).
    public var sampleSize: Int
    /// How many contacts the report previews.
    public var previewCount: Int
    /// The date the mapping's `run_date` source sees (`YYYY-MM-DD`).
    public var runDate: String
    /// The process environment, for `${ENV}` references in the pipeline.
    public var environment: [String: String]

    /// Creates a check; `runDate` defaults to today (UTC).
    public init(
        pipelinePath: String, sampleSize: Int = 1000, previewCount: Int = 3, runDate: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.pipelinePath = pipelinePath
        self.sampleSize = max(1, sampleSize)
        self.previewCount = max(0, previewCount)
        self.runDate = runDate ?? Self.today()
        self.environment = environment
    }

    /// Runs the check. Problems are in the report, never thrown.
    public func run() -> PipelineCheckReport {
        let pipeline: Pipeline
        do {
            pipeline = try PipelineLoader.load(path: pipelinePath, environment: environment)
        } catch {
            var report = PipelineCheckReport(pipeline: pipelinePath)
            report.problems = CheckSampler.inFileOrder(error.problems)
            return report
        }
        var sampler = CheckSampler(pipeline: pipeline, previewCount: previewCount, runDate: runDate)
        if pipeline.inputs.isEmpty {
            sampler.add([ConfigProblem(
                file: pipeline.path, line: 0, column: 0, message: "the pipeline names no inputs, so nothing was checked against data",
                hint: "add inputs: (prepare --input can replace them, check needs them)")])
        }
        let budget = DecompressionBudget()
        for spec in pipeline.inputs {
            let paths: [String]
            do {
                paths = try InputResolver.expand(spec.resolvedPattern)
            } catch {
                sampler.add([inputProblem(error, pipeline: pipeline, spec: spec)])
                continue
            }
            for path in paths {
                let input = ResolvedInput(path: path, format: spec.format, csv: spec.csv, members: spec.members)
                do {
                    try sample(input, pipeline: pipeline, budget: budget, into: &sampler)
                } catch {
                    sampler.add([inputProblem(error, pipeline: pipeline, spec: spec)])
                }
            }
        }
        return sampler.finish()
    }

    /// Samples every logical input of one file: its header, then up to `sampleSize` rows.
    private func sample(
        _ input: ResolvedInput, pipeline: Pipeline, budget: DecompressionBudget, into sampler: inout CheckSampler
    ) throws {
        let file = LexicalPath.normalize(input.path)
        var notes: [String] = []
        _ = try InputWalker.walk(
            path: input.path, displayName: file, forced: input.format,
            limits: DecompressionLimits(pipeline.limits), budget: budget, warn: { notes.append($0) },
            members: input.members, skipped: { member, reason in notes.append("\(file):\(member): skipped member: \(reason)") }
        ) { logical, source in
            let name = logical.member.map { "\(file):\($0)" } ?? file
            var reader = LogicalInputReader(source: source, logical: logical, input: input, file: file, limits: pipeline.limits)
            var header = try reader.readHeader()
            var records: [Record] = []
            var rows = 0
            while rows < sampleSize, let outcome = try reader.next() {
                rows += 1
                if let record = sampler.visit(outcome) { records.append(record) }
            }
            let complete = try rows < sampleSize || reader.next() == nil
            var missing: [ConfigProblem] = []
            if header == nil && logical.format == .ndjson {
                var keys: [String] = []
                var seen = Set<String>()
                var presence = ColumnPresence(pipeline.mapping)
                for record in records {
                    presence.observe(record)
                    for key in record.header.names where seen.insert(key).inserted { keys.append(key) }
                }
                header = Header(keys)
                // NDJSON rows each name their keys: a key (or nested path) the sample lacks may
                // still come later, so it is a warning; prepare fails if no row of the run has it.
                if !records.isEmpty {
                    missing = presence.problems("none of the \(records.count) sampled row\(records.count == 1 ? "" : "s") of \(name)")
                    sampler.report.mappingWarnings += missing.map {
                        var warning = $0
                        warning.hint = ($0.hint.map { $0 + "; " } ?? "") + "prepare stops (exit 65) if no row of the run has it"
                        return warning
                    }
                }
                sampler.add(header.map { dedupeProblems($0, pipeline, name) } ?? [])
            } else {
                missing = header.map { pipeline.mapping.check(header: $0, file: name) } ?? []
                sampler.add(missing + (header.map { dedupeProblems($0, pipeline, name) } ?? []))
            }
            // A column the header lacks is empty in every row too; say it once.
            let missingLines = Set(missing.map(\.line))
            sampler.add(pipeline.mapping.checkSample(records, file: name).compactMap { problem in
                if missingLines.contains(problem.line) && problem.message.contains(" is empty in all ") { return nil }
                var p = problem
                p.message += " (sample of \(name))"
                return p
            })
            sampler.report.inputs.append(.init(
                name: name, format: logical.format.rawValue, rows: rows, columns: header?.names.count ?? 0,
                complete: complete))
        }
        sampler.report.notes += notes
    }

    /// The `dedupe: { keep: newest, field: … }` column, when `header` lacks it.
    private func dedupeProblems(_ header: Header, _ pipeline: Pipeline, _ name: String) -> [ConfigProblem] {
        guard case .newest(let field) = pipeline.dedupe else { return [] }
        let top = field.split(separator: ".", maxSplits: 1).first.map(String.init) ?? field
        if header.index(of: field) != nil || header.index(of: top) != nil { return [] }
        let location = pipeline.dedupeFieldLocation
        return [ConfigProblem(
            file: pipeline.path, line: location?.line ?? 0, column: location?.column ?? 0,
            message: "dedupe field '\(field)' is not in the header of \(name)",
            hint: "name the column that holds each row's date; the header has: \(header.names.prefix(20).joined(separator: ", "))")]
    }

    /// An input that cannot be read, as a problem: located in the input when the error says where,
    /// else in the pipeline.
    private func inputProblem(_ error: any Error, pipeline: Pipeline, spec: InputSpec) -> ConfigProblem {
        let pattern = spec.pattern
        guard let error = error as? ExportError else {
            return ConfigProblem(
                file: pipeline.path, line: spec.location?.line ?? 0, column: spec.location?.column ?? 0,
                message: "input '\(pattern)': \(error)")
        }
        if let origin = error.origin {
            return ConfigProblem(
                file: origin.inputName, line: origin.line, column: 0, message: error.explanation,
                hint: "prepare would stop here too")
        }
        var message = error.explanation
        if message.hasPrefix("input ") { message.removeFirst("input ".count) }
        let resolved = LexicalPath.normalize(error.path ?? pattern)
        let looked = resolved == pattern ? "" : " (looked for \(resolved))"
        return ConfigProblem(
            file: pipeline.path, line: spec.location?.line ?? 0, column: spec.location?.column ?? 0, message: "input '\(pattern)': \(message)\(looked)",
            hint: error.code == .noInput
                ? "paths in inputs: are relative to the pipeline file's folder" : "prepare would stop here too")
    }

    private static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
