import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
import Testing
@testable import ExportRunFolder
@testable import ExportUpload

@Suite struct FailedLineTests {
    @Test func decodesWhatTheFailedListWriterWrites() throws {
        // Given a run of 4 contacts in 2 chunks whose inputs have messy names, item 1 of chunk 1
        // refused and chunk 2 failed whole,
        let messy = WrittenSideFile.messy
        let folder = try TestRunFolder.make(contacts: 4, perChunk: 2)
        let contacts = (0..<4).map { n in
            "{\"email\":\(JSONText.quoted(TestRunFolder.email(n))),\"chunk\":\(n / 2 + 1),\"item\":\(n % 2),"
                + "\"input\":\(JSONText.quoted(messy[n + 2])),\"line\":\(n + 2)}\n"
        }
        try AtomicFileWriter.write(Array(contacts.joined().utf8), to: "\(folder)/\(RunFolderLayout.contacts)")
        let manifest = try ManifestFile.read(runDirectory: folder)
        let store = try CheckpointStore(runDirectory: folder)
        try store.seed(
            chunks: manifest.chunks.enumerated().map {
                RunManifestChunk(number: $0.offset + 1, file: $0.element.file, sha256: $0.element.sha256, contacts: $0.element.contacts)
            }, manifestSHA256: "m")
        let answer = #"{"error":"bad \"value\" \u0041 😀","fields":{"phone":["not E.164","tab\tthere"]}}"#
        try store.markDone(1, accepted: 1, failedItems: [FailedItem(chunk: 1, item: 1, responseCode: 400, response: answer, retryable: false)])
        try store.markFailed(2, reason: messy[6], retryable: true)

        // when the writer writes failed.ndjson,
        #expect(try FailedListWriter(runDirectory: folder, store: store).write() == 3)

        // then every line decodes into what the checkpoint and the contacts file said.
        let lines = SideFileReader(runDirectory: folder).lines(FailedLine.self)
        func contact(_ n: Int) throws -> FieldValue {
            try JSONDecoder().decode(JSONValueCoding.self, from: Data(TestRunFolder.item(n).utf8)).value
        }
        #expect(lines == [
            FailedLine(
                email: TestRunFolder.email(1), chunk: 1, item: 1, input: messy[3], line: 3, retryable: false,
                error: ItemError(status: 400, message: #"bad "value" A 😀"#, fields: ["phone": ["not E.164", "tab\tthere"]]), contact: try contact(1)),
            FailedLine(
                email: TestRunFolder.email(2), chunk: 2, item: 0, input: messy[4], line: 4, retryable: true,
                error: ItemError(status: 0, message: messy[6].trimmingCharacters(in: .whitespaces)), contact: try contact(2)),
            FailedLine(
                email: TestRunFolder.email(3), chunk: 2, item: 1, input: messy[5], line: 5, retryable: true,
                error: ItemError(status: 0, message: messy[6].trimmingCharacters(in: .whitespaces)), contact: try contact(3)),
        ])
    }

    @Test func survivesEncodeAndDecodeAndReadsAMissingContactAsNull() throws {
        for text in WrittenSideFile.messy {
            let line = FailedLine(
                email: text, chunk: 1, item: 2, input: text, line: 3, retryable: true, error: ItemError(status: 429, message: text, fields: [text: [text]]),
                contact: .object(JSONObject(keys: ["a", "b"], values: [.string(text), .array([.number("1"), .null])])))
            #expect(try WrittenSideFile.roundTrip(line) == line)
        }
        let bare = #"{"email":"e","chunk":1,"item":0,"input":"","line":0,"retryable":false,"error":{"fields":{},"message":"m","status":0}}"#
        #expect(SideFileReader.decode(FailedLine.self, from: Array(bare.utf8))?.contact == .null)
    }
}
