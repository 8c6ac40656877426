/// Why an email address cannot be sent: a stable reason code and a detail naming the broken rule.
///
/// The detail never contains the address itself, so it can be logged and printed safely.
public struct EmailProblem: Sendable, Equatable, CustomStringConvertible {
    /// `email_missing` or `email_invalid`.
    public var reason: String
    /// Which rule the address broke, e.g. `local part longer than 64 bytes`.
    public var detail: String

    /// Creates a problem.
    public init(reason: String, detail: String) {
        self.reason = reason
        self.detail = detail
    }

    /// The field held no address (absent, null or only whitespace).
    public static let missing = EmailProblem(reason: "email_missing", detail: "the email field is empty")

    /// An `email_invalid` problem with `detail`.
    public static func invalid(_ detail: String) -> EmailProblem {
        EmailProblem(reason: "email_invalid", detail: detail)
    }

    /// `reason: detail`.
    public var description: String { "\(reason): \(detail)" }
}
