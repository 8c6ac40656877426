import ExportCore

/// `Codable` for a `FieldValue` holding any JSON value (the contact of a `FailedLine`).
///
/// `Decoder` neither keeps an object's key order nor a number's text, so objects decode with
/// their keys sorted and numbers as Swift spells their value (`Int`, else `Double`).
struct JSONValueCoding: Codable {
    /// The value.
    var value: FieldValue

    /// Wraps `value`.
    init(_ value: FieldValue) {
        self.value = value
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            let keys = object.allKeys.map(\.stringValue).sorted()
            let values = try keys.map { try object.decode(JSONValueCoding.self, forKey: Key(stringValue: $0)).value }
            value = .object(JSONObject(keys: keys, values: values))
        } else if var array = try? decoder.unkeyedContainer() {
            var values: [FieldValue] = []
            while !array.isAtEnd { values.append(try array.decode(JSONValueCoding.self).value) }
            value = .array(values)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                value = .null
            } else if let flag = try? single.decode(Bool.self) {
                value = .bool(flag)
            } else if let integer = try? single.decode(Int.self) {
                value = .number(String(integer))
            } else if let real = try? single.decode(Double.self) {
                value = .number(String(real))
            } else {
                value = .string(try single.decode(String.self))
            }
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .object(let object):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in zip(object.keys, object.values) {
                try container.encode(JSONValueCoding(value), forKey: Key(stringValue: key))
            }
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(JSONValueCoding(value)) }
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .number(let text):
            var container = encoder.singleValueContainer()
            if let integer = Int(text) {
                try container.encode(integer)
            } else if let real = Double(text) {
                try container.encode(real)
            } else {
                try container.encode(text)
            }
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }
}
