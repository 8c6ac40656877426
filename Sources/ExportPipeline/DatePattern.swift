/// A date format as users write it in a mapping: `YYYY-MM-DD`, `DD/MM/YYYY`, `MM/DD/YYYY HH:mm`,
/// or the word `iso8601`.
///
/// Tokens: `YYYY` (4-digit year), `YY` (2-digit year, 19xx above 69, else 20xx), `MM` / `M` (month,
/// 2 or 1–2 digits), `DD` / `D` (day), `HH` / `H` (hour 0–23), `mm` (minute), `ss` (second).
/// Every other character must match itself. `iso8601` accepts `YYYY-MM-DD` with an optional
/// `T`/space time `HH:mm[:ss[.fraction]]` and `Z` / `±HH:MM` / `±HHMM`, and writes
/// `YYYY-MM-DDTHH:mm:ssZ` in UTC.
public struct DatePattern: Sendable, Equatable, CustomStringConvertible {
    enum Token: Sendable, Equatable {
        case year4, year2, month(fixed: Bool), day(fixed: Bool), hour(fixed: Bool), minute, second
        case literal(UInt8)
    }

    /// The pattern as written.
    public let description: String
    let tokens: [Token]
    let isISO: Bool

    /// Compiles `pattern`; `nil` when it has no date token or uses non-ASCII literals.
    public init?(_ pattern: String) {
        description = pattern
        if pattern.lowercased() == "iso8601" {
            tokens = []
            isISO = true
            return
        }
        isISO = false
        var tokens: [Token] = []
        let b = Array(pattern.utf8)
        var i = 0
        func run(_ c: UInt8) -> Int {
            var j = i
            while j < b.count && b[j] == c { j += 1 }
            return j - i
        }
        while i < b.count {
            let c = b[i]
            let n = run(c)
            switch (c, n) {
            case (UInt8(ascii: "Y"), 4): tokens.append(.year4)
            case (UInt8(ascii: "Y"), 2): tokens.append(.year2)
            case (UInt8(ascii: "M"), 1...2): tokens.append(.month(fixed: n == 2))
            case (UInt8(ascii: "D"), 1...2): tokens.append(.day(fixed: n == 2))
            case (UInt8(ascii: "H"), 1...2): tokens.append(.hour(fixed: n == 2))
            case (UInt8(ascii: "m"), 2): tokens.append(.minute)
            case (UInt8(ascii: "s"), 2): tokens.append(.second)
            case (UInt8(ascii: "Y"), _), (UInt8(ascii: "M"), _), (UInt8(ascii: "D"), _), (UInt8(ascii: "H"), _),
                (UInt8(ascii: "m"), _), (UInt8(ascii: "s"), _):
                return nil
            default:
                if c >= 0x80 { return nil }
                for _ in 0..<n { tokens.append(.literal(c)) }
            }
            i += n
        }
        let hasYear = tokens.contains { $0 == .year4 || $0 == .year2 }
        let hasMonth = tokens.contains { if case .month = $0 { return true }; return false }
        let hasDay = tokens.contains { if case .day = $0 { return true }; return false }
        guard hasYear && hasMonth && hasDay else { return nil }
        self.tokens = tokens
    }

    /// The parts of `text` when it matches the whole pattern and names a real date.
    public func parse(_ text: String) -> DateParts? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// `parse(_:)` of the UTF-8 text `bytes`.
    func parse(bytes: UnsafeBufferPointer<UInt8>) -> DateParts? {
        guard let parts = isISO ? parseISO(bytes) : parseTokens(bytes), parts.isValid else { return nil }
        return parts
    }

    /// `parts` written in this pattern (`iso8601`: converted to UTC with a `Z`).
    public func format(_ parts: DateParts) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        if isISO {
            let u = parts.inUTC
            pad(u.year, 4, &out); out.append(UInt8(ascii: "-")); pad(u.month, 2, &out); out.append(UInt8(ascii: "-"))
            pad(u.day, 2, &out); out.append(UInt8(ascii: "T")); pad(u.hour, 2, &out); out.append(UInt8(ascii: ":"))
            pad(u.minute, 2, &out); out.append(UInt8(ascii: ":")); pad(u.second, 2, &out); out.append(UInt8(ascii: "Z"))
            return String(decoding: out, as: UTF8.self)
        }
        for token in tokens {
            switch token {
            case .year4: pad(parts.year, 4, &out)
            case .year2: pad(parts.year % 100, 2, &out)
            case .month(let fixed): pad(parts.month, fixed ? 2 : 1, &out)
            case .day(let fixed): pad(parts.day, fixed ? 2 : 1, &out)
            case .hour(let fixed): pad(parts.hour, fixed ? 2 : 1, &out)
            case .minute: pad(parts.minute, 2, &out)
            case .second: pad(parts.second, 2, &out)
            case .literal(let c): out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Calls `body` with the day of the valid `parts` as `YYYY-MM-DD`: what `format` writes for
    /// that pattern, without making a `String`.
    static func withDayText<R>(_ parts: DateParts, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { text in
            func put(_ value: Int, at offset: Int, width: Int) {
                var v = value
                for i in stride(from: offset + width - 1, through: offset, by: -1) {
                    text[i] = UInt8(v % 10) + 0x30
                    v /= 10
                }
            }
            put(parts.year, at: 0, width: 4)
            text[4] = UInt8(ascii: "-")
            put(parts.month, at: 5, width: 2)
            text[7] = UInt8(ascii: "-")
            put(parts.day, at: 8, width: 2)
            return body(UnsafeBufferPointer(text))
        }
    }

    /// Appends the decimal digits of `value` (0...9999), zero-padded to at least `width`.
    private func pad(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        var v = max(0, value)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(v % 10) + 0x30
                v /= 10
                n += 1
            } while v > 0 && n < 4
            while n < width { d[n] = 0x30; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    private func parseTokens(_ b: UnsafeBufferPointer<UInt8>) -> DateParts? {
        var parts = DateParts(year: 0, month: 0, day: 0)
        var i = 0
        for token in tokens {
            switch token {
            case .literal(let c):
                guard i < b.count, b[i] == c else { return nil }
                i += 1
            case .year4:
                guard let v = digits(b, &i, min: 4, max: 4) else { return nil }
                parts.year = v
            case .year2:
                guard let v = digits(b, &i, min: 2, max: 2) else { return nil }
                parts.year = v > 69 ? 1900 + v : 2000 + v
            case .month(let fixed):
                guard let v = digits(b, &i, min: fixed ? 2 : 1, max: 2) else { return nil }
                parts.month = v
            case .day(let fixed):
                guard let v = digits(b, &i, min: fixed ? 2 : 1, max: 2) else { return nil }
                parts.day = v
            case .hour(let fixed):
                guard let v = digits(b, &i, min: fixed ? 2 : 1, max: 2) else { return nil }
                parts.hour = v
            case .minute:
                guard let v = digits(b, &i, min: 2, max: 2) else { return nil }
                parts.minute = v
            case .second:
                guard let v = digits(b, &i, min: 2, max: 2) else { return nil }
                parts.second = v
            }
        }
        return i == b.count ? parts : nil
    }

    private func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> DateParts? {
        var i = 0
        guard let y = digits(b, &i, min: 4, max: 4), expect(b, &i, "-"),
            let m = digits(b, &i, min: 2, max: 2), expect(b, &i, "-"),
            let d = digits(b, &i, min: 2, max: 2)
        else { return nil }
        var parts = DateParts(year: y, month: m, day: d)
        if i == b.count { return parts }
        guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "t") else { return nil }
        i += 1
        guard let hh = digits(b, &i, min: 2, max: 2), expect(b, &i, ":"), let mm = digits(b, &i, min: 2, max: 2)
        else { return nil }
        parts.hour = hh
        parts.minute = mm
        if i < b.count && b[i] == UInt8(ascii: ":") {
            i += 1
            guard let ss = digits(b, &i, min: 2, max: 2) else { return nil }
            parts.second = ss
            if i < b.count && (b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",")) {
                i += 1
                guard digits(b, &i, min: 1, max: 9) != nil else { return nil }
            }
        }
        if i == b.count { return parts }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { return i + 1 == b.count ? parts : nil }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
        let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
        i += 1
        guard let oh = digits(b, &i, min: 2, max: 2), oh <= 23 else { return nil }
        if i < b.count && b[i] == UInt8(ascii: ":") { i += 1 }
        guard let om = digits(b, &i, min: 2, max: 2), om < 60, i == b.count else { return nil }
        parts.offsetSeconds = sign * (oh * 3600 + om * 60)
        return parts
    }

    private func expect(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ c: Unicode.Scalar) -> Bool {
        guard i < b.count, b[i] == UInt8(c.value) else { return false }
        i += 1
        return true
    }

    private func digits(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, min: Int, max: Int) -> Int? {
        var value = 0
        var n = 0
        while n < max && i < b.count && b[i] >= 0x30 && b[i] <= 0x39 {
            value = value * 10 + Int(b[i] - 0x30)
            i += 1
            n += 1
        }
        return n >= min ? value : nil
    }
}
