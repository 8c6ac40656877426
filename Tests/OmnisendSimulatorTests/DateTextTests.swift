import Foundation
import Testing
@testable import OmnisendSimulator

@Suite("DateText")
struct DateTextTests {
    @Test func formatsWithMilliseconds() {
        #expect(DateText.format(Date(timeIntervalSince1970: 1_494_960_146.877)) == "2017-05-16T18:42:26.877Z")
        #expect(DateText.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(DateText.formatDay(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29")
    }

    @Test func parsesTimestampsWithZonesAndFractions() {
        #expect(DateText.parseTimestamp("2017-05-30T15:14:22Z")?.timeIntervalSince1970 == 1_496_157_262)
        #expect(DateText.parseTimestamp("2017-05-30T17:14:22+02:00")?.timeIntervalSince1970 == 1_496_157_262)
        #expect(DateText.parseTimestamp("2017-05-30T15:14:22.5Z")?.timeIntervalSince1970 == 1_496_157_262.5)
        #expect(DateText.parseTimestamp("2017-05-30T15:14Z")?.timeIntervalSince1970 == 1_496_157_240)
    }

    @Test(arguments: ["2017-05-30", "2017-13-01T00:00:00Z", "2017-02-30T00:00:00Z", "2017-05-30T15:14:22", "yesterday", "2017-05-30T25:00:00Z"])
    func rejectsMalformedTimestamps(_ text: String) {
        #expect(DateText.parseTimestamp(text) == nil)
    }

    @Test func parsesDays() {
        #expect(DateText.parseDay("1981-11-05")?.timeIntervalSince1970 == 373_766_400)
        #expect(DateText.parseDay("1981-02-29") == nil)
        #expect(DateText.parseDay("1981-1-05") == nil)
    }
}
