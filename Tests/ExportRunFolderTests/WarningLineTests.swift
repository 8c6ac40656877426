import ExportCore
import ExportRunFolder
import Testing
@testable import ExportPrepare

@Suite struct WarningLineTests {
    @Test func decodesWhatTheFastWriterWrites() throws {
        let messy = WrittenSideFile.messy
        let written = try WrittenSideFile.write(WarningLine.self) { writer in
            for (n, text) in messy.enumerated() {
                try writer.warning(origin: RecordOrigin(file: "f.csv", member: text, line: n, index: n), field: text, code: "invalid_phone", email: text)
            }
        }
        #expect(written.written == messy.count)
        #expect(written.lines == messy.enumerated().map { n, text in
            WarningLine(input: "f.csv:\(text)", line: n, field: text, code: "invalid_phone", email: text)
        })
    }

    @Test func survivesEncodeAndDecode() throws {
        for text in WrittenSideFile.messy {
            let line = WarningLine(input: text, line: 0, field: text, code: text, email: text)
            #expect(try WrittenSideFile.roundTrip(line) == line)
        }
    }
}
