/// One value of an input record: a CSV field is always `.string`; NDJSON values keep their JSON kind.
///
/// Numbers keep their source text so that output is byte-identical to input (no float round trip).
public indirect enum FieldValue: Sendable, Equatable, Hashable {
    case string(String)
    /// A JSON number, as written in the source (`1.50`, `-3e2`).
    case number(String)
    case bool(Bool)
    case null
    /// A JSON array.
    case array([FieldValue])
    /// A JSON object, keys in source order (duplicates kept; lookups take the last).
    case object(JSONObject)

    /// The value as text for mapping: strings as is, numbers as written, booleans `true`/`false`;
    /// `nil` for null, arrays and objects.
    public var text: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }
}

/// A JSON object with its keys in source order.
public struct JSONObject: Sendable, Equatable, Hashable {
    /// Keys in the order they appeared.
    public var keys: [String]
    /// Values, parallel to `keys`.
    public var values: [FieldValue]

    /// Creates an object from parallel key and value arrays.
    public init(keys: [String] = [], values: [FieldValue] = []) {
        precondition(keys.count == values.count, "keys and values must be parallel")
        self.keys = keys
        self.values = values
    }

    /// The value for `key`; when a key repeats, the last occurrence wins (as most JSON parsers do).
    public subscript(key: String) -> FieldValue? {
        guard let i = keys.lastIndex(of: key) else { return nil }
        return values[i]
    }
}
