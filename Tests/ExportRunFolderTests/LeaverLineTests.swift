import ExportRunFolder
import Testing
@testable import ExportPrepare

@Suite struct LeaverLineTests {
    @Test func decodesWhatTheFastWriterWrites() throws {
        let messy = WrittenSideFile.messy
        let written = try WrittenSideFile.write(LeaverLine.self) { writer in
            for (n, text) in messy.enumerated() {
                try writer.leaver(email: text, chunk: n + 1, item: n, action: n.isMultiple(of: 2) ? "tag" : "unsubscribe")
            }
        }
        #expect(written.written == messy.count)
        #expect(written.lines == messy.enumerated().map { n, text in
            LeaverLine(email: text, chunk: n + 1, item: n, action: n.isMultiple(of: 2) ? "tag" : "unsubscribe")
        })
    }

    @Test func survivesEncodeAndDecode() throws {
        for text in WrittenSideFile.messy {
            let line = LeaverLine(email: text, chunk: 1, item: 2, action: text)
            #expect(try WrittenSideFile.roundTrip(line) == line)
        }
    }
}
