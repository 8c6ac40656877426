import ExportRunFolder
import ExportTestSupport
import Testing
@testable import ExportUpload

@Suite struct ContactIndexTests {
    @Test func readsTheLinesOfTheChunksAskedFor() throws {
        let dir = try TemporaryDirectory()
        let lines = (0..<6).map { #"{"email":"u\#($0)@x.co","chunk":\#($0 / 2 + 1),"item":\#($0 % 2),"input":"in.csv","line":\#($0 + 2)}"# }
        _ = try dir.write(RunFolderLayout.contacts, (lines + ["{}"]).joined(separator: "\n"))
        let some = ContactIndex(runDirectory: dir.path, chunks: [2])
        #expect(some.entries.keys.sorted() == [2])
        #expect(some.entry(chunk: 2, item: 1) == ContactLine(email: "u3@x.co", chunk: 2, item: 1, input: "in.csv", line: 5))
        #expect(some.entry(chunk: 1, item: 0) == nil)
        #expect(ContactIndex(runDirectory: dir.path, chunks: nil).entries.values.map(\.count).reduce(0, +) == 6)
        #expect(ContactIndex(runDirectory: dir.path, chunks: []).entries.isEmpty)
    }
}
