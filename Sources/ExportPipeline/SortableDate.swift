import ExportContactRules
/// Parses the dates of a `newest` dedupe field into comparable seconds since 1970-01-01 UTC.
///
/// Accepted: ISO 8601 (`2024-05-01`, `2024-05-01T10:07:28Z`, with fractions or a `±HH:MM`
/// offset, `T` or space), `YYYY/MM/DD [HH:MM[:SS]]`, `DD.MM.YYYY [HH:MM[:SS]]`. Anything else is
/// unparseable (and loses).
public enum SortableDate {
    private static let patterns: [DatePattern] = ["iso8601", "YYYY/MM/DD", "YYYY/MM/DD HH:mm", "YYYY/MM/DD HH:mm:ss",
        "DD.MM.YYYY", "DD.MM.YYYY HH:mm", "DD.MM.YYYY HH:mm:ss"].map { DatePattern($0)! }

    /// Seconds since the epoch (UTC), or `nil` when `text` matches no accepted format.
    public static func parse(_ text: String) -> Int64? {
        let trimmed = TextOps.trim(text)
        for pattern in patterns {
            if let parts = pattern.parse(trimmed) { return parts.epochSeconds }
        }
        return nil
    }

    /// `parse(_:)` of the UTF-8 text `bytes`, read from the bytes when trimming them needs no
    /// Unicode white space (the usual case), so that a row's date makes no `String`.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let field = TrimmedField(bytes)
        guard field.isTrimmed else { return parse(field.text) }
        for pattern in patterns {
            if let parts = pattern.parse(bytes: field.bytes) { return parts.epochSeconds }
        }
        return nil
    }
}
