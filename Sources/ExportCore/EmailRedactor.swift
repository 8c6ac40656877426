import Crypto

/// Replaces emails in what the tool prints or logs with a keyed hash, `email#<12 hex>`: the
/// first 6 bytes of HMAC-SHA256(key, email normalised by `EmailNormalizer`). The same person gets the same token in
/// one run folder (the key lives in `RUN_DIR/.redaction-key`), so lines can be correlated and
/// `inspect --contact` can be matched, but the address cannot be read back or guessed from a
/// dictionary without the key. With `showsEmails`, emails pass through unchanged.
public struct EmailRedactor: Sendable {
    /// The HMAC key (32 random bytes per run folder).
    public let key: [UInt8]
    /// When true, `token` and `scrub` leave emails as they are (`--show-emails`).
    public let showsEmails: Bool

    /// Creates a redactor.
    public init(key: [UInt8], showsEmails: Bool = false) {
        self.key = key
        self.showsEmails = showsEmails
    }

    /// `email#<12 hex>` for `email` (or the email itself when `showsEmails`).
    public func token(_ email: String) -> String {
        if showsEmails { return email }
        let code = HMAC<SHA256>.authenticationCode(for: Array(EmailNormalizer.normalize(email).utf8), using: SymmetricKey(data: key))
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in Array(code).prefix(6) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0xF)])
        }
        return "email#" + String(decoding: hex, as: UTF8.self)
    }

    /// `text` with every email-looking span (`local@domain`, also `local%40domain` as in a URL)
    /// replaced by its token.
    public func scrub(_ text: String) -> String {
        if showsEmails { return text }
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "@")) || text.contains("%40") else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        var i = 0
        while i < bytes.count {
            let at: Int
            if bytes[i] == UInt8(ascii: "@") {
                at = 1
            } else if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "4"), bytes[i + 2] == UInt8(ascii: "0") {
                at = 3
            } else {
                i += 1
                continue
            }
            var start = i
            while start > copied, Self.isLocal(bytes[start - 1]) { start -= 1 }
            var end = i + at
            while end < bytes.count, Self.isDomain(bytes[end]) { end += 1 }
            while end > i + at, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
            guard start < i, end > i + at else {
                i += at
                continue
            }
            let email = String(decoding: bytes[start..<i], as: UTF8.self) + "@" + String(decoding: bytes[(i + at)..<end], as: UTF8.self)
            out.append(contentsOf: bytes[copied..<start])
            out.append(contentsOf: Array(token(email).utf8))
            copied = end
            i = end
        }
        out.append(contentsOf: bytes[copied...])
        return String(decoding: out, as: UTF8.self)
    }

    private static func isLocal(_ b: UInt8) -> Bool {
        if b >= 0x80 { return true }
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return Array(".!#$%&*+^_{|}~-".utf8).contains(b)
        }
    }

    private static func isDomain(_ b: UInt8) -> Bool {
        if b >= 0x80 { return true }
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
        }
    }
}
