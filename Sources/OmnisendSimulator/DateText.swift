import Foundation

/// ISO 8601 and `YYYY-MM-DD` parsing and formatting without formatters, fast enough for a
/// million items.
enum DateText {
    /// Formats as `2017-05-16T18:42:26.877Z` (UTC, milliseconds).
    static func format(_ date: Date) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = totalMillis >= 0 ? totalMillis / 86_400_000 : (totalMillis - 86_399_999) / 86_400_000
        let millisOfDay = totalMillis - days * 86_400_000
        let (year, month, day) = civil(fromDays: days)
        let hour = millisOfDay / 3_600_000
        let minute = millisOfDay / 60_000 % 60
        let second = millisOfDay / 1000 % 60
        let millis = millisOfDay % 1000
        if (0...9999).contains(year) {
            return String(unsafeUninitializedCapacity: 24) { out in
                var at = 0
                func put(_ value: Int64, _ width: Int, then separator: UInt8) {
                    var rest = value
                    for offset in stride(from: width - 1, through: 0, by: -1) {
                        out[at + offset] = UInt8(48 + rest % 10)
                        rest /= 10
                    }
                    out[at + width] = separator
                    at += width + 1
                }
                put(year, 4, then: UInt8(ascii: "-"))
                put(month, 2, then: UInt8(ascii: "-"))
                put(day, 2, then: UInt8(ascii: "T"))
                put(hour, 2, then: UInt8(ascii: ":"))
                put(minute, 2, then: UInt8(ascii: ":"))
                put(second, 2, then: UInt8(ascii: "."))
                put(millis, 3, then: UInt8(ascii: "Z"))
                return at
            }
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millis, 3))Z"
    }

    /// Formats the UTC day as `YYYY-MM-DD`.
    static func formatDay(_ date: Date) -> String {
        String(format(date).prefix(10))
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH[:]MM)`; `nil` when malformed.
    static func parseTimestamp(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 16, let days = parseDayBytes(b, 0), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
            let hour = number(b, 11, 2), b[13] == UInt8(ascii: ":"), let minute = number(b, 14, 2), hour < 24, minute < 60
        else { return nil }
        var i = 16
        var seconds = 0.0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            guard let s = number(b, i + 1, 2), s < 61 else { return nil }
            seconds = Double(s)
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                var scale = 0.1
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    seconds += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
                if i == start { return nil }
            }
        }
        var offset = 0
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = number(b, i + 1, 2) else { return nil }
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ":") { i += 1 }
            guard let om = number(b, i, 2) else { return nil }
            i += 2
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let epoch = Double(days * 86_400 + Int64(hour * 3600 + minute * 60 - offset)) + seconds
        return Date(timeIntervalSince1970: epoch)
    }

    /// Parses a `YYYY-MM-DD` calendar date to its UTC midnight; `nil` when malformed or not a real day.
    static func parseDay(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 10, let days = parseDayBytes(b, 0) else { return nil }
        return Date(timeIntervalSince1970: Double(days * 86_400))
    }

    private static func parseDayBytes(_ b: [UInt8], _ at: Int) -> Int64? {
        guard b.count >= at + 10, let y = number(b, at, 4), b[at + 4] == UInt8(ascii: "-"), let m = number(b, at + 5, 2),
            b[at + 7] == UInt8(ascii: "-"), let d = number(b, at + 8, 2), (1...12).contains(m), d >= 1,
            d <= daysIn(month: m, year: y)
        else { return nil }
        return days(fromCivil: Int64(y), Int64(m), Int64(d))
    }

    private static func number(_ b: [UInt8], _ at: Int, _ count: Int) -> Int? {
        guard at + count <= b.count else { return nil }
        var value = 0
        for i in at..<(at + count) {
            guard b[i] >= 48, b[i] <= 57 else { return nil }
            value = value * 10 + Int(b[i] - 48)
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func pad(_ value: some BinaryInteger, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
