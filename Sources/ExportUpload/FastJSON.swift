import ExportCore
import ExportFormats
import Foundation

/// JSON reading on the upload path with ExportFormats' strict byte-level parser, several times
/// faster than `JSONSerialization` on the large `/batches/{id}/items` answers and on chunk items.
/// Values can be bridged to the Foundation shapes the uploader reads (`[String: Any]`, `[Any]`,
/// `String`, `Int`, `Double`, `Bool`, `NSNull`).
enum FastJSON {
    /// The value `bytes` hold, or `nil` when they are not one JSON text.
    static func value<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> FieldValue? {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            try? JSONValueParser.parse(UnsafeRawBufferPointer(buffer))
        }
        if let parsed { return parsed }
        return Array(bytes).withUnsafeBytes { try? JSONValueParser.parse($0) }
    }

    /// The object `bytes` hold, bridged to Foundation shapes; `nil` when they are not a JSON object.
    static func object<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [String: Any]? {
        guard case .object(let object)? = value(bytes) else { return nil }
        return foundation(object)
    }

    /// A `GET /batches/{id}/items` answer bridged to Foundation shapes, except that each entry's
    /// `request` is cut to what ``BatchResults`` reads of it: `{"email": …}` with its email (see
    /// `ContactItem.email(of:)`), or `{}`. Bridging every request whole was most of the uploader's CPU.
    static func itemsAnswer<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [String: Any]? {
        guard case .object(let object)? = value(bytes) else { return nil }
        var dictionary: [String: Any] = Dictionary(minimumCapacity: object.keys.count)
        for (key, value) in zip(object.keys, object.values) {
            if key == "responses" || key == "errors", case .array(let entries) = value {
                dictionary[key] = entries.map(itemEntry)
            } else {
                dictionary[key] = foundation(value)
            }
        }
        return dictionary
    }

    private static func itemEntry(_ entry: FieldValue) -> Any {
        guard case .object(let object) = entry else { return foundation(entry) }
        var dictionary: [String: Any] = Dictionary(minimumCapacity: object.keys.count)
        for (key, value) in zip(object.keys, object.values) {
            if key == "request", case .object(let request) = value {
                var slim: [String: Any] = [:]
                if let email = ContactItem.email(of: request) { slim["email"] = email }
                dictionary[key] = slim
            } else {
                dictionary[key] = foundation(value)
            }
        }
        return dictionary
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
