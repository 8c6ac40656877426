import ExportCore
import Testing

@Suite struct RecordTests {
    let origin = RecordOrigin(file: "in.ndjson", line: 3, index: 2)

    @Test func looksUpColumnsByName() {
        let record = Record(header: Header(["Email", "Name"]), values: [.string("a@b.co"), .null], origin: origin)
        #expect(record["Email"] == .string("a@b.co"))
        #expect(record["Name"] == .null)
        #expect(record["Missing"] == nil)
    }

    @Test func followsDottedPathsIntoNestedObjects() {
        let address = JSONObject(keys: ["City", "Zip"], values: [.string("Iași"), .number("700001")])
        let record = Record(
            header: Header(["Address", "a.b"]), values: [.object(address), .string("direct")], origin: origin)
        #expect(record.value(atPath: "Address.City") == .string("Iași"))
        #expect(record.value(atPath: "Address.Zip")?.text == "700001")
        #expect(record.value(atPath: "Address.Nope") == nil)
        #expect(record.value(atPath: "a.b") == .string("direct"))
    }

    @Test func lastDuplicateKeyWinsInObjects() {
        let object = JSONObject(keys: ["email", "email"], values: [.string("first"), .string("second")])
        #expect(object["email"] == .string("second"))
    }

    @Test func originsPrintAsFileMemberLine() {
        #expect(origin.description == "in.ndjson:3")
        let member = RecordOrigin(file: "b.zip", member: "part-1.csv", line: 9, index: 7)
        #expect(member.description == "b.zip:part-1.csv:9")
        #expect(member.inputName == "b.zip:part-1.csv")
    }

    @Test func countsBalanceOnlyWhenEveryRowIsAccountedFor() {
        var counts = RunCounts()
        counts.rows = 10
        counts.kept = 6
        counts.rejected = 2
        counts.duplicates = 1
        #expect(!counts.isBalanced)
        counts.filtered = 1
        #expect(counts.isBalanced)
        var total = RunCounts()
        total.add(counts)
        total.add(counts)
        #expect(total.rows == 20 && total.isBalanced)
    }

    @Test func apiVersionsDecideLimitsAndWireNames() {
        #expect(APIVersion.v5.maxBatchItems == 1000)
        #expect(APIVersion.v2026_03_15.maxBatchItems == 100)
        #expect(APIVersion.v2026_03_15.statusDateKey == "statusChangedAt")
        #expect(APIVersion(rawValue: "2026-03-15") == .v2026_03_15)
    }
}
