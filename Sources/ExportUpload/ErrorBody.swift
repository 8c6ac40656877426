import ExportCore

/// Omnisend's answer when it refuses a request or one item of a batch: v3/v5
/// `{"error": "…", "fields": {"field": ["…"]}}`, 2026-03-15 an RFC 9457 problem (`title`,
/// `detail`, `errors: [{field, code, message}]`), and on a 429 perhaps `retryAfter`.
///
/// Every field is optional and one of an unexpected type reads as absent. `fields` and `errors`
/// are kept as parsed, because messages quote them as JSON: decode with `ErrorBody(_:)` (the
/// byte-level parser); under another `Decoder` they read as absent.
public struct ErrorBody: Decodable, Sendable, Equatable {
    /// v3/v5: what was wrong.
    public var error: String?
    /// RFC 9457: what was wrong with this request.
    public var detail: String?
    /// RFC 9457: the kind of problem.
    public var title: String?
    /// Other shapes: what was wrong.
    public var message: String?
    /// v3/v5: messages per field path (a message or a list of them), as parsed.
    public var fields: FieldValue?
    /// RFC 9457: the problems, as parsed.
    public var errors: FieldValue?
    /// The seconds to wait before asking again (a number, or a number as text).
    public var retryAfter: Double?

    /// One entry of an RFC 9457 `errors` list.
    public struct Problem: Decodable, Sendable, Equatable {
        /// The field path.
        public var field: String?
        /// A code (`invalid`, `length`, …).
        public var code: String?
        /// What was wrong, for people.
        public var message: String?
        /// A JSON pointer to the field, in problems that give one instead of `field`.
        public var pointer: String?

        private enum CodingKeys: String, CodingKey { case field, code, message, pointer }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            field = try? container.decode(String.self, forKey: .field)
            code = try? container.decode(String.self, forKey: .code)
            message = try? container.decode(String.self, forKey: .message)
            pointer = try? container.decode(String.self, forKey: .pointer)
        }
    }

    private enum CodingKeys: String, CodingKey { case error, detail, title, message, fields, errors, retryAfter }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        error = try? container.decode(String.self, forKey: .error)
        detail = try? container.decode(String.self, forKey: .detail)
        title = try? container.decode(String.self, forKey: .title)
        message = try? container.decode(String.self, forKey: .message)
        fields = (try? container.decode(JSONFragment.self, forKey: .fields))?.value
        errors = (try? container.decode(JSONFragment.self, forKey: .errors))?.value
        retryAfter = (try? container.decode(Double.self, forKey: .retryAfter))
            ?? (try? container.decode(String.self, forKey: .retryAfter)).flatMap { Double($0) }
    }

    /// The body in `bytes`; `nil` when they are not a JSON object.
    public init?(_ bytes: [UInt8]) {
        guard let body = FastJSON.decode(ErrorBody.self, from: bytes) else { return nil }
        self = body
    }

    /// The entries of `errors` that are objects; empty when `errors` is not a list of them.
    public var problems: [Problem] {
        guard let errors else { return [] }
        return (try? [Problem](from: FieldValueDecoder(errors))) ?? []
    }
}
