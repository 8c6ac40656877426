import ExportCore
import ExportTestSupport
import Foundation
import Testing

@testable import ExportFormats

/// The public CSV corpora in `../shared/conformance/`: csv-spectrum, Apache Commons CSV's
/// CSVFileParser files, csvlint's fixtures and Markus Kuhn's UTF-8 stress file.
@Suite(.enabled(if: SharedFolder.isPresent, "../shared/conformance is absent: CSV suites not run"))
struct CSVConformanceTests {
    static var root: String { SharedFolder.path! + "/conformance" }

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + path)))
    }

    static func read(_ path: String, options: CSVOptions = CSVOptions()) throws -> ReaderVerifier.Transcript {
        try ReaderVerifier.verify(bytes: try bytes(path), randomSplits: 2) {
            CSVReader(source: $0, file: path, options: options)
        }
    }

    // MARK: csv-spectrum

    static let spectrumCases = [
        "comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json", "location_coordinates", "newlines",
        "newlines_crlf", "quotes_and_newlines", "simple", "simple_crlf", "utf8",
    ]

    @Test(arguments: spectrumCases)
    func csvSpectrumMatchesItsJSON(_ name: String) throws {
        let transcript = try Self.read("csv-spectrum/csvs/\(name).csv")
        let json = try JSONSerialization.jsonObject(with: Data(try Self.bytes("csv-spectrum/json/\(name).json")))
        // location_coordinates.json is a bare object, not an array, upstream.
        let expected = try #require(json as? [[String: String]] ?? (json as? [String: String]).map { [$0] })
        var actual = transcript.records.map { record in
            Dictionary(uniqueKeysWithValues: zip(record.header.names, record.values.map { $0.text ?? "" }))
        }
        if name == "location_coordinates" {
            // Upstream's expected JSON disagrees with its own CSV on this one value; pinned here.
            #expect(actual.first?["Contact Phone Number"] == "2095257564")
            actual[0]["Contact Phone Number"] = "1234567890"
        }
        #expect(transcript.error == nil)
        #expect(transcript.rejections.isEmpty)
        #expect(actual == expected)
    }

    // MARK: Apache Commons CSV

    /// Our rows in the control files' notation: `N:[v1, v2]` for the header and records, and
    /// `reject:reason` for a rejected row.
    static func commonsNotation(_ transcript: ReaderVerifier.Transcript) -> [String] {
        let header = transcript.records.first?.header.names ?? []
        return ["\(header.count):[\(header.joined(separator: ", "))]"]
            + transcript.outcomes.map { outcome in
                switch outcome {
                case .record(let r): return "\(r.values.count):[\(r.values.map { $0.text ?? "" }.joined(separator: ", "))]"
                case .malformed(let m): return "reject:\(m.reason)"
                }
            }
    }

    /// The control file's expected rows, with our two documented differences applied: blank lines
    /// are skipped (not `1:[]` records) and a row whose field count differs from the header row is
    /// rejected (`reject:field_count`) instead of returned.
    static func commonsExpectation(_ control: String) throws -> (csv: String, rows: [String]) {
        let lines = String(decoding: try bytes("commons-csv-fileparser/\(control)"), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let csv = String(lines[0].split(separator: " ")[0])
        let records = lines.dropFirst(2).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        let headerCount = Int(records.first!.prefix { $0 != ":" })!
        let rows = records.enumerated().compactMap { position, row -> String? in
            if row == "1:[]" { return nil }
            return position == 0 || Int(row.prefix { $0 != ":" }) == headerCount ? row : "reject:field_count"
        }
        return (csv, rows)
    }

    @Test(arguments: ["test_rfc4180.txt", "test_default.txt"])
    func commonsCSVControlFileMatches(_ control: String) throws {
        let (csv, expected) = try Self.commonsExpectation(control)
        let transcript = try Self.read("commons-csv-fileparser/\(csv)")
        #expect(transcript.error == nil)
        #expect(Self.commonsNotation(transcript) == expected)
    }

    @Test func commonsCSVTrimIsNotSupportedAndDiffersOnlyInSpaces() throws {
        // IgnoreSpaces=true trims around fields; we keep fields as written.
        let (csv, expected) = try Self.commonsExpectation("test_rfc4180_trim.txt")
        let ours = Self.commonsNotation(try Self.read("commons-csv-fileparser/\(csv)"))
        #expect(ours.count == expected.count)
        let differing = zip(ours, expected).filter { $0 != $1 }
        #expect(differing.map(\.0) == ["4:[ e , f ,  g, h ]", "4:[ i ,  \" j \" ,  \" k \",  l ]"])
    }

    /// Control files that need comment lines (`CommentStart=#`), which we do not support: a `#`
    /// line is data to us. Pinned: each reads without an error, with these (records, rejections).
    @Test(arguments: [
        ("test_default_comment.txt", 5, 7),
        ("testCSV85_default.txt", 4, 3),
        ("testCSV85_ignoreEmpty.txt", 4, 3),
        ("testCSV246_checkWithNoComment.txt", 2, 4),
    ])
    func commonsCSVCommentFilesArePinned(_ control: String, _ records: Int, _ rejections: Int) throws {
        let (csv, _) = try Self.commonsExpectation(control)
        let transcript = try Self.read("commons-csv-fileparser/\(csv)")
        #expect(transcript.error == nil)
        #expect(transcript.records.count == records)
        #expect(transcript.rejections.count == rejections)
    }

    @Test func commonsCSVBomIsNotPartOfTheFirstName() throws {
        let transcript = try Self.read("commons-csv-fileparser/bom.csv")
        #expect(transcript.records.first?.header.names == ["Date", " Open", " High", " Low", " Close", " Volume"])
        #expect(transcript.rejections.isEmpty)
        #expect(transcript.records.count > 200)
    }

    // MARK: csvlint

    /// Each fixture's verdict, pinned: records read, then `reason@line` for each rejected row.
    @Test(arguments: [
        ("cr-line-endings.csv", 2, [String]()),
        ("crlf-line-endings.csv", 2, []),
        ("lf-line-endings.csv", 2, []),
        ("windows-line-endings.csv", 1, []),
        // csvlint flags mixed line endings (`line_breaks`); we accept each line end as it comes.
        ("inconsistent-line-endings.csv", 2, []),
        ("inconsistent-line-endings-unquoted.csv", 2, []),
        // A title line above the header (csvlint's `title_row` warning): with its two empty
        // fields it has three, so it becomes the header and the rows below it are read.
        ("title-row.csv", 3, []),
        // A stray quote after a closed field on row 4 is rejected; the blank row is skipped.
        ("invalid_many_rows.csv", 9, ["stray_quote@4"]),
        ("valid.csv", 2, []),
        ("valid_many_rows.csv", 6, []),
    ])
    func csvlintFixtureIsPinned(_ name: String, _ records: Int, _ rejections: [String]) throws {
        let transcript = try Self.read("csvlint/fixtures/\(name)")
        #expect(transcript.error == nil)
        #expect(transcript.records.count == records)
        #expect(transcript.rejections.map { "\($0.reason)@\($0.origin.line)" } == rejections)
    }

    @Test func csvlintInvalidByteSequenceIsRefusedAsUTF8AndReadAsLatin1() throws {
        // ISO-8859-1 bytes (csvlint's `invalid_encoding`): already in the header row, so the
        // input is refused with a hint; declared as latin-1 it reads cleanly.
        let path = "csvlint/fixtures/invalid-byte-sequence.csv"
        let error = try #require(try Self.read(path).error)
        #expect(error.code == .corruptInput)
        #expect(error.message.contains("set its encoding to latin-1"))
        let latin1 = try Self.read(path, options: CSVOptions(encoding: .latin1))
        #expect(latin1.error == nil)
        #expect(latin1.rejections.isEmpty)
        #expect(latin1.records.first?.header.names.contains("Histórico") == true)
    }

    // MARK: UTF-8 stress

    @Test func kuhnStressFileReadsAsOneColumnWithoutCrashing() throws {
        // The stored copy (see its LICENSE-NOTE) has its malformed sequences already replaced by
        // U+FFFD, so every line is valid UTF-8; the malformed sequences are rebuilt below.
        let options = CSVOptions(delimiter: 9, quote: 0x01, columns: ["line"])
        let transcript = try Self.read("utf8-kuhn-stress/UTF-8-test.txt", options: options)
        #expect(transcript.error == nil)
        #expect(transcript.rejections.isEmpty)
        #expect(transcript.records.count == 292)
    }

    /// Kuhn's sections 3–5 (unexpected continuation bytes, lonely start bytes, sequences missing
    /// their last byte, impossible bytes, overlong forms, surrogates), each on its own line between
    /// valid lines: every one is `invalid_utf8` on its own line, the valid lines are records.
    @Test func kuhnMalformedSequencesAreRejectedByLine() throws {
        let malformed: [[UInt8]] = [
            [0x80], [0xBF], [0x80, 0xBF, 0x80], [0xC0, 0x20], [0xE0, 0x20], [0xF0, 0x20], [0xF8, 0x20], [0xFC, 0x20],
            [0xC0], [0xE0, 0x80], [0xF0, 0x80, 0x80], [0xDF], [0xEF, 0xBF], [0xF7, 0xBF, 0xBF], [0xFE], [0xFF],
            [0xFE, 0xFE, 0xFF, 0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF],
            [0xF8, 0x80, 0x80, 0x80, 0xAF], [0xC1, 0xBF], [0xE0, 0x9F, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF], [0xC0, 0x80],
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        ]
        var input = Array("line\n".utf8)
        for sequence in malformed { input += Array("ok|".utf8) + sequence + Array("|\nok\n".utf8) }
        let transcript = try ReaderVerifier.verify(bytes: input, randomSplits: 2) {
            CSVReader(source: $0, file: "kuhn.csv", options: CSVOptions(delimiter: 9))
        }
        #expect(transcript.rejections.count == malformed.count)
        #expect(transcript.rejections.allSatisfy { $0.reason == "invalid_utf8" && $0.origin.line % 2 == 0 })
        #expect(transcript.records.count == malformed.count)
    }
}
