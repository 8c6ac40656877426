import ExportCore

/// A `MappingPlan`'s columns resolved to positions in one `Header`, so mapping a row does no
/// name lookups.
public struct BoundMapping: Sendable {
    /// How one column is found in a record.
    enum Lookup: Sendable {
        /// `values[i]`.
        case index(Int)
        /// `values[i]`, then the object keys of `path` (NDJSON nested objects).
        case nested(Int, [String])
    }

    /// The header these positions belong to.
    public let header: Header
    let lookups: [Lookup?]
    let dedupeDate: Lookup?

    /// How `name` is found under `header`: the exact column first, else a dotted path whose
    /// first part is a column.
    static func lookup(_ name: String, in header: Header) -> Lookup? {
        if let i = header.index(of: name) { return .index(i) }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1, let i = header.index(of: parts[0]) else { return nil }
        return .nested(i, Array(parts.dropFirst()))
    }

    /// The value of `lookup` in `record`.
    static func value(_ lookup: Lookup?, in record: Record) -> FieldValue? {
        switch lookup {
        case nil: return nil
        case .index(let i): return i < record.values.count ? record.values[i] : nil
        case .nested(let i, let path):
            guard i < record.values.count else { return nil }
            var current = record.values[i]
            for part in path {
                guard case .object(let object) = current, let next = object[part] else { return nil }
                current = next
            }
            return current
        }
    }
}
