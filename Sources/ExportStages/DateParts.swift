/// A calendar date and time of day with a UTC offset, as parsed by `DatePattern`.
public struct DateParts: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour = 0
    public var minute = 0
    public var second = 0
    /// Offset from UTC in seconds (`+02:00` → 7200); 0 when the text names none.
    public var offsetSeconds = 0

    /// Creates parts; no range checks (see `isValid`).
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, offsetSeconds: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.offsetSeconds = offsetSeconds
    }

    /// Whether the parts name a real date and time (Gregorian, years 1–9999, leap years known).
    public var isValid: Bool {
        guard year >= 1 && year <= 9999, month >= 1 && month <= 12 else { return false }
        guard day >= 1 && day <= Self.daysIn(month: month, year: year) else { return false }
        return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second <= 60
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public var epochSeconds: Int64 {
        let days = Self.daysFromCivil(year, month, day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
    }

    /// The same instant in UTC (offset 0).
    public var inUTC: DateParts {
        if offsetSeconds == 0 { return self }
        let total = epochSeconds
        let days = Int(total >= 0 ? total / 86_400 : (total - 86_399) / 86_400)
        let rest = Int(total - Int64(days) * 86_400)
        let (y, m, d) = Self.civilFromDays(days)
        return DateParts(year: y, month: m, day: d, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian (year, month, day) of day `z0` counted from 1970-01-01 (Howard
    /// Hinnant's civil_from_days).
    public static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
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
