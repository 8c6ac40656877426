/// One parsed input row, with values addressed by the source's column names.
public struct Record: Sendable, Equatable {
    /// The names of `values`, shared by all rows of a CSV input.
    public var header: Header
    /// One value per header name.
    public var values: [FieldValue]
    /// Where the row came from.
    public var origin: RecordOrigin

    /// Creates a record; `values` must be as long as `header.names`.
    public init(header: Header, values: [FieldValue], origin: RecordOrigin) {
        self.header = header
        self.values = values
        self.origin = origin
    }

    /// The value of column (or top-level NDJSON key) `name`, or `nil` when the record has none.
    public subscript(name: String) -> FieldValue? {
        guard let i = header.index(of: name), i < values.count else { return nil }
        return values[i]
    }

    /// The value at a dotted path (`address.city`) into nested NDJSON objects. A column whose
    /// name itself contains dots wins over the nested lookup.
    public func value(atPath path: String) -> FieldValue? {
        if let direct = self[path] { return direct }
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1, var current = self[parts[0]] else { return nil }
        for part in parts.dropFirst() {
            guard case .object(let object) = current, let next = object[part] else { return nil }
            current = next
        }
        return current
    }
}
