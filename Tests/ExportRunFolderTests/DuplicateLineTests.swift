import ExportCore
import ExportRunFolder
import Testing
@testable import ExportPrepare

@Suite struct DuplicateLineTests {
    @Test func decodesWhatTheFastWriterWritesUnderEveryPolicy() throws {
        let messy = WrittenSideFile.messy
        let policies: [SideFileWriter.KeptBecause] = [
            .first, .last, .newest(date: "2024-01-02T00:00:00Z", keptDate: "2025-01-01T00:00:00Z"), .newest(date: nil, keptDate: nil),
        ]
        var expected: [DuplicateLine] = []
        let written = try WrittenSideFile.write(DuplicateLine.self) { writer in
            for (n, text) in messy.enumerated() {
                for because in policies {
                    let origin = RecordOrigin(file: text, line: n, index: n)
                    try WrittenSideFile.withBytes(text) { try writer.duplicate(origin: origin, email: $0, keptInput: text, keptLine: n + 1, because: because) }
                    var line = DuplicateLine(input: text, line: n, email: text, keptInput: text, keptLine: n + 1, policy: "first")
                    switch because {
                    case .first: break
                    case .last: line.policy = "last"
                    case .newest(let date, let keptDate): (line.policy, line.date, line.keptDate) = ("newest", date, keptDate)
                    }
                    expected.append(line)
                }
            }
        }
        #expect(written.written == expected.count)
        #expect(written.lines == expected)
    }

    @Test func survivesEncodeAndDecode() throws {
        for text in WrittenSideFile.messy {
            let first = DuplicateLine(input: text, line: 2, email: text, keptInput: text, keptLine: 1, policy: "first")
            let newest = DuplicateLine(input: text, line: 2, email: text, keptInput: "k", keptLine: 1, policy: "newest", date: text, keptDate: nil)
            #expect(try WrittenSideFile.roundTrip(first) == first)
            #expect(try WrittenSideFile.roundTrip(newest) == newest)
        }
    }
}
