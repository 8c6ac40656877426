import ExportContactRules
import ExportCore

extension MappingPlan {
    /// Problems a sample of rows reveals that the header cannot: a typed custom property whose
    /// column is empty in every sampled row or whose values do not fit the type, and value maps
    /// (status, gender) that miss values seen in the sample. For `check`; messages quote the
    /// offending sample values of those fields (never emails).
    /// - Parameters:
    ///   - records: the sampled rows (any headers).
    ///   - file: the input they came from, named in messages.
    public func checkSample(_ records: [Record], file: String) -> [ConfigProblem] {
        guard !records.isEmpty else { return [] }
        var problems: [ConfigProblem] = []
        let n = records.count
        var scratch = MappingProgram.Scratch()

        func problem(_ spec: ValueSpec, _ message: String, _ hint: String?) {
            problems.append(ConfigProblem(
                file: path, line: spec.location.line, column: spec.location.column, message: message, hint: hint))
        }
        func texts(_ spec: ValueSpec) -> [String?] {
            records.map { record in
                MappingProgram.withRow(record, bound: bind(record.header), runDate: "2000-01-01", scratch: &scratch) {
                    row, _ in
                    if case .value(let v?) = row.evaluate(spec) {
                        let t = TextOps.trim(v.joined())
                        return t.isEmpty ? nil : t
                    }
                    return nil
                }
            }
        }
        func isConstant(_ spec: ValueSpec) -> Bool {
            if case .constant = spec.source { return true }
            return false
        }
        func listed(_ values: [String]) -> String {
            let distinct = values.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            return distinct.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (distinct.count > 5 ? ", …" : "")
        }

        for (key, spec) in [("status", status), ("sms_status", phone?.smsStatus)] {
            guard let spec, !isConstant(spec) else { continue }
            let bad = texts(spec).compactMap { $0 }.filter { MappingProgram.canonicalStatus($0) == nil }
            if !bad.isEmpty {
                problem(spec, "\(key) gets \(listed(bad)) in \(bad.count) of \(n) sampled rows, which is not subscribed, unsubscribed or nonSubscribed",
                    "add these values to the map, or give it a fallback; such rows are rejected (\(key)_invalid)")
            }
        }
        for field in fields {
            guard case .gender = field.kind, !isConstant(field.spec) else { continue }
            let bad = texts(field.spec).compactMap { $0 }.filter { !["m", "f", "male", "female"].contains($0.lowercased()) }
            if !bad.isEmpty {
                problem(field.spec, "gender gets \(listed(bad)) in \(bad.count) of \(n) sampled rows, which is not m or f",
                    "map them with { map: { …: m, …: f } }; unmapped values are left out")
            }
        }
        for property in customProperties where property.kind != .string && !isConstant(property.spec) {
            let values = texts(property.spec)
            let present = values.compactMap { $0 }
            if present.isEmpty {
                problem(property.spec, "custom property '\(property.name)' (\(property.kind.rawValue)) is empty in all \(n) sampled rows",
                    "check the column name, or drop the property")
                continue
            }
            var bad: [String] = []
            for value in present {
                var scratch: [UInt8] = []
                if case .invalid = CustomPropertyWriter.write(.text(value), as: property, into: &scratch) { bad.append(value) }
            }
            if !bad.isEmpty {
                problem(property.spec, "custom property '\(property.name)' (\(property.kind.rawValue)): \(listed(bad)) in \(bad.count) of \(present.count) sampled values cannot be read",
                    property.kind == .number || property.kind == .integer ? "set decimal: \",\" for decimal commas, or use type: string"
                        : property.kind == .date ? "list the input formats under formats:" : "use type: string")
            }
        }
        return problems
    }
}
