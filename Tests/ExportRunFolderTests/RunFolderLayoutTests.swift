import ExportRunFolder
import Testing

@Suite struct RunFolderLayoutTests {
    @Test func chunkFilesAreNumberedWithSixDigits() {
        #expect(RunFolderLayout.chunkFile(1) == "chunks/chunk-000001.json")
        #expect(RunFolderLayout.chunkFile(1_234_567) == "chunks/chunk-1234567.json")
    }

    @Test func everyLineTypeNamesItsFile() {
        #expect(ContactLine.fileName == "contacts.ndjson")
        #expect(RejectLine.fileName == "rejects.ndjson")
        #expect(DuplicateLine.fileName == "duplicates.ndjson")
        #expect(WarningLine.fileName == "warnings.ndjson")
        #expect(UnchangedLine.fileName == "unchanged.ndjson")
        #expect(LeaverLine.fileName == "leavers.ndjson")
        #expect(FailedLine.fileName == "failed.ndjson")
    }
}
