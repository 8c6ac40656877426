import ExportCore
import ExportRunFolder
import Testing
@testable import ExportPrepare

@Suite struct UnchangedLineTests {
    @Test func decodesWhatTheFastWriterWrites() throws {
        let messy = WrittenSideFile.messy
        let written = try WrittenSideFile.write(UnchangedLine.self) { writer in
            for (n, text) in messy.enumerated() {
                let origin = RecordOrigin(file: text, line: n * 7, index: n)
                try WrittenSideFile.withBytes(text) { try writer.unchanged(email: $0, origin: origin) }
            }
        }
        #expect(written.written == messy.count)
        #expect(written.lines == messy.enumerated().map { UnchangedLine(email: $1, input: $1, line: $0 * 7) })
    }

    @Test func survivesEncodeAndDecode() throws {
        for text in WrittenSideFile.messy {
            let line = UnchangedLine(email: text, input: text, line: -1)
            #expect(try WrittenSideFile.roundTrip(line) == line)
        }
    }
}
