import ExportContactRules
/// A value flowing through a field's transforms: one text, or a list (from `split`, `columns`,
/// or an NDJSON array). `nil` stands for "no value".
enum MappingValue: Sendable, Equatable {
    case text(String)
    case list([String])

    /// Applies `f` to the text, or to each item of the list.
    func mapText(_ f: (String) -> String) -> MappingValue {
        switch self {
        case .text(let s): return .text(f(s))
        case .list(let items): return .list(items.map(f))
        }
    }

    /// Whether there is nothing in it (blank text, or a list of blank items).
    var isBlank: Bool {
        switch self {
        case .text(let s): return TextOps.isBlank(s)
        case .list(let items): return items.allSatisfy(TextOps.isBlank)
        }
    }

    /// The value as one text: a list's non-blank items joined with `separator`.
    func joined(_ separator: String = ", ") -> String {
        switch self {
        case .text(let s): return s
        case .list(let items): return items.filter { !TextOps.isBlank($0) }.joined(separator: separator)
        }
    }

    /// The value as a list: a text is a list of one.
    var items: [String] {
        switch self {
        case .text(let s): return [s]
        case .list(let items): return items
        }
    }
}
