import ExportRunFolder
import ExportTestSupport
import Foundation
import Testing

@Suite struct SideFileReaderTests {
    @Test func decodesEveryLineAcrossBlocksAndSkipsOddOnes() throws {
        let dir = try TemporaryDirectory()
        // Lines long enough that some straddle the reader's 1 MiB blocks; no newline at the end.
        var text = ""
        let padding = String(repeating: "x", count: 3000)
        for n in 0..<1000 {
            text += #"{"email":"u\#(n)@example.com","input":"\#(padding)","line":\#(n)}"# + "\n"
            if n % 100 == 0 { text += "not json\n\n[1,2]\n" + #"{"email":"no line"}"# + "\n" }
        }
        text += #"{"email":"last@example.com","input":"x","line":-1}"#
        _ = try dir.write(UnchangedLine.fileName, text)
        let lines = SideFileReader(runDirectory: dir.path).lines(UnchangedLine.self)
        #expect(lines.count == 1001)
        #expect(lines[999] == UnchangedLine(email: "u999@example.com", input: padding, line: 999))
        #expect(lines.last == UnchangedLine(email: "last@example.com", input: "x", line: -1))
    }

    @Test func stopsWhenTheBodySaysSoAndReadsAMissingFileAsEmpty() throws {
        let dir = try TemporaryDirectory()
        #expect(SideFileReader(runDirectory: dir.path).lines(ContactLine.self).isEmpty)
        _ = try dir.write(LeaverLine.fileName, (0..<10).map { #"{"email":"e\#($0)","chunk":1,"item":\#($0),"action":"tag"}"# + "\n" }.joined())
        var seen: [Int] = []
        SideFileReader(runDirectory: dir.path).forEach(LeaverLine.self) { line in
            seen.append(line.item)
            return line.item < 2
        }
        #expect(seen == [0, 1, 2])
    }
}
