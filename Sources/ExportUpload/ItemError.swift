import ExportCore
import Foundation

/// Why Omnisend refused one contact, in the one shape `failed.ndjson` uses for every API
/// version: `{"status", "message", "fields"}`.
///
/// v3/v5 answer `{"error": "…", "fields": {"field": ["…"]}}`; 2026-03-15 answers an RFC 9457
/// problem (`detail`, `errors: [{field, code, message}]`); an item never processed has our own
/// explanation. `status` is the item's HTTP status (0 when there was none: not processed, or the
/// whole chunk failed); `fields` maps a field path to its messages (empty when none were given).
public struct ItemError: Sendable, Equatable, Codable {
    /// The item's HTTP status; 0 when Omnisend gave none.
    public var status: Int
    /// What was wrong, in Omnisend's words (or ours when it never answered).
    public var message: String
    /// Messages per field path (`identifiers[0].id`, `countryCode`, or Omnisend's item index).
    public var fields: [String: [String]]

    /// Creates an error.
    public init(status: Int, message: String, fields: [String: [String]] = [:]) {
        self.status = status
        self.message = message
        self.fields = fields
    }

    /// Normalises Omnisend's answer for an item (`response`, JSON text as saved in the checkpoint).
    public init(status: Int, response: String) {
        self.init(status: status, message: "")
        let value = try? JSONSerialization.jsonObject(with: Data(response.utf8), options: [.fragmentsAllowed])
        switch value {
        case let text as String:
            message = text
        case let object as [String: Any]:
            message = (object["error"] as? String) ?? (object["detail"] as? String) ?? (object["title"] as? String)
                ?? (object["message"] as? String) ?? response
            if let fields = object["fields"] as? [String: Any] {
                for (name, value) in fields { self.fields[name] = Self.strings(value) }
            }
            for problem in (object["errors"] as? [[String: Any]]) ?? [] {
                let name = (problem["field"] as? String) ?? ""
                let text = (problem["message"] as? String) ?? (problem["code"] as? String) ?? ""
                self.fields[name, default: []].append(text)
            }
        default:
            message = response
        }
        message = message.trimmingCharacters(in: .whitespaces)
    }

    private static func strings(_ value: Any) -> [String] {
        if let list = value as? [Any] { return list.flatMap(strings) }
        if let text = value as? String { return [text] }
        return [BatchResults.json(value)]
    }

    /// The object as one line of JSON, keys sorted.
    public var json: String {
        let fieldText = fields.keys.sorted().map { name in
            JSONText.quoted(name) + ":[" + fields[name]!.map(JSONText.quoted).joined(separator: ",") + "]"
        }
        return "{\"fields\":{\(fieldText.joined(separator: ","))},\"message\":\(JSONText.quoted(message)),\"status\":\(status)}"
    }

    /// The one-line description `inspect` shows: `400 message (field: message; …)`.
    public var text: String {
        var out = "\(status) \(message)"
        let details = fields.keys.sorted().flatMap { name in fields[name]!.map { name.isEmpty ? $0 : "\(name): \($0)" } }
        if !details.isEmpty { out += " (" + details.joined(separator: "; ") + ")" }
        return out
    }

    /// Reads the `error` of a `failed.ndjson` line (as parsed by `JSONSerialization`).
    public static func fromLine(_ line: [String: Any]) -> ItemError? {
        guard let object = line["error"] as? [String: Any] else { return nil }
        var fields: [String: [String]] = [:]
        for (name, value) in (object["fields"] as? [String: Any]) ?? [:] { fields[name] = strings(value) }
        return ItemError(status: object["status"] as? Int ?? 0, message: object["message"] as? String ?? "", fields: fields)
    }
}
