/// Normalises phone numbers to E.164 (`+` and 8 to 15 digits, no leading zero).
///
/// Spaces, `-`, `.`, `/` and parentheses are dropped. `+CC…` and `00CC…` are international. A
/// national number (`0722 123 456`) gets its trunk `0` removed and the default country code put
/// in front; without a default country code it is invalid. A number already starting with the
/// default country code but without `+` is read as national (write `+` to avoid the ambiguity).
public enum PhoneNumber {
    /// The E.164 form of `raw`, or `nil` when it cannot be one.
    /// - Parameter defaultCountryCode: digits only (`40` for Romania), used for national numbers.
    public static func e164(_ raw: String, defaultCountryCode: String?) -> String? {
        var digits: [UInt8] = []
        var international = false
        var seenAnything = false
        for b in raw.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(b)
                seenAnything = true
            case UInt8(ascii: "+"):
                if seenAnything { return nil }
                international = true
                seenAnything = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "("),
                UInt8(ascii: ")"), 0x09:
                continue
            default:
                return nil
            }
        }
        if !international && digits.count > 2 && digits[0] == UInt8(ascii: "0") && digits[1] == UInt8(ascii: "0") {
            digits.removeFirst(2)
            international = true
        }
        if !international {
            guard let code = defaultCountryCode, !code.isEmpty else { return nil }
            while digits.first == UInt8(ascii: "0") { digits.removeFirst() }
            digits = Array(code.utf8) + digits
        }
        guard digits.count >= 8 && digits.count <= 15, digits[0] != UInt8(ascii: "0") else { return nil }
        return "+" + String(decoding: digits, as: UTF8.self)
    }
}
