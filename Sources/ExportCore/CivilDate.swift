/// Calendar arithmetic on the proleptic Gregorian calendar, counted in days from 1970-01-01
/// (Howard Hinnant's `days_from_civil` / `civil_from_days`): the one copy shared by the mapping
/// language's dates (`DateParts`), the dedupe dates in `duplicates.ndjson` and the simulator's
/// timestamps. Exact for every `Int` day a 64-bit date can name; no range checks.
public enum CivilDate {
    /// The day number of `year`-`month`-`day` (1970-01-01 is 0, 1969-12-31 is -1).
    @inlinable
    public static func days(year y0: Int, month m: Int, day d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The (year, month, day) of day number `z0`.
    @inlinable
    public static func date(days z0: Int) -> (year: Int, month: Int, day: Int) {
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

    /// The days in `month` (1–12) of `year`, leap years known (29 in a February of a year
    /// divisible by 4 but not by 100, or by 400).
    @inlinable
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
