/// Email validation, the rules of issue 2, on UTF-8 bytes, of an address normalised by
/// `EmailNormalizer` (ExportCore). Valid means, byte for byte:
/// - exactly one `@`; the whole address at most 254 bytes;
/// - local part 1–64 bytes of RFC 5322 atext, `.` or non-ASCII UTF-8; no leading or trailing `.`,
///   no `..`; quoted local parts are rejected;
/// - domain of two or more `.`-separated labels, each 1–63 bytes of letters, digits, `-` or
///   non-ASCII UTF-8, not starting or ending with `-`; the last label not all digits; no trailing
///   dot; IP literals (`[192.0.2.1]`) are rejected.
public enum EmailAddress {
    /// The first rule `normalized` breaks, or `nil` when it is a valid address.
    public static func validate(_ normalized: String) -> EmailProblem? {
        var copy = normalized
        return copy.withUTF8 { validate(bytes: $0) }
    }

    /// `validate` on raw UTF-8 bytes.
    public static func validate(bytes: UnsafeBufferPointer<UInt8>) -> EmailProblem? {
        let n = bytes.count
        if n == 0 { return .missing }
        if n > 254 { return .invalid("address longer than 254 bytes") }
        var at = -1
        for i in 0..<n where bytes[i] == UInt8(ascii: "@") {
            if at >= 0 { return .invalid("more than one @") }
            at = i
        }
        if at < 0 { return .invalid("no @") }
        if let problem = validateLocal(bytes, 0, at) { return problem }
        return validateDomain(bytes, at + 1, n)
    }

    private static func validateLocal(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> EmailProblem? {
        let count = end - start
        if count == 0 { return .invalid("local part is empty") }
        if b[start] == UInt8(ascii: "\"") { return .invalid("quoted local parts are not accepted") }
        if count > 64 { return .invalid("local part longer than 64 bytes") }
        if b[start] == UInt8(ascii: ".") { return .invalid("local part starts with a dot") }
        if b[end - 1] == UInt8(ascii: ".") { return .invalid("local part ends with a dot") }
        var previousDot = false
        for i in start..<end {
            let c = b[i]
            if c == UInt8(ascii: ".") {
                if previousDot { return .invalid("local part has two dots in a row") }
                previousDot = true
                continue
            }
            previousDot = false
            if c >= 0x80 || isAtext(c) { continue }
            return .invalid("character not allowed in local part")
        }
        return nil
    }

    private static func validateDomain(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> EmailProblem? {
        if start == end { return .invalid("domain is empty") }
        if b[start] == UInt8(ascii: "[") { return .invalid("IP-literal domains are not accepted") }
        if b[end - 1] == UInt8(ascii: ".") { return .invalid("domain ends with a dot") }
        var labels = 0
        var labelStart = start
        var allDigits = true
        var i = start
        while i <= end {
            if i == end || b[i] == UInt8(ascii: ".") {
                let length = i - labelStart
                if length == 0 { return .invalid("domain has an empty label") }
                if length > 63 { return .invalid("domain label longer than 63 bytes") }
                if b[labelStart] == UInt8(ascii: "-") { return .invalid("domain label starts with a hyphen") }
                if b[i - 1] == UInt8(ascii: "-") { return .invalid("domain label ends with a hyphen") }
                labels += 1
                if i == end && allDigits { return .invalid("top-level domain is all digits") }
                labelStart = i + 1
                allDigits = true
            } else {
                let c = b[i]
                let isDigit = c >= 0x30 && c <= 0x39
                if !isDigit { allDigits = false }
                let isLetter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A
                if !(isDigit || isLetter || c == UInt8(ascii: "-") || c >= 0x80) {
                    return .invalid("character not allowed in domain")
                }
            }
            i += 1
        }
        if labels < 2 { return .invalid("domain needs at least two labels") }
        return nil
    }

    /// RFC 5322 atext: letters, digits and ``!#$%&'*+-/=?^_`{|}~``, as bits of two words (a
    /// table would be a lazily initialised global, checked on every byte).
    @inline(__always)
    private static func isAtext(_ c: UInt8) -> Bool {
        c < 64 ? (atextBelow64 >> UInt64(c)) & 1 == 1 : c < 128 && (atextFrom64 >> UInt64(c - 64)) & 1 == 1
    }

    private static var atextBelow64: UInt64 { 0xA3FF_ACFA_0000_0000 }
    private static var atextFrom64: UInt64 { 0x7FFF_FFFF_C7FF_FFFE }
}
