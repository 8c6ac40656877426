import ExportContactRules
import ExportCore
import ExportFormats
import ExportPipeline

/// The working state of `PipelineCheck`: maps each sampled row as `prepare` would and tallies
/// what happened, building a `PipelineCheckReport`.
struct CheckSampler {
    let plan: MappingPlan
    /// The engine `prepare` runs, so that `check` maps every row as `prepare` will.
    let program: MappingProgram
    private var bound: BoundMapping?
    private var scratch = MappingProgram.Scratch()
    let previewCount: Int
    let fieldNames: [String]
    private let statusDateKey: String
    private var deduper = EmailDeduper()
    private let dedupe: DedupePolicy
    /// Every contact of the sample in read order, to pick what `prepare` keeps once all are seen.
    private var sampled: [Sampled] = []
    private var reasons: [String: PipelineCheckReport.Count] = [:]
    private var warnings: [String: PipelineCheckReport.Count] = [:]
    private var filled: [String: Int] = [:]
    var report: PipelineCheckReport

    init(pipeline: Pipeline, previewCount: Int, runDate: String) {
        plan = pipeline.mapping
        program = MappingProgram(plan: pipeline.mapping, apiVersion: pipeline.destination.apiVersion, runDate: runDate)
        self.previewCount = previewCount
        fieldNames = pipeline.mapping.optionalFieldNames(apiVersion: pipeline.destination.apiVersion)
        statusDateKey = pipeline.destination.apiVersion.statusDateKey
        report = PipelineCheckReport(pipeline: pipeline.path)
        dedupe = pipeline.dedupe
        report.consentWarnings = pipeline.mapping.consentWarnings()
    }

    /// A mapped contact of the sample.
    private struct Sampled {
        var origin: RecordOrigin
        var email: String
        var json: [UInt8]
        var dedupeDate: String?
    }

    /// Tallies one sampled row; returns the record for the sample checks, unless a `where` rule
    /// drops it (values of rows that are never sent cannot break the mapping).
    mutating func visit(_ outcome: ReadOutcome) -> Record? {
        report.rows += 1
        switch outcome {
        case .malformed(let rejection):
            count(&reasons, rejection.reason, rejection.origin, rejection.detail)
            return nil
        case .record(let record):
            if bound?.header !== record.header { bound = plan.bind(record.header) }
            switch program.map(record, bound: bound!, scratch: &scratch) {
            case .rejected(let reason, let detail, _):
                count(&reasons, reason, record.origin, detail)
            case .filtered:
                report.filtered += 1
                return nil
            case .contact(let contact):
                report.contacts += 1
                for warning in contact.warnings {
                    count(&warnings, warning.code, record.origin, "field \(warning.field) left out")
                }
                for field in presentFields(contact.json) { filled[field, default: 0] += 1 }
                if deduper.firstSeen(contact.email, row: report.contacts) != nil {
                    report.duplicates += 1
                }
                sampled.append(Sampled(
                    origin: record.origin, email: contact.email, json: contact.json, dedupeDate: contact.dedupeDate))
            }
            return record
        }
    }

    /// Records a problem found while checking.
    mutating func add(_ problems: [ConfigProblem]) { report.problems += problems }

    /// The finished report: counts ordered, problems in file order with repeats folded.
    func finish() -> PipelineCheckReport {
        var out = report
        let byCount = { (a: PipelineCheckReport.Count, b: PipelineCheckReport.Count) in
            a.count != b.count ? a.count > b.count : a.code < b.code
        }
        out.rejectReasons = reasons.values.sorted(by: byCount)
        out.warnings = warnings.values.sorted(by: byCount)
        out.fillRates = fieldNames.map { .init(field: $0, filled: filled[$0] ?? 0) }
        let kept = keptContacts()
        out.preview = kept.prefix(previewCount).map { .init(origin: $0.origin, json: $0.json) }
        out.consent = consentEffect(of: kept)
        out.problems = Self.folded(report.problems)
        out.mappingWarnings = Self.folded(report.mappingWarnings)
        return out
    }

    /// The sampled contacts `prepare` would keep, in read order: for each email the row the
    /// pipeline's dedupe policy picks (`first`, `last`, or `newest` by its date field).
    private func keptContacts() -> [Sampled] {
        var chooser = EmailDeduper(policy: dedupe, expectedCount: sampled.count)
        if dedupe == .first {
            return sampled.enumerated().filter { chooser.firstSeen($0.element.email, row: $0.offset) == nil }.map(\.element)
        }
        for (row, contact) in sampled.enumerated() { chooser.offer(contact.email, row: row, date: contact.dedupeDate) }
        return sampled.enumerated().filter { chooser.winner(of: $0.element.email) == $0.offset }.map(\.element)
    }

    /// How many of `contacts` get which status on which channel, and where its date comes from.
    private func consentEffect(of contacts: [Sampled]) -> [PipelineCheckReport.ConsentCount] {
        var counts: [PipelineCheckReport.ConsentCount] = []
        for contact in contacts {
            guard case .object(let item)? = try? contact.json.withUnsafeBytes({ try JSONValueParser.parse($0) }),
                case .array(let identifiers)? = item["identifiers"]
            else { continue }
            for case .object(let identifier) in identifiers {
                guard case .object(let channels)? = identifier["channels"] else { continue }
                for (name, value) in zip(channels.keys, channels.values) {
                    guard case .object(let channel) = value, case .string(let status)? = channel["status"] else { continue }
                    var date: String?
                    if case .string(let d)? = channel[statusDateKey] { date = d }
                    let source = plan.consentDateSource(channel: name, sentDate: date)
                    if let i = counts.firstIndex(where: { $0.channel == name && $0.status == status && $0.dateSource == source }) {
                        counts[i].count += 1
                    } else {
                        counts.append(.init(channel: name, status: status, dateSource: source, count: 1))
                    }
                }
            }
        }
        return counts.sorted { a, b in
            a.channel != b.channel ? a.channel == "email" : a.count != b.count ? a.count > b.count : (a.status, a.dateSource) < (b.status, b.dateSource)
        }
    }

    private func count(
        _ table: inout [String: PipelineCheckReport.Count], _ code: String, _ origin: RecordOrigin, _ detail: String
    ) {
        if table[code] == nil {
            table[code] = .init(code: code, count: 0, example: "\(origin): \(detail)")
        }
        table[code]!.count += 1
    }

    /// The optional fields (as `MappingPlan.optionalFieldNames` names them) present in a contact.
    private func presentFields(_ json: [UInt8]) -> [String] {
        guard case .object(let contact)? = try? json.withUnsafeBytes({ try JSONValueParser.parse($0) }) else { return [] }
        var names: [String] = []
        for (key, value) in zip(contact.keys, contact.values) {
            switch (key, value) {
            case ("identifiers", .array(let identifiers)):
                for case .object(let identifier) in identifiers {
                    if identifier["type"] == .string("phone") { names.append("phone") }
                    if identifier["type"] == .string("email"), case .object(let channels)? = identifier["channels"],
                        case .object(let email)? = channels["email"], let date = email[statusDateKey],
                        date != .string(ConsentPolicy.keepExistingDate)
                    {
                        names.append(statusDateKey)
                    }
                }
            case ("customProperties", .object(let properties)):
                names += properties.keys.map { "customProperties.\($0)" }
            case ("sendWelcomeMessage", _):
                break
            default:
                names.append(key)
            }
        }
        return names
    }

    /// Problems sorted by place; the same mapping problem found in several inputs is kept once,
    /// with a note of how many other inputs have it.
    static func folded(_ problems: [ConfigProblem]) -> [ConfigProblem] {
        struct Place: Hashable {
            var file: String
            var line: Int
            var column: Int
            var hint: String?
        }
        var order: [Place] = []
        var groups: [Place: [ConfigProblem]] = [:]
        for problem in problems {
            let place = Place(file: problem.file, line: problem.line, column: problem.column, hint: problem.hint)
            if groups[place] == nil { order.append(place) }
            groups[place, default: []].append(problem)
        }
        let merged = order.map { place -> ConfigProblem in
            let group = groups[place]!
            var first = group[0]
            let others = Set(group.map(\.message)).count - 1
            if others > 0 { first.message += " (and \(others) more input\(others == 1 ? "" : "s"))" }
            return first
        }
        return inFileOrder(merged)
    }

    /// `problems` sorted by file, line and column (stably).
    static func inFileOrder(_ problems: [ConfigProblem]) -> [ConfigProblem] {
        problems.enumerated().sorted { a, b in
            (a.element.file, a.element.line, a.element.column, a.offset)
                < (b.element.file, b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }
}
