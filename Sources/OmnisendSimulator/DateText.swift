import ExportCore
import Foundation

/// ISO 8601 and `YYYY-MM-DD` parsing and formatting without formatters, fast enough for a
/// million items.
enum DateText {
    /// Formats as `2017-05-16T18:42:26.877Z` (UTC, milliseconds).
    static func format(_ date: Date) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = totalMillis >= 0 ? totalMillis / 86_400_000 : (totalMillis - 86_399_999) / 86_400_000
        let millisOfDay = totalMillis - days * 86_400_000
        let civil = CivilDate.date(days: Int(days))
        let (year, month, day) = (Int64(civil.year), Int64(civil.month), Int64(civil.day))
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
            d <= CivilDate.daysIn(month: m, year: y)
        else { return nil }
        return Int64(CivilDate.days(year: y, month: m, day: d))
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

    private static func pad(_ value: some BinaryInteger, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
