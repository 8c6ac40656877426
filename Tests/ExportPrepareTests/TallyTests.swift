import ExportCore
import Testing
@testable import ExportPrepare

@Suite struct TallyTests {
    @Test func countsLandInTheirInputAndMember() {
        var tally = Tally()
        tally.begin(RecordRun.InputPosition(input: 0, member: nil, memberFormat: "csv"))
        tally.count(\.rows)
        tally.count(\.kept)
        tally.begin(RecordRun.InputPosition(input: 1, member: "a.csv", memberFormat: "csv"))
        tally.count(\.rows)
        tally.count(\.rejected)
        tally.begin(RecordRun.InputPosition(input: 1, member: "b.csv", memberFormat: "csv"))
        tally.count(\.rows)
        tally.count(\.duplicates)
        tally.count(\.rows)
        tally.count(\.kept)
        let identity = { (path: String) in RecordRun.InputIdentity(path: path, bytes: 1, sha256: "", format: "csv") }
        let entries = tally.inputEntries([identity("one.csv"), identity("two.zip")])
        #expect(entries[0].counts.rows == 1 && entries[0].counts.kept == 1)
        #expect(entries[1].counts.rows == 3 && entries[1].counts.kept == 1 && entries[1].counts.duplicates == 1)
        #expect(entries[1].members.map(\.name) == ["a.csv", "b.csv"])
        #expect(entries[1].members[0].counts.rejected == 1 && entries[1].members[0].counts.rows == 1)
        #expect(entries[1].members[1].counts.rows == 2 && entries[1].members[1].counts.kept == 1)
        #expect(tally.total.rows == 4 && tally.total.isBalanced)
    }
}
