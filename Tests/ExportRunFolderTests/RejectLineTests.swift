import ExportCore
import ExportRunFolder
import Testing
@testable import ExportPrepare

@Suite struct RejectLineTests {
    @Test func decodesWhatTheFastWriterWritesWithANullEmail() throws {
        let messy = WrittenSideFile.messy
        let rejections = messy.enumerated().map { n, text in
            Rejection(
                origin: RecordOrigin(file: "in.zip", member: text, line: n, index: n), reason: "invalid_email", detail: text,
                email: n.isMultiple(of: 3) ? nil : text)
        }
        let written = try WrittenSideFile.write(RejectLine.self) { writer in
            for rejection in rejections { try writer.reject(rejection) }
        }
        #expect(written.written == messy.count)
        #expect(written.lines == rejections.map {
            RejectLine(input: $0.origin.inputName, line: $0.origin.line, reason: $0.reason, detail: $0.detail, email: $0.email)
        })
        #expect(String(decoding: written.bytes, as: UTF8.self).hasPrefix(#"{"input":"in.zip:plain","line":0,"reason":"invalid_email","detail":"plain","email":null}"#))
    }

    @Test func survivesEncodeAndDecodeWithAndWithoutEmail() throws {
        for text in WrittenSideFile.messy {
            for email in [nil, text] {
                let line = RejectLine(input: text, line: 1, reason: text, detail: text, email: email)
                #expect(try WrittenSideFile.roundTrip(line) == line)
            }
        }
    }
}
