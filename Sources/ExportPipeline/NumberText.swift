import ExportContactRules
/// Reads numbers as people write them ("1.234,50", "1 234.5", "-12") into JSON number text.
enum NumberText {
    /// The JSON text of `raw` read with `decimal` (`.` or `,`) as the decimal mark; the other mark,
    /// spaces (also NBSP and narrow NBSP) and `'` are thousands separators. A leading `+` is
    /// dropped, leading zeros are removed. `nil` when it is not a number.
    static func parse(_ raw: String, decimal: UInt8) -> String? {
        if decimal == UInt8(ascii: "."), isCanonical(raw.utf8) { return raw }
        var intDigits: [UInt8] = []
        var fracDigits: [UInt8] = []
        var negative = false
        var seenDecimal = false
        var seenSign = false
        var seenDigit = false
        for scalar in TextOps.trim(raw).unicodeScalars {
            let v = scalar.value
            if v >= 0x30 && v <= 0x39 {
                if seenDecimal { fracDigits.append(UInt8(v)) } else { intDigits.append(UInt8(v)) }
                seenDigit = true
            } else if v == UInt32(decimal) {
                if seenDecimal { return nil }
                seenDecimal = true
            } else if (v == 0x2C || v == 0x2E || v == 0x20 || v == 0x27 || v == 0xA0 || v == 0x202F) && !seenDecimal {
                if !seenDigit { return nil }
            } else if (v == 0x2D || v == 0x2B) && !seenSign && !seenDigit && !seenDecimal {
                negative = v == 0x2D
                seenSign = true
            } else {
                return nil
            }
        }
        guard seenDigit else { return nil }
        while intDigits.count > 1 && intDigits.first == UInt8(ascii: "0") { intDigits.removeFirst() }
        if intDigits.isEmpty { intDigits = [UInt8(ascii: "0")] }
        var out = negative ? "-" : ""
        out += String(decoding: intDigits, as: UTF8.self)
        if !fracDigits.isEmpty { out += "." + String(decoding: fracDigits, as: UTF8.self) }
        if out == "-0" { out = "0" }
        return out
    }

    /// Whether `text` is already what `parse` would return with `.` as the decimal mark:
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, other than `-0`.
    static func isCanonical(_ text: some Sequence<UInt8>) -> Bool {
        var utf8 = text.makeIterator()
        guard var byte = utf8.next() else { return false }
        let negative = byte == UInt8(ascii: "-")
        if negative {
            guard let next = utf8.next() else { return false }
            byte = next
        }
        guard byte &- UInt8(ascii: "0") < 10 else { return false }
        let leadingZero = byte == UInt8(ascii: "0")
        var integerDigits = 1
        var fractionDigits = 0
        var inFraction = false
        while let b = utf8.next() {
            if b &- UInt8(ascii: "0") < 10 {
                if inFraction { fractionDigits += 1 } else { integerDigits += 1 }
            } else if b == UInt8(ascii: ".") && !inFraction {
                inFraction = true
            } else {
                return false
            }
        }
        if leadingZero && integerDigits > 1 { return false }
        if inFraction && fractionDigits == 0 { return false }
        return !(negative && leadingZero && !inFraction)
    }

    /// The integer text of a parsed number: `12.00` → `12`; `nil` when it has a fraction or
    /// does not fit in 64 bits.
    static func integer(_ number: String) -> String? {
        guard let dot = number.utf8.firstIndex(of: UInt8(ascii: ".")) else {
            return Int64(number) != nil ? number : nil
        }
        if !number.utf8[number.utf8.index(after: dot)...].allSatisfy({ $0 == UInt8(ascii: "0") }) { return nil }
        let whole = String(number[..<dot])
        guard Int64(whole) != nil else { return nil }
        return whole == "-0" ? "0" : whole
    }
}
