/// The one email normalisation (issue 2): Unicode `White_Space` trimmed at both ends, then
/// lower-cased. Omnisend treats the email identifier as case-sensitive, so two spellings of one
/// address would become two contacts. `prepare` normalises every email with it before
/// validating and deduping; the redaction tokens, `forget`, `verify` and `state rebuild` compare
/// what the user gives with it, so they find the contacts `prepare` wrote.
public enum EmailNormalizer {
    /// `raw` trimmed and lower-cased; ASCII input takes a byte-level fast path.
    public static func normalize(_ raw: String) -> String {
        let trimmed = trim(raw)
        for b in trimmed.utf8 where b >= 0x80 || (b >= 0x41 && b <= 0x5A) { return trimmed.lowercased() }
        return trimmed
    }

    /// `text` without leading and trailing Unicode white space (U+0009–U+000D, space, NEL,
    /// NBSP, the Unicode spaces and line separators; not zero-width space or the BOM).
    static func trim(_ text: String) -> String {
        // Fast path: nothing to trim when both ends are ASCII bytes that are not white space.
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return text }
        if first < 0x80 && last < 0x80 && !isASCIISpace(first) && !isASCIISpace(last) { return text }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end && scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            if !scalars[before].properties.isWhitespace { break }
            end = before
        }
        return String(scalars[start..<end])
    }

    private static func isASCIISpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
}
