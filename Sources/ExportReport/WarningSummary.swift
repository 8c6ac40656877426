import ExportRunFolder

/// Warnings (a value left out of a contact) by field and code: from `warnings.ndjson`
/// (`{input, line, field, code}`) when the run has one, else the manifest's counts per code.
struct WarningSummary: Sendable, Equatable {
    /// One field and code with its count and the first place it occurred.
    struct Row: Sendable, Equatable {
        var field: String
        var code: String
        var count: Int
        var firstSeen: String
    }

    /// The rows, most frequent first.
    var rows: [Row]
    /// Whether the rows come from the side file (by field) or the manifest (by code only).
    var byField: Bool

    /// Reads the run folder's warnings file; falls back to `manifestWarnings` when it has none.
    init(runDirectory: String, manifestWarnings: [String: Int]) {
        var counts: [String: Row] = [:]
        var found = false
        SideFileReader(runDirectory: runDirectory).forEach(WarningLine.self) { line in
            found = true
            let key = line.field + "\u{0}" + line.code
            if counts[key] == nil {
                counts[key] = Row(field: line.field, code: line.code, count: 0, firstSeen: "\(line.input):\(line.line)")
            }
            counts[key]!.count += 1
            return true
        }
        if found {
            byField = true
            rows = Array(counts.values)
        } else {
            byField = false
            rows = manifestWarnings.map { Row(field: "", code: $0.key, count: $0.value, firstSeen: "") }
        }
        rows.sort { ($1.count, $0.field, $0.code) < ($0.count, $1.field, $1.code) }
    }
}
