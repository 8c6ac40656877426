import ExportCore
import ExportFormats
import Foundation

/// JSON reading on the upload path with ExportFormats' strict byte-level parser, several times
/// faster than `JSONSerialization` on the large `/batches/{id}/items` answers and on chunk items.
/// Answers decode into `Decodable` structs (`decode`, through `FieldValueDecoder`); contacts
/// compared field by field can be bridged to Foundation shapes (`[String: Any]`, `[Any]`,
/// `String`, `Int`, `Double`, `Bool`, `NSNull`).
public enum FastJSON {
    /// The value `bytes` hold, or `nil` when they are not one JSON text.
    static func value<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> FieldValue? {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            try? JSONValueParser.parse(UnsafeRawBufferPointer(buffer))
        }
        if let parsed { return parsed }
        return Array(bytes).withUnsafeBytes { try? JSONValueParser.parse($0) }
    }

    /// The object `bytes` hold, bridged to Foundation shapes; `nil` when they are not a JSON object.
    public static func object<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [String: Any]? {
        guard case .object(let object)? = value(bytes) else { return nil }
        return foundation(object)
    }

    /// `bytes` decoded as `T` (through `FieldValueDecoder`); `nil` when they are not one JSON
    /// text or not a `T`.
    static func decode<T: Decodable, Bytes: Collection<UInt8>>(_ type: T.Type, from bytes: Bytes) -> T? {
        guard let value = value(bytes) else { return nil }
        return try? T(from: FieldValueDecoder(value))
    }

    /// `value` in the shapes `JSONSerialization` produces (integers as `Int`, other numbers as `Double`).
    static func foundation(_ value: FieldValue) -> Any {
        switch value {
        case .string(let text): return text
        case .number(let text):
            if let integer = Int(text) { return integer }
            if let real = Double(text) { return real }
            return text
        case .bool(let flag): return flag
        case .null: return NSNull()
        case .array(let values): return values.map(foundation)
        case .object(let object): return foundation(object)
        }
    }

    private static func foundation(_ object: JSONObject) -> [String: Any] {
        var dictionary: [String: Any] = Dictionary(minimumCapacity: object.keys.count)
        for (key, value) in zip(object.keys, object.values) { dictionary[key] = foundation(value) }
        return dictionary
    }
}
