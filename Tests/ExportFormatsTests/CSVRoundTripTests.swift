import ExportCore
import ExportTestSupport
import Testing

@testable import ExportFormats

/// Property: any table written as CSV (quoting what needs it) reads back equal, in any chunking.
@Suite struct CSVRoundTripTests {
    static let pieces = ["a", "Z", "0", " ", "\"", ",", ";", "|", "\t", "\n", "\r\n", "\r", "é", "李", "😀", "\u{2028}", "\0", "\"\""]

    static func randomField(_ random: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    /// Writes one field, quoting it when it holds the delimiter, a quote, a line break or is empty.
    static func write(_ field: String, delimiter: Character) -> String {
        let needsQuotes = field.isEmpty || field.contains(delimiter) || field.contains("\"")
            || field.unicodeScalars.contains { $0 == "\n" || $0 == "\r" } || field.hasPrefix(" ") || field.hasSuffix(" ")
            || field.hasPrefix("\t") || field.hasSuffix("\t")
        guard needsQuotes else { return field }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    @Test(arguments: 0..<200)
    func writtenTableReadsBackEqual(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        let delimiter: Character = [",", ";", "\t", "|"].randomElement(using: &random)!
        let columns = Int.random(in: 1...5, using: &random)
        let rows = (0...Int.random(in: 0...12, using: &random)).map { _ in
            (0..<columns).map { _ in Self.randomField(&random) }
        }
        let lineEnd = Bool.random(using: &random) ? "\n" : "\r\n"
        var text = rows.map { row in row.map { Self.write($0, delimiter: delimiter) }.joined(separator: String(delimiter)) }
            .joined(separator: lineEnd)
        if Bool.random(using: &random) { text += lineEnd }
        let options = CSVOptions(delimiter: delimiter.asciiValue!)
        let transcript = try ReaderVerifier.verify(bytes: Array(text.utf8), randomSplits: 2, seed: UInt64(seed)) {
            CSVReader(source: $0, file: "p.csv", options: options)
        }
        #expect(transcript.error == nil)
        #expect(transcript.rejections.isEmpty, "\(transcript.rejections)")
        #expect(transcript.records.first?.header.names ?? rows[0] == rows[0])
        #expect(transcript.records.map { $0.values.map { $0.text! } } == Array(rows.dropFirst()), "input: \(text.debugDescription)")
    }
}
