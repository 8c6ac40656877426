import ExportContactRules
import ExportCore
@testable import ExportPipeline

/// One record being mapped by the reference `ContactMapper`: evaluates value specs and `where`
/// rules against it as `String`s (the engine's `FieldRow` does the same on bytes).
struct Row {
    let record: Record
    let bound: BoundMapping
    let runDate: String

    /// The value of `spec` for this record: its source, trimmed, through its transforms.
    func evaluate(_ spec: ValueSpec) -> Transform.Outcome {
        var value = source(spec.source)
        for transform in spec.transforms {
            switch transform.apply(value) {
            case .value(let v): value = v
            case .invalid(let why): return .invalid(why)
            }
        }
        return .value(value)
    }

    private func source(_ source: ValueSpec.Source) -> MappingValue? {
        switch source {
        case .column(let slot): return Self.convert(BoundMapping.value(bound.lookups[slot], in: record))
        case .columns(let slots):
            return .list(slots.map { Self.convert(BoundMapping.value(bound.lookups[$0], in: record))?.joined() ?? "" })
        case .constant(let text): return .text(text)
        case .inputFile: return .text(record.origin.inputName)
        case .rowNumber: return .text(String(record.origin.index + 1))
        case .line: return .text(String(record.origin.line))
        case .runDate: return .text(runDate)
        case .firstNonEmpty(let specs):
            for spec in specs {
                if case .value(let v?) = evaluate(spec), !v.isBlank { return v }
            }
            return nil
        }
    }

    /// A field value as mapping input: scalars as trimmed text, arrays of scalars as lists;
    /// null, objects and absent values as nothing.
    static func convert(_ value: FieldValue?) -> MappingValue? {
        guard let value else { return nil }
        switch value {
        case .string(let s): return .text(TextOps.trim(s))
        case .number(let n): return .text(n)
        case .bool(let b): return .text(b ? "true" : "false")
        case .null, .object: return nil
        case .array(let items): return .list(items.compactMap { $0.text.map(TextOps.trim) })
        }
    }

    /// Whether `condition` holds for this record.
    func holds(_ condition: MappingPlan.Condition) -> Bool {
        var text: [String] = []
        if case .value(let v?) = evaluate(condition.spec) {
            text = v.items.map(TextOps.trim).filter { !$0.isEmpty }
        }
        switch condition.test {
        case .equals(let options): return text.contains { options.contains($0) }
        case .notEquals(let options): return !text.contains { options.contains($0) }
        case .present(let wanted): return !text.isEmpty == wanted
        case .matches(let regex): return text.contains { regex.matches($0) }
        }
    }
}
