import ExportContactRules
/// One step of a field's transform chain, applied in the order the mapping lists them.
///
/// Text steps apply to each item of a list. `split` turns a text into a list, `join` a list into
/// a text. `date` and `number` fail on values they cannot read; the field then follows its
/// `on_invalid` rule.
enum Transform: Sendable {
    case trim, lower, upper, title, collapseSpaces
    case defaultValue(String)
    case map([String: String], fallback: String?)
    case replace(RegexBox, with: String)
    case split(String)
    case join(String)
    case truncate(Int)
    case date(from: [DatePattern], to: DatePattern)
    case number(decimal: UInt8)

    /// The transform names the mapping language knows, for "did you mean".
    static let names = ["trim", "lower", "upper", "title", "collapse_spaces", "default", "map", "replace", "split",
        "join", "truncate", "date", "number"]

    /// The outcome of applying a step: a value (or none), or a failure naming why.
    enum Outcome {
        case value(MappingValue?)
        case invalid(String)
    }

    /// Applies this step to `value`.
    func apply(_ value: MappingValue?) -> Outcome {
        switch self {
        case .defaultValue(let fallback):
            if value == nil || value!.isBlank { return .value(.text(fallback)) }
            return .value(value)
        default: break
        }
        guard let value else { return .value(nil) }
        switch self {
        case .trim: return .value(value.mapText(TextOps.trim))
        case .lower: return .value(value.mapText { $0.lowercased() })
        case .upper: return .value(value.mapText { $0.uppercased() })
        case .title: return .value(value.mapText(TextOps.title))
        case .collapseSpaces: return .value(value.mapText(TextOps.collapseSpaces))
        case .defaultValue: return .value(value)
        case .map(let table, let fallback): return .value(value.mapText { table[$0] ?? fallback ?? $0 })
        case .replace(let regex, let template): return .value(value.mapText { regex.replace($0, with: template) })
        case .split(let separator):
            let pieces = value.items.flatMap { $0.components(separatedBy: separator) }
                .map(TextOps.trim).filter { !$0.isEmpty }
            return .value(.list(pieces))
        case .join(let separator): return .value(.text(value.joined(separator)))
        case .truncate(let n): return .value(value.mapText { TextOps.truncate($0, to: n) })
        case .date(let from, let to):
            var out: [String] = []
            for item in value.items where !TextOps.isBlank(item) {
                guard let parts = from.lazy.compactMap({ $0.parse(TextOps.trim(item)) }).first else {
                    return .invalid("not a date in the format \(from.map(\.description).joined(separator: " or "))")
                }
                out.append(to.format(parts))
            }
            if case .text = value { return .value(out.first.map(MappingValue.text)) }
            return .value(.list(out))
        case .number(let decimal):
            var out: [String] = []
            for item in value.items where !TextOps.isBlank(item) {
                guard let n = NumberText.parse(item, decimal: decimal) else { return .invalid("not a number") }
                out.append(n)
            }
            if case .text = value { return .value(out.first.map(MappingValue.text)) }
            return .value(.list(out))
        }
    }
}

extension String {
    /// Splits on a literal separator (no Foundation needed).
    fileprivate func components(separatedBy separator: String) -> [String] {
        if separator.isEmpty { return [self] }
        return split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}
