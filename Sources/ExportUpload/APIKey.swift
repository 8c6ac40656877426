import Foundation

/// An Omnisend API key. Its description is redacted, so printing, logging, dumping or
/// interpolating it never shows the secret; only `headerValue` does, for the HTTP header.
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let secret: String

    /// Wraps a key (surrounding whitespace removed).
    public init(_ secret: String) {
        self.secret = secret.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether the key is empty (no key configured).
    public var isEmpty: Bool { secret.isEmpty }

    /// The secret itself, for the authentication header and nothing else.
    public var headerValue: String { secret }

    /// Always `APIKey(redacted)`.
    public var description: String { "APIKey(redacted)" }
    /// Always `APIKey(redacted)`.
    public var debugDescription: String { description }
    /// A mirror without children, so `dump` and reflection show nothing.
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// Removes every occurrence of the key from `text` (for messages that echo server answers).
    public func redact(_ text: String) -> String {
        guard !secret.isEmpty else { return text }
        return text.replacingOccurrences(of: secret, with: "[redacted]")
    }
}
