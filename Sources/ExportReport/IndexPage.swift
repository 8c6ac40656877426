import ExportChunks
import ExportCore
import Foundation

/// The view of a runs folder's `index.html`: the history as a table (newest first) and a trend
/// chart of rows, rejects and failures (oldest on the left), so that a jump stands out.
struct IndexPage {
    struct Row {
        var index: Int
        var date: String
        var pipeline: String
        var command: String
        var runDirectory: String
        var rows: ReportFigure
        var sent: ReportFigure
        var rejected: ReportFigure
        var failed: ReportFigure
        var duration: String
        var outcome: String
        var outcomeClass: String
    }

    struct Dot {
        var cx: String
        var cy: String
        var colour: String
        var title: String
    }

    var title: String
    var subtitle: String
    var generatedAt: String
    var rows: [Row]
    var more: String
    var hasTrend: Bool
    var trend: TrendChart
    var trendDots: [Dot]
    var peak: String

    /// Rows listed, runs charted.
    static let rowLimit = 200
    static let trendLimit = 60

    init(entries: [RunHistoryEntry], pipeline: String?, generatedAt: String) {
        title = pipeline.map { "Runs of \($0)" } ?? "Runs"
        subtitle = "\(Figures.count(entries.count)) run\(entries.count == 1 ? "" : "s") in history.ndjson"
        self.generatedAt = generatedAt
        let numbered = Array(entries.enumerated())
        rows = numbered.reversed().prefix(Self.rowLimit).map { index, entry in
            Row(
                index: index, date: entry.startedAt, pipeline: entry.pipeline, command: entry.command,
                runDirectory: entry.runDirectory,
                rows: ReportFigure(key: "run.\(index).rows", value: entry.counts?.rows ?? 0, label: "rows"),
                sent: ReportFigure(key: "run.\(index).sent", value: entry.sent ?? 0, label: "sent"),
                rejected: ReportFigure(key: "run.\(index).rejected", value: entry.counts?.rejected ?? 0, label: "rejected"),
                failed: ReportFigure(key: "run.\(index).failed", value: entry.failed ?? 0, label: "failed"),
                duration: Figures.duration(entry.durationSeconds), outcome: entry.outcome,
                outcomeClass: Self.outcomeClass(entry.outcome))
        }
        more = entries.count > Self.rowLimit ? "The \(Figures.count(Self.rowLimit)) newest of \(Figures.count(entries.count)) runs." : ""
        let charted = Array(entries.suffix(Self.trendLimit))
        hasTrend = !charted.isEmpty
        trend = TrendChart(series: [
            ("rows", "l-rows", charted.map { $0.counts?.rows }),
            ("rejected", "l-rej", charted.map { $0.counts?.rejected }),
            ("failed", "l-fail", charted.map { $0.failed }),
        ])
        var dots: [Dot] = []
        for (line, colour) in zip(trend.lines, ["d-rows", "d-rej", "d-fail"]) {
            for dot in line.dots {
                dots.append(Dot(cx: dot.cx, cy: dot.cy, colour: colour, title: "\(line.label): \(Figures.count(dot.value))"))
            }
        }
        trendDots = dots
        peak = Figures.count(trend.maximum)
    }

    static func outcomeClass(_ outcome: String) -> String {
        switch outcome {
        case "success", "nothing_new": return "good"
        case "rehearsal": return "neutral"
        default: return "warn"
        }
    }
}

/// The runs folder's `index.html` and the `history` table, from `history.ndjson`.
public struct RunIndex: Sendable {
    /// The runs folder.
    public var runsDirectory: String
    /// Only this pipeline's runs, when set.
    public var pipeline: String?
    /// The runs, oldest first.
    public var entries: [RunHistoryEntry]

    /// Reads the history of `runsDirectory` (empty when there is none).
    public init(runsDirectory: String, pipeline: String? = nil) {
        self.runsDirectory = runsDirectory
        self.pipeline = pipeline
        entries = RunHistoryFile.read(runsDirectory: runsDirectory, pipeline: pipeline)
    }

    /// The page.
    public func html(now: Date = Date()) -> String {
        ReportTemplates.render(IndexPage(entries: entries, pipeline: pipeline, generatedAt: ISO8601DateFormatter().string(from: now)))
    }

    /// Writes `index.html` into the runs folder (atomically); returns its path.
    @discardableResult
    public func write(now: Date = Date()) throws -> String {
        let path = (runsDirectory.isEmpty ? "." : runsDirectory) + "/index.html"
        try AtomicFileWriter.write(Array(html(now: now).utf8), to: path)
        return path
    }

    /// The runs as a table for the terminal, oldest first: date, pipeline, rows, sent,
    /// rejected, failed, duration, outcome.
    public var table: String {
        let header = ["date", "pipeline", "rows", "sent", "rejected", "failed", "duration", "outcome"]
        func number(_ value: Int?) -> String { value.map(Figures.count) ?? "–" }
        let lines = entries.map { entry in
            [
                entry.startedAt, entry.pipeline, number(entry.counts?.rows), number(entry.sent), number(entry.counts?.rejected),
                number(entry.failed), Figures.duration(entry.durationSeconds), entry.outcome,
            ]
        }
        let numeric: Set<Int> = [2, 3, 4, 5, 6]
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        return ([header] + lines).map { cells in
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return numeric.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// The runs as a JSON array (each line of `history.ndjson`, oldest first).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(entries)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
