import ExportContactRules
import ExportCore
import ExportFormats

/// One record as `MappingProgram` reads it: the fields' bytes as the reader parsed them, each
/// column slot of the plan resolved to a field, and the lists (NDJSON arrays) that have no bytes.
///
/// A value is a `String` only where a step needs text (`value(_:)`, `evaluate(_:)`); the steps
/// that write a column as it is read `bytes(_:)`.
struct FieldRow {
    /// The record's fields.
    let fields: RawFields
    /// Per column slot of the plan: the index of its field, or `-1` when the record lacks it.
    let slots: [Int]
    /// Per column slot, the list an NDJSON array gave; empty when the record has none.
    let lists: [MappingValue?]
    /// Where the record comes from (the `input_file`, `row_number` and `line` sources).
    let origin: RecordOrigin
    /// The run's date (the `run_date` source).
    let runDate: String

    /// Whether some column holds a list, so that no column may be read as bytes alone.
    var hasLists: Bool { !lists.isEmpty }

    /// The bytes of column `slot` when the record has a text there (a null is no text).
    @inline(__always)
    func bytes(_ slot: Int) -> UnsafeBufferPointer<UInt8>? {
        let i = slots[slot]
        return i >= 0 && i < fields.count && !fields.isNull(i) ? fields[i] : nil
    }

    /// Column `slot` as mapping input: a trimmed text, a list, or nothing.
    func value(_ slot: Int) -> MappingValue? {
        if hasLists, let list = lists[slot] { return list }
        guard let bytes = bytes(slot) else { return nil }
        return .text(TrimmedField(bytes).text)
    }

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
        case .column(let slot): return value(slot)
        case .columns(let slots): return .list(slots.map { value($0)?.joined() ?? "" })
        case .constant(let text): return .text(text)
        case .inputFile: return .text(origin.inputName)
        case .rowNumber: return .text(String(origin.index + 1))
        case .line: return .text(String(origin.line))
        case .runDate: return .text(runDate)
        case .firstNonEmpty(let specs):
            for spec in specs {
                if case .value(let v?) = evaluate(spec), !v.isBlank { return v }
            }
            return nil
        }
    }

    /// Whether `condition` (a `where` rule) holds for this record.
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

    /// A row with no fields, for working out constants once.
    static func empty(slots: Int, runDate: String) -> FieldRow {
        let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        let noEnds = UnsafeBufferPointer<Int>(start: nil, count: 0)
        return FieldRow(
            fields: RawFields(bytes: none, ends: noEnds), slots: Array(repeating: -1, count: slots), lists: [],
            origin: RecordOrigin(file: "", line: 0, index: 0), runDate: runDate)
    }
}
