import Foundation

/// Small helpers to write JSON text by hand on hot paths (items lists, NDJSON of contacts) and to
/// parse request bodies with Foundation.
enum JSONText {
    /// The string as a quoted JSON string literal.
    static func quote(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            return "\"" + text + "\""
        }
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A value made by ``parse(_:)`` (or of Swift's String, Bool, Int, Double, arrays and
    /// dictionaries) as JSON text, keys sorted. Much faster than `JSONSerialization.data` on Linux.
    static func serialize(_ value: Any) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Any, into out: inout String) {
        switch value {
        case let text as String:
            out += quote(text)
        case let number as NSNumber:
            let type = String(cString: number.objCType)
            if value is Bool && (type == "c" || type == "B") {
                out += number.boolValue ? "true" : "false"
            } else if type == "d" || type == "f" {
                let double = number.doubleValue
                out += double.isFinite ? String(describing: double) : "null"
            } else {
                out += String(number.int64Value)
            }
        case let flag as Bool:
            out += flag ? "true" : "false"
        case let integer as Int:
            out += String(integer)
        case let double as Double:
            out += double.isFinite ? String(describing: double) : "null"
        case let list as [Any]:
            out += "["
            for (index, element) in list.enumerated() {
                if index > 0 { out += "," }
                write(element, into: &out)
            }
            out += "]"
        case let object as [String: Any]:
            out += "{"
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                out += quote(key)
                out += ":"
                write(object[key]!, into: &out)
            }
            out += "}"
        default:
            out += "null"
        }
    }

    /// Parses JSON text; `nil` when it is not JSON.
    static func parse(_ data: Data) -> Any? {
        try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    /// Parses JSON text; `nil` when it is not JSON.
    static func parse(_ text: String) -> Any? {
        parse(Data(text.utf8))
    }
}
