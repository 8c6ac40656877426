import ExportCore

extension InputBuffer {
    /// Skips a UTF-8 byte order mark at the start of the input and refuses a UTF-16 one.
    ///
    /// Call once, before the first byte is consumed. In a transcoded input the UTF-16 marks arrive
    /// as the UTF-8 of `ÿþ` / `þÿ`, which no real CSV starts with, so they are refused as well.
    /// - Throws: `ExportError(.corruptInput)` naming `origin` when the input looks like UTF-16.
    mutating func consumeByteOrderMark(origin: RecordOrigin, transcoded: Bool) throws {
        try prefetch(4)
        let head = Array(unread.prefix(4))
        let utf16: Bool
        if transcoded {
            utf16 = head == [0xC3, 0xBF, 0xC3, 0xBE] || head == [0xC3, 0xBE, 0xC3, 0xBF]
        } else {
            utf16 = head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF])
            if head.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        }
        if utf16 {
            throw ExportError(
                .corruptInput,
                "the input starts with a UTF-16 byte order mark (it looks like UTF-16, which is not supported); "
                    + "re-save it as UTF-8 or set encoding to utf-8, latin-1 or windows-1252 to match its bytes",
                origin: origin)
        }
    }
}
