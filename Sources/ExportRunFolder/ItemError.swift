import ExportCore

/// Why Omnisend refused one contact, in the one shape `failed.ndjson` uses for every API
/// version: `{"status", "message", "fields"}`.
///
/// v3/v5 answer `{"error": "…", "fields": {"field": ["…"]}}`; 2026-03-15 answers an RFC 9457
/// problem (`detail`, `errors: [{field, code, message}]`); an item never processed has our own
/// explanation (ExportUpload's `ItemError(status:response:)` reads each of them). `status` is
/// the item's HTTP status (0 when there was none: not processed, or the whole chunk failed);
/// `fields` maps a field path to its messages (empty when none were given).
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
}
