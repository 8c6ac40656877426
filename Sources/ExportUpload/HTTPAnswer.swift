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

    /// Omnisend's error message (`ErrorBody`): `error` (v3/v5), `detail` or `title` (RFC 9457),
    /// `fields` and `errors` as JSON with sorted keys; else the status.
    public var errorMessage: String {
        if let body = ErrorBody(body) {
            var parts: [String] = []
            if let error = body.error { parts.append(error.trimmingCharacters(in: .whitespaces)) }
            if let detail = body.detail ?? body.title { parts.append(detail) }
            for (name, value) in [("fields", body.fields), ("errors", body.errors)] {
                guard let value, let data = try? JSONSerialization.data(withJSONObject: FastJSON.foundation(value), options: [.sortedKeys])
                else { continue }
                parts.append("\(name): \(String(decoding: data, as: UTF8.self))")
            }
            if !parts.isEmpty { return "HTTP \(status): " + parts.joined(separator: "; ") }
        }
        return "HTTP \(status)"
    }
}
