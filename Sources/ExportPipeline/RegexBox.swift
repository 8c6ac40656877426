import Foundation

/// A compiled regular expression (ICU syntax, via `NSRegularExpression`) for `replace` and
/// `matches`; immutable once built, so sharing it across threads is safe.
final class RegexBox: @unchecked Sendable {
    /// The pattern as written.
    let pattern: String
    private let regex: NSRegularExpression

    /// Compiles `pattern`; returns the compiler's complaint on failure.
    init(_ pattern: String) throws {
        self.pattern = pattern
        regex = try NSRegularExpression(pattern: pattern)
    }

    /// `text` with every match replaced by `template` (`$1` names a capture group).
    func replace(_ text: String, with template: String) -> String {
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return regex.stringByReplacingMatches(in: text, range: range, withTemplate: template)
    }

    /// Whether `text` contains a match.
    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..<text.endIndex, in: text)) != nil
    }
}
