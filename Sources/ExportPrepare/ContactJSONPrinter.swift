import ExportCore
import ExportFormats

/// Pretty-prints a contact (a batch item's JSON) for people, keeping the wire key order:
/// containers at most two levels deep stay on one line when they fit, the rest are indented two
/// spaces.
enum ContactJSONPrinter {
    /// Lines longer than this are broken up.
    static let width = 100

    /// `json` pretty-printed, or as it is when it does not parse.
    static func pretty(_ json: [UInt8]) -> String {
        guard let value = try? json.withUnsafeBytes({ bytes in try JSONValueParser.parse(bytes) }) else {
            return String(decoding: json, as: UTF8.self)
        }
        var out = ""
        write(value, indent: "", into: &out)
        return out
    }

    /// `value` on one line, with a space after each `:` and `,`.
    static func inline(_ value: FieldValue) -> String {
        switch value {
        case .string(let s): return JSONText.quoted(s)
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(inline).joined(separator: ", ") + "]"
        case .object(let object):
            let members = zip(object.keys, object.values).map { JSONText.quoted($0) + ": " + inline($1) }
            return "{" + members.joined(separator: ", ") + "}"
        }
    }

    private static func children(_ value: FieldValue) -> [FieldValue]? {
        switch value {
        case .array(let items): return items
        case .object(let object): return object.values
        default: return nil
        }
    }

    /// 0 for a plain value, 1 for a container of plain values, and so on.
    private static func depth(_ value: FieldValue) -> Int {
        guard let children = children(value) else { return 0 }
        return 1 + (children.map(depth).max() ?? 0)
    }

    private static func write(_ value: FieldValue, indent: String, into out: inout String) {
        let oneLine = inline(value)
        guard let children = children(value), !children.isEmpty else { return out += oneLine }
        if depth(value) <= 2 && indent.count + oneLine.count <= width {
            return out += oneLine
        }
        let inner = indent + "  "
        var lines: [String] = []
        switch value {
        case .object(let object):
            for (key, child) in zip(object.keys, object.values) {
                var line = inner + JSONText.quoted(key) + ": "
                write(child, indent: inner, into: &line)
                lines.append(line)
            }
            out += "{\n" + lines.joined(separator: ",\n") + "\n" + indent + "}"
        default:
            for child in children {
                var line = inner
                write(child, indent: inner, into: &line)
                lines.append(line)
            }
            out += "[\n" + lines.joined(separator: ",\n") + "\n" + indent + "]"
        }
    }
}
