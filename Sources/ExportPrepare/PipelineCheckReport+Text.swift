import ExportCore
import ExportPipeline

extension PipelineCheckReport {
    /// The report for a person: the inputs sampled, what the sample mapped to, the preview
    /// (pretty JSON, or with `compactPreview` one `file:line {json}` line per contact, the JSON
    /// exactly as `prepare` writes it), reject reasons, warnings and fill rates. Problems are not
    /// included: see `problemText`. Empty when no input was sampled.
    public func summary(compactPreview: Bool = false) -> String {
        guard !inputs.isEmpty else { return "" }
        var lines: [String] = ["inputs:"]
        let nameWidth = inputs.map(\.name.count).max() ?? 0
        for input in inputs {
            let extent = input.complete ? "whole input" : "first rows only"
            let columns = input.format == "ndjson" ? "\(input.columns) keys" : "\(input.columns) columns"
            lines.append("  " + Self.pad(input.name, nameWidth) + "  \(input.format)  \(input.rows) rows (\(extent)), \(columns)")
        }
        lines += notes.map { "  note: " + $0 }
        lines += mappingWarnings.map { "warning: " + $0.description }
        lines.append("")
        let duplicateNote = duplicates > 0 ? " (\(duplicates) with an email seen earlier in the sample)" : ""
        lines.append("sample: \(rows) rows → \(contacts) contacts\(duplicateNote), \(rejected) rejected, \(filtered) filtered")

        if !preview.isEmpty {
            lines.append("")
            lines.append("preview: the first \(preview.count) contact\(preview.count == 1 ? "" : "s"), as prepare would write them")
            for contact in preview {
                let json = String(decoding: contact.json, as: UTF8.self)
                if compactPreview {
                    lines.append("\(contact.origin) \(json)")
                } else {
                    lines.append("── \(contact.origin)")
                    lines.append(ContactJSONPrinter.pretty(contact.json))
                }
            }
        }
        if !consent.isEmpty {
            lines.append("")
            lines.append("consent of the contacts prepare keeps (status, and where its date comes from):")
            let width = consent.map(\.status.count).max() ?? 0
            let countWidth = consent.map { String($0.count).count }.max() ?? 0
            for c in consent {
                let note = c.dateSource == "keep-existing" ? " (existing contacts keep their status; new ones get it)" : ""
                lines.append("  " + Self.pad(c.channel, 5) + "  " + Self.pad(c.status, width) + "  "
                    + Self.padLeft(String(c.count), countWidth) + "  date: " + c.dateSource + note)
            }
        }
        if !rejectReasons.isEmpty {
            lines.append("")
            lines.append("rejected in the sample:")
            lines += Self.table(rejectReasons)
        }
        if !warnings.isEmpty {
            lines.append("")
            lines.append("warnings in the sample (a field left out of the contact):")
            lines += Self.table(warnings)
        }
        if !fillRates.isEmpty {
            lines.append("")
            lines.append("field fill rates (of \(contacts) contact\(contacts == 1 ? "" : "s"); email and status are always set):")
            let width = fillRates.map(\.field.count).max() ?? 0
            let countWidth = String(contacts).count
            for fill in fillRates {
                let percent = contacts == 0 ? 0 : Int((Double(fill.filled) * 100 / Double(contacts)).rounded())
                let number = Self.padLeft(String(fill.filled), countWidth)
                lines.append("  " + Self.pad(fill.field, width) + "  \(number)  " + Self.padLeft("\(percent)%", 4))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Each consent warning as `file:line:column: warning: message` plus its hint.
    public var consentWarningText: String {
        consentWarnings.map { warning in
            var w = warning
            w.message = "warning: " + w.message
            return w.description
        }.joined(separator: "\n")
    }

    /// Every problem as `file:line:column: message` plus its hint, then a count line; or
    /// `no problems found` when the pipeline is sound.
    public var problemText: String {
        problems.isEmpty ? "no problems found" : PipelineErrors(problems: problems).description
    }

    private static func table(_ counts: [Count]) -> [String] {
        let width = counts.map(\.code.count).max() ?? 0
        let countWidth = counts.map { String($0.count).count }.max() ?? 0
        return counts.map { c in
            "  " + pad(c.code, width) + "  " + padLeft(String(c.count), countWidth) + "  first: " + c.example
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
