/// Normalises phone numbers to E.164 (`+` and 8 to 15 digits, no leading zero).
///
/// Spaces, `-`, `.`, `/` and parentheses are dropped. `+CC…` and `00CC…` are international. A
/// national number (`0722 123 456`) gets its trunk `0` removed and the default country code put
/// in front; without a default country code it cannot be written (`needsCountry`). A number already
/// starting with the default country code but without `+` is read as national (write `+` to avoid
/// the ambiguity).
public enum PhoneNumber {
    /// What a raw phone text is.
    public enum Parsed: Sendable, Equatable {
        /// The number in E.164 (`+40722123456`).
        case e164(String)
        /// A national number, and no calling code to put in front: its country is unknown.
        case needsCountry
        /// Not a phone number.
        case invalid
    }

    /// The E.164 form of `raw`, or `nil` when it cannot be one.
    /// - Parameter defaultCountryCode: digits only (`40` for Romania), used for national numbers.
    public static func e164(_ raw: String, defaultCountryCode: String?) -> String? {
        if case .e164(let number) = parse(raw, defaultCountryCode: defaultCountryCode) { return number }
        return nil
    }

    /// `raw` read as a phone number; a national number needs `defaultCountryCode` (digits only).
    public static func parse(_ raw: String, defaultCountryCode: String?) -> Parsed {
        var raw = raw
        return raw.withUTF8 { parse(bytes: $0, defaultCountryCode: defaultCountryCode) }
    }

    /// `raw` read as a phone number from its UTF-8 text `bytes` (the one reading of both forms),
    /// the digits gathered on the stack (an E.164 number of up to 15 bytes is then a `String`
    /// without an allocation).
    public static func parse(bytes raw: UnsafeBufferPointer<UInt8>, defaultCountryCode: String?) -> Parsed {
        guard var code = defaultCountryCode else { return parse(raw, code: nil) }
        return code.withUTF8 { parse(raw, code: $0) }
    }

    private static func parse(_ raw: UnsafeBufferPointer<UInt8>, code: UnsafeBufferPointer<UInt8>?) -> Parsed {
        // The digits go after room for `+` and the calling code, which may then go in front.
        let front = 1 + (code?.count ?? 0)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: front + raw.count) { buffer in
            var start = front
            var end = front
            var international = false
            var seenAnything = false
            for b in raw {
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    buffer[end] = b
                    end += 1
                    seenAnything = true
                case UInt8(ascii: "+"):
                    if seenAnything { return .invalid }
                    international = true
                    seenAnything = true
                case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "("),
                    UInt8(ascii: ")"), 0x09:
                    continue
                default:
                    return .invalid
                }
            }
            if !international && end - start > 2 && buffer[start] == UInt8(ascii: "0")
                && buffer[start + 1] == UInt8(ascii: "0")
            {
                start += 2
                international = true
            }
            if !international {
                while start < end && buffer[start] == UInt8(ascii: "0") { start += 1 }
                guard let code, !code.isEmpty else {
                    // A national number that a calling code would make whole needs its country.
                    return end - start >= 6 && end - start <= 14 ? .needsCountry : .invalid
                }
                start -= code.count
                for i in 0..<code.count { buffer[start + i] = code[i] }
            }
            guard end - start >= 8 && end - start <= 15, buffer[start] != UInt8(ascii: "0") else { return .invalid }
            start -= 1
            buffer[start] = UInt8(ascii: "+")
            return .e164(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self))
        }
    }
}
