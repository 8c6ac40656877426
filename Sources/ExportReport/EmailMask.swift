/// Hides email addresses in what the report shows: `ana.popescu@example.ro` becomes
/// `a•••@example.ro`, in a value or anywhere in a sentence. `--show-emails` turns it off.
public struct EmailMask: Sendable {
    /// Whether emails are shown as they are.
    public let showsEmails: Bool

    /// Creates a mask.
    public init(showsEmails: Bool = false) { self.showsEmails = showsEmails }

    /// `text` with every email in it masked (unchanged with `showsEmails`).
    public func apply(_ text: String) -> String {
        guard !showsEmails, text.contains("@") else { return text }
        return text.replacing(/[^\s"'<>(),;:@]+@[^\s"'<>(),;:@]*/) { match in Self.mask(String(match.output)) }
    }

    /// One address masked: the first character of the local part, then `•••`, then the domain.
    static func mask(_ email: String) -> String {
        guard let at = email.firstIndex(of: "@") else { return email }
        let local = email[..<at]
        return (local.first.map { String($0) } ?? "") + "•••" + String(email[at...])
    }
}
