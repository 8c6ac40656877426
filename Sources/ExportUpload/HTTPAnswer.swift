import Foundation

/// One HTTP response as the uploader needs it: status, headers (names lowercased) and body.
public struct HTTPAnswer: Sendable, Equatable {
    /// The status code.
    public var status: Int
    /// Header fields with lowercased names; repeated names keep the first value.
    public var headers: [String: String]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates an answer; header names are lowercased.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body parsed as a JSON object, or `nil`.
    public var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// Omnisend's error message: `error` (v3/v5), `detail` or `title` (RFC 9457), else the status.
    public var errorMessage: String {
        if let object = jsonObject {
            var parts: [String] = []
            if let error = object["error"] as? String { parts.append(error.trimmingCharacters(in: .whitespaces)) }
            if let detail = object["detail"] as? String { parts.append(detail) } else if let title = object["title"] as? String {
                parts.append(title)
            }
            if let fields = object["fields"], let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) {
                parts.append("fields: \(String(decoding: data, as: UTF8.self))")
            }
            if let errors = object["errors"], let data = try? JSONSerialization.data(withJSONObject: errors, options: [.sortedKeys]) {
                parts.append("errors: \(String(decoding: data, as: UTF8.self))")
            }
            if !parts.isEmpty { return "HTTP \(status): " + parts.joined(separator: "; ") }
        }
        return "HTTP \(status)"
    }
}
