import ExportFormats
import ExportTestSupport
import Foundation
import Testing
@testable import ExportPrepare

@Suite struct RecordRunTests {
    /// The dedupe table is sized from the inputs' sizes: 256 bytes a row, compressed files
    /// counted three times; a missing file counts nothing.
    @Test func expectedRowsFollowTheInputSizes() throws {
        let dir = try TemporaryDirectory()
        try Data(count: 25_600).write(to: URL(fileURLWithPath: dir.path + "/a.csv"))
        try Data(count: 2_560).write(to: URL(fileURLWithPath: dir.path + "/b.ndjson.GZ"))
        let inputs = ["a.csv", "b.ndjson.GZ", "missing.csv"].map {
            ResolvedInput(path: dir.path + "/" + $0, format: "auto", csv: CSVOptions())
        }
        #expect(RecordRun.expectedRows(inputs) == 100 + 30)
        #expect(RecordRun.expectedRows([]) == 0)
    }
}
