import ExportCore
import Foundation
import Testing

/// The calendar arithmetic shared by `DateParts`, the dedupe dates and the simulator, against
/// Foundation's Gregorian calendar and fixed days.
struct CivilDateTests {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test(arguments: [
        (0, 1970, 1, 1), (-1, 1969, 12, 31), (11_016, 2000, 2, 29), (11_017, 2000, 3, 1), (-719_162, 1, 1, 1),
        (2_932_896, 9999, 12, 31), (-135_081, 1600, 2, 29), (47_481, 2099, 12, 31), (47_482, 2100, 1, 1), (-719_528, 0, 1, 1), (-719_529, -1, 12, 31),
    ])
    func knownDays(days: Int, year: Int, month: Int, day: Int) {
        #expect(CivilDate.days(year: year, month: month, day: day) == days)
        let date = CivilDate.date(days: days)
        #expect(date.year == year && date.month == month && date.day == day)
    }

    @Test func everyDayFromYear1To9999RoundTripsAndAgreesWithFoundation() throws {
        var previous: (year: Int, month: Int, day: Int)? = nil
        for days in stride(from: -719_162, through: 2_932_896, by: 1) {
            let date = CivilDate.date(days: days)
            if CivilDate.days(year: date.year, month: date.month, day: date.day) != days {
                Issue.record("day \(days) does not round-trip: \(date)")
                return
            }
            if let previous, !(date.day == previous.day + 1 || date.day == 1 && previous.day == CivilDate.daysIn(month: previous.month, year: previous.year)) {
                Issue.record("day \(days) (\(date)) does not follow \(previous)")
                return
            }
            previous = date
        }
        // Foundation's calendar is Julian before October 1582: compare from 1583 on.
        let start = try #require(Self.utc.date(from: DateComponents(year: 1583, month: 1, day: 1)))
        let firstDay = Int(start.timeIntervalSince1970 / 86_400)
        #expect(firstDay == CivilDate.days(year: 1583, month: 1, day: 1))
        for days in stride(from: firstDay, through: 2_932_896, by: 997) {
            let date = CivilDate.date(days: days)
            let parts = Self.utc.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            #expect(parts.year == date.year && parts.month == date.month && parts.day == date.day, "day \(days)")
        }
    }

    @Test func monthLengthsKnowTheLeapYearsOfTheProlepticCalendar() throws {
        #expect([1, 4, 100, 200, 400, 1600].map { CivilDate.daysIn(month: 2, year: $0) } == [28, 29, 28, 28, 29, 29])
        for year in [1700, 1900, 2000, 2023, 2024, 2100, 9999] {
            for month in 1...12 {
                let first = try #require(Self.utc.date(from: DateComponents(year: year, month: month, day: 1)))
                #expect(CivilDate.daysIn(month: month, year: year) == Self.utc.range(of: .day, in: .month, for: first)?.count, "\(year)-\(month)")
            }
        }
    }
}
