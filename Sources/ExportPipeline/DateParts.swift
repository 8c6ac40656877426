import ExportCore

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
        guard day >= 1 && day <= CivilDate.daysIn(month: month, year: year) else { return false }
        return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second <= 60
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public var epochSeconds: Int64 {
        let days = CivilDate.days(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
    }

    /// The same instant in UTC (offset 0).
    public var inUTC: DateParts {
        if offsetSeconds == 0 { return self }
        let total = epochSeconds
        let days = Int(total >= 0 ? total / 86_400 : (total - 86_399) / 86_400)
        let rest = Int(total - Int64(days) * 86_400)
        let (y, m, d) = CivilDate.date(days: days)
        return DateParts(year: y, month: m, day: d, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }
}
