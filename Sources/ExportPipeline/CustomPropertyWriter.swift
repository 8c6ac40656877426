import ExportContactRules
import ExportCore

/// Writes one custom property value as JSON of its declared type, enforcing Omnisend's limits
/// (strings and list items at most 2048 characters).
enum CustomPropertyWriter {
    enum Outcome {
        case ok
        case invalid(code: String, detail: String)
    }

    static let maxStringCharacters = 2048
    private static let day = DatePattern("YYYY-MM-DD")!

    static func write(_ value: MappingValue, as property: MappingPlan.CustomProperty, into out: inout [UInt8]) -> Outcome {
        let text = TextOps.trim(value.joined())
        switch property.kind {
        case .string:
            // At most 2048 bytes is at most 2048 characters: count characters only beyond that.
            if text.utf8.count > maxStringCharacters && text.count > maxStringCharacters { return tooLong }
            JSONText.appendString(text, to: &out)
        case .number, .integer:
            guard var number = NumberText.parse(text, decimal: property.decimal) else {
                return .invalid(code: "custom_property_invalid", detail: "not a number")
            }
            if property.kind == .integer {
                guard let whole = NumberText.integer(number) else {
                    return .invalid(code: "custom_property_invalid", detail: "not a whole number")
                }
                number = whole
            }
            out.append(contentsOf: number.utf8)
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "y", "1", "on": out.append(contentsOf: "true".utf8)
            case "false", "no", "n", "0", "off": out.append(contentsOf: "false".utf8)
            default: return .invalid(code: "custom_property_invalid", detail: "not true or false")
            }
        case .date:
            guard let parts = property.formats.lazy.compactMap({ $0.parse(text) }).first else {
                return .invalid(code: "custom_property_invalid", detail: "not a date in the configured formats")
            }
            JSONText.appendString(day.format(parts), to: &out)
        case .list:
            let items = value.items.map(TextOps.trim).filter { !$0.isEmpty }
            if items.contains(where: { $0.count > maxStringCharacters }) { return tooLong }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        return .ok
    }

    private static let tooLong = Outcome.invalid(
        code: "custom_property_too_long", detail: "longer than \(maxStringCharacters) characters")
}
