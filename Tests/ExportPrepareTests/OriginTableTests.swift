import ExportCore
import Testing
@testable import ExportPrepare

@Suite struct OriginTableTests {
    @Test func namesEachInputOnceAndTellsMembersApart() {
        var table = OriginTable()
        let plain = table.append(RecordOrigin(file: "a.csv", line: 2, index: 0))
        let member = table.append(RecordOrigin(file: "b.zip", member: "x.csv", line: 5, index: 3))
        let otherMember = table.append(RecordOrigin(file: "b.zip", member: "y.csv", line: 6, index: 0))
        let backAgain = table.append(RecordOrigin(file: "a.csv", line: 9, index: 7))
        #expect(table[plain] == ("a.csv", 2))
        #expect(table[member] == ("b.zip:x.csv", 5))
        #expect(table[otherMember] == ("b.zip:y.csv", 6))
        #expect(table[backAgain] == ("a.csv", 9))
        #expect(table.inputNames == ["a.csv", "b.zip:x.csv", "b.zip:y.csv"])
        #expect(table.count == 4)
    }
}
