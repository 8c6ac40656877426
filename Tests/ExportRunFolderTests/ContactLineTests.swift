import ExportCore
import ExportRunFolder
import Testing
@testable import ExportPrepare

@Suite struct ContactLineTests {
    @Test func decodesWhatTheFastWriterWrites() throws {
        let messy = WrittenSideFile.messy
        let written = try WrittenSideFile.write(ContactLine.self) { writer in
            for (n, text) in messy.enumerated() {
                let origin = RecordOrigin(file: text, member: n.isMultiple(of: 2) ? nil : text, line: n + 2, index: n)
                try WrittenSideFile.withBytes(text + "@example.com") { try writer.contact(email: $0, chunk: n + 1, item: n * 1000, origin: origin) }
            }
        }
        #expect(written.written == messy.count)
        #expect(written.lines == messy.enumerated().map { n, text in
            ContactLine(email: text + "@example.com", chunk: n + 1, item: n * 1000, input: n.isMultiple(of: 2) ? text : "\(text):\(text)", line: n + 2)
        })
    }

    @Test func survivesEncodeAndDecode() throws {
        for text in WrittenSideFile.messy {
            let line = ContactLine(email: text, chunk: 3, item: 0, input: text, line: Int.max)
            #expect(try WrittenSideFile.roundTrip(line) == line)
        }
    }
}
