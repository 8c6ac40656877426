import ExportCore
import ExportUpload
import Foundation

/// The view of `report.html` for the template: bounded lists, formatted text, chart geometry.
/// Its values are read through `Mirror` by the Mustache template (`ReportTemplates.run`).
struct ReportPage {
    struct Reason {
        var code: String
        var figure: ReportFigure
        var percent: String
        var examples: [RejectSamples.Example]
    }

    struct Warning {
        var field: String
        var code: String
        var figure: ReportFigure
        var firstSeen: String
    }

    struct Fill {
        var field: String
        var figure: ReportFigure
        var percent: String
        /// The bar's width in percent of the cell.
        var width: String
    }

    struct Input {
        var path: String
        var format: String
        var size: String
        var sha256: String
        var rows: ReportFigure
    }

    struct Pair {
        var label: String
        var value: String
    }

    struct Legend {
        var label: String
        var colour: String
        var figure: ReportFigure
    }

    struct Upload {
        var outcome: String
        var live: Bool
        var figures: [ReportFigure]
        var hasTimeline: Bool
        var requests: ColumnChart
        var accepted: ColumnChart
        var first: String
        var last: String
        var span: String
        var allowance: String
        var peak: String
        var acceptedPeak: String
    }

    struct Failed {
        var status: String
        var message: String
        var figure: ReportFigure
        var examples: String
    }

    var title: String
    var pipeline: String
    var runName: String
    var generatedAt: String
    var status: String
    var statusClass: String
    var headline: [ReportFigure]
    var identity: String
    var bar: StackedBar
    var legend: [Legend]
    var reasons: [Reason]
    /// Stored (the template reads stored properties only).
    var hasReasons = false
    var moreReasons: String
    var warnings: [Warning]
    /// Stored (the template reads stored properties only).
    var hasWarnings = false
    var warningsByField: Bool
    var moreWarnings: String
    var fills: [Fill]
    /// Stored (the template reads stored properties only).
    var hasFills = false
    var moreFills: String
    var upload: [Upload]
    var failed: [Failed]
    /// Stored (the template reads stored properties only).
    var hasFailed = false
    var moreFailed: String
    var inputs: [Input]
    var moreInputs: String
    var provenance: [Pair]
    var timings: [Pair]

    static let listLimit = 40
    static let inputLimit = 50

    init(_ report: RunReport) {
        let manifest = report.manifest
        let counts = manifest.counts
        let name = URL(fileURLWithPath: report.runDirectory).standardizedFileURL.lastPathComponent
        let pipelineName = URL(fileURLWithPath: manifest.pipeline.path).deletingPathExtension().lastPathComponent
        pipeline = pipelineName
        runName = name
        title = "\(pipelineName) · \(name)"
        generatedAt = report.generatedAt
        let upload = report.upload?.report

        // Status.
        switch (upload?.outcome, (upload?.failed ?? 0) > 0) {
        case (nil, _): (status, statusClass) = ("prepared, not uploaded", "neutral")
        case ("complete", false): (status, statusClass) = ("uploaded", "good")
        case ("complete", true): (status, statusClass) = ("uploaded, some contacts failed", "warn")
        case ("in_progress", _): (status, statusClass) = ("upload in progress", "neutral")
        default: (status, statusClass) = ("upload stopped, resumable", "warn")
        }

        headline = [
            ReportFigure(key: "counts.rows", value: counts.rows, label: "rows read"),
            ReportFigure(key: "counts.kept", value: counts.sent, label: "contacts to send"),
        ]
        if let upload {
            headline.append(ReportFigure(key: "upload.accepted", value: upload.accepted, label: "accepted by Omnisend"))
            headline.append(ReportFigure(key: "upload.failed", value: upload.failed, label: "failed at Omnisend"))
        }
        headline.append(ReportFigure(key: "counts.rejected", value: counts.rejected, label: "rejected"))
        headline.append(ReportFigure(key: "counts.duplicates", value: counts.duplicates, label: "duplicates"))

        // Accounting: sent, (unchanged, once incremental sync exists), rejected by reason, duplicates, filtered.
        var parts: [(label: String, value: Int, colour: String, key: String)] = [
            ("sent", counts.sent, "c-sent", "counts.kept")
        ]
        if let unchanged = counts.unchanged { parts.append(("unchanged", unchanged, "c-unch", "counts.unchanged")) }
        let reasonsByCount = manifest.rejectReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let barReasons = reasonsByCount.prefix(6)
        for (index, reason) in barReasons.enumerated() {
            parts.append(("rejected: \(reason.key)", reason.value, "c-rej\(index)", "reject.\(reason.key)"))
        }
        let otherRejects = reasonsByCount.dropFirst(6).reduce(0) { $0 + $1.value }
        if otherRejects > 0 { parts.append(("rejected: other reasons", otherRejects, "c-rej6", "reject.other")) }
        parts.append(("duplicates", counts.duplicates, "c-dup", "counts.duplicates"))
        parts.append(("filtered", counts.filtered, "c-filt", "counts.filtered"))
        if let forgotten = counts.forgotten { parts.append(("forgotten", forgotten, "c-forg", "counts.forgotten")) }
        bar = StackedBar(parts: parts.map { (label: $0.label, value: $0.value, colour: $0.colour) })
        legend = parts.filter { $0.value > 0 }.map {
            Legend(label: $0.label, colour: $0.colour, figure: ReportFigure(key: "bar." + $0.key, value: $0.value, label: $0.label))
        }
        var sum = "rows \(Figures.count(counts.rows)) = sent \(Figures.count(counts.sent))"
        if let unchanged = counts.unchanged { sum += " + unchanged \(Figures.count(unchanged))" }
        sum += " + rejected \(Figures.count(counts.rejected))"
        sum += " + duplicates \(Figures.count(counts.duplicates)) + filtered \(Figures.count(counts.filtered))"
        if let forgotten = counts.forgotten { sum += " + forgotten \(Figures.count(forgotten))" }
        identity = sum

        // Rejects.
        let shown = reasonsByCount.prefix(RunReport.reasonLimit)
        reasons = shown.map { reason in
            Reason(
                code: reason.key, figure: ReportFigure(key: "reject.\(reason.key)", value: reason.value, label: reason.key),
                percent: Figures.percent(reason.value, of: counts.rows), examples: report.rejects.examples[reason.key] ?? [])
        }
        moreReasons = Self.more(reasonsByCount.count - shown.count, "reason", "reasons")

        // Warnings.
        let warningRows = report.warnings.rows.prefix(Self.listLimit)
        warnings = warningRows.map { row in
            Warning(
                field: row.field, code: row.code,
                figure: ReportFigure(key: "warning.\(row.field.isEmpty ? "" : row.field + ".")\(row.code)", value: row.count, label: row.code),
                firstSeen: row.firstSeen)
        }
        warningsByField = report.warnings.byField
        moreWarnings = Self.more(report.warnings.rows.count - warningRows.count, "row", "rows")

        // Fill rates.
        let fillCounts = (manifest.fillCounts ?? [:]).sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        fills = fillCounts.prefix(Self.listLimit * 2).map { field, count in
            let width = counts.kept == 0 ? 0 : 100 * Double(count) / Double(counts.kept)
            return Fill(
                field: field, figure: ReportFigure(key: "fill.\(field)", value: count, label: field),
                percent: Figures.percent(count, of: counts.kept), width: SVGNumber.text(width))
        }
        moreFills = Self.more(fillCounts.count - fills.count, "field", "fields")

        // The upload.
        if let state = report.upload {
            let r = state.report
            let figures = [
                ReportFigure(key: "upload.contacts", value: r.contacts, label: "contacts"),
                ReportFigure(key: "upload.accepted", value: r.accepted, label: "accepted"),
                ReportFigure(key: "upload.failed", value: r.failed, label: "failed"),
                ReportFigure(key: "upload.notSent", value: r.notSent, label: "not sent yet"),
                ReportFigure(key: "upload.requests", value: r.requests, label: "requests"),
                ReportFigure(key: "upload.retries", value: r.retries, label: "retries"),
                ReportFigure(key: "upload.rateLimited", value: r.rateLimited, label: "429 answers"),
                ReportFigure(key: "upload.chunksDone", value: r.chunksDone, label: "chunks done"),
                ReportFigure(key: "upload.chunksFailed", value: r.chunksFailed, label: "chunks failed"),
            ]
            let timeline = r.timeline ?? UploadTimeline(allowancePerMinute: nil, minutes: [])
            let buckets = TimelineBuckets(timeline)
            let perMinute = buckets.buckets.map { (label: $0.start, value: $0.requestsPerMinute) }
            let marks = buckets.buckets.map { bucket in
                (bucket.rateLimited > 0 ? ["m-429"] : []) + (bucket.retries > 0 ? ["m-retry"] : [])
            }
            let requests = ColumnChart(values: perMinute, limit: timeline.allowancePerMinute, marks: marks)
            let accepted = ColumnChart(values: buckets.buckets.map { (label: $0.start, value: $0.accepted) })
            let span = buckets.minutesPerBucket == 1 ? "a minute" : "\(buckets.minutesPerBucket) minutes"
            self.upload = [
                Upload(
                    outcome: r.outcome + (r.stopReason.map { " (\($0.rawValue))" } ?? ""), live: state.live, figures: figures,
                    hasTimeline: !buckets.buckets.isEmpty, requests: requests, accepted: accepted,
                    first: buckets.buckets.first?.start ?? "", last: buckets.buckets.last?.start ?? "", span: span,
                    allowance: timeline.allowancePerMinute.map { "\(Figures.count($0)) requests a minute (the rate share)" }
                        ?? "no rate limit",
                    peak: Figures.count(requests.maximum), acceptedPeak: Figures.count(accepted.maximum))
            ]
            let groups = state.failedGroups.prefix(15)
            failed = groups.enumerated().map { index, group in
                Failed(
                    status: group.status == 0 ? "no answer" : "\(group.status)", message: group.message,
                    figure: ReportFigure(key: "failed.\(index)", value: group.count, label: group.message),
                    examples: group.examples.joined(separator: ", "))
            }
            moreFailed = Self.more(state.failedGroups.count - groups.count, "kind of error", "kinds of error")
        } else {
            self.upload = []
            failed = []
            moreFailed = ""
        }

        // Provenance.
        inputs = manifest.inputs.prefix(Self.inputLimit).enumerated().map { index, input in
            Input(
                path: input.path, format: input.format, size: Figures.bytes(input.bytes), sha256: input.sha256,
                rows: ReportFigure(key: "input.\(index).rows", value: input.counts.rows, label: input.path))
        }
        moreInputs = Self.more(manifest.inputs.count - inputs.count, "input", "inputs")
        let destination = upload.map { Figures.destination($0.baseURL) + ", API \($0.apiVersion)" }
            ?? (manifest.destination.baseURL.map(Figures.destination) ?? "Omnisend") + ", API \(manifest.destination.apiVersion.rawValue)"
        provenance = [
            Pair(label: "pipeline", value: manifest.pipeline.path),
            Pair(label: "pipeline sha256", value: manifest.pipeline.sha256),
            Pair(label: "mapping", value: manifest.mapping.path),
            Pair(label: "mapping sha256", value: manifest.mapping.sha256),
            Pair(label: "destination", value: destination),
            Pair(label: "key", value: manifest.destination.apiKeyEnv.map { "from $\($0) (never stored)" } ?? "never stored"),
            Pair(label: "tool", value: "\(manifest.tool.name) \(manifest.tool.version)"),
            Pair(label: "chunks", value: "\(Figures.count(manifest.chunks.count)) (\(Figures.bytes(manifest.chunks.reduce(0) { $0 + $1.bytes })))"),
        ]
        var times: [Pair] = []
        if let preparedAt = report.preparedAt { times.append(Pair(label: "prepared", value: preparedAt)) }
        for entry in report.history.suffix(10) {
            times.append(Pair(
                label: entry.command, value: "\(entry.startedAt), \(Figures.duration(entry.durationSeconds)), \(entry.outcome)"))
        }
        if let upload { times.append(Pair(label: "upload time", value: Figures.duration(upload.elapsedSeconds))) }
        times.append(Pair(label: "this page", value: report.generatedAt))
        timings = times
        hasReasons = !reasons.isEmpty
        hasWarnings = !warnings.isEmpty
        hasFills = !fills.isEmpty
        hasFailed = !failed.isEmpty
    }

    /// `and 3 more reasons` (empty when none).
    static func more(_ count: Int, _ one: String, _ many: String) -> String {
        count <= 0 ? "" : "and \(Figures.count(count)) more \(count == 1 ? one : many)"
    }
}
