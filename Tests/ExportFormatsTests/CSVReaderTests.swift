import ExportCore
import ExportTestSupport
import Testing

@testable import ExportFormats

/// What one CSV input should give: rows as (line, values) or (line, reason, detail), and an error.
struct CSVCase: Sendable, CustomTestStringConvertible {
    enum Row: Sendable, Equatable {
        case values(line: Int, [String])
        case rejected(line: Int, reason: String, detail: String)
    }

    var name: String
    var input: [UInt8]
    var options = CSVOptions()
    var header: [String]?
    var rows: [Row]
    var errorContains: String?

    var testDescription: String { name }

    init(
        _ name: String, _ text: String, options: CSVOptions = CSVOptions(), header: [String]?, rows: [Row],
        errorContains: String? = nil
    ) {
        self.init(name, bytes: Array(text.utf8), options: options, header: header, rows: rows, errorContains: errorContains)
    }

    init(
        _ name: String, bytes: [UInt8], options: CSVOptions = CSVOptions(), header: [String]?, rows: [Row],
        errorContains: String? = nil
    ) {
        self.name = name
        self.input = bytes
        self.options = options
        self.header = header
        self.rows = rows
        self.errorContains = errorContains
    }

    static let all: [CSVCase] = [
        CSVCase("plain", "a,b\n1,2\n3,4\n", header: ["a", "b"], rows: [.values(line: 2, ["1", "2"]), .values(line: 3, ["3", "4"])]),
        CSVCase("quoted delimiter", "a,b\n\"x,y\",z\n", header: ["a", "b"], rows: [.values(line: 2, ["x,y", "z"])]),
        CSVCase("doubled quotes", "a\n\"he said \"\"hi\"\"\"\n", header: ["a"], rows: [.values(line: 2, ["he said \"hi\""])]),
        CSVCase("CRLF", "a,b\r\n1,2\r\n3,4\r\n", header: ["a", "b"], rows: [.values(line: 2, ["1", "2"]), .values(line: 3, ["3", "4"])]),
        CSVCase("lone CR line ends", "a,b\r1,2\r3,4", header: ["a", "b"], rows: [.values(line: 2, ["1", "2"]), .values(line: 3, ["3", "4"])]),
        CSVCase("UTF-8 BOM", "\u{FEFF}email,name\nx@y.z,Ana\n", header: ["email", "name"], rows: [.values(line: 2, ["x@y.z", "Ana"])]),
        CSVCase(
            "embedded LF", "a,b\n\"line1\nline2\",x\n3,4\n", header: ["a", "b"],
            rows: [.values(line: 2, ["line1\nline2", "x"]), .values(line: 4, ["3", "4"])]),
        CSVCase(
            "embedded CRLF is data", "a,b\r\n\"l1\r\nl2\",x\r\n3,4\r\n", header: ["a", "b"],
            rows: [.values(line: 2, ["l1\r\nl2", "x"]), .values(line: 4, ["3", "4"])]),
        CSVCase("trailing comma is an empty last field", "a,b,c\n1,2,\n", header: ["a", "b", "c"], rows: [.values(line: 2, ["1", "2", ""])]),
        CSVCase("missing final newline", "a,b\n1,2", header: ["a", "b"], rows: [.values(line: 2, ["1", "2"])]),
        CSVCase(
            "semicolon", "a;b\n\"1;x\";2\n", options: CSVOptions(delimiter: UInt8(ascii: ";")), header: ["a", "b"],
            rows: [.values(line: 2, ["1;x", "2"])]),
        CSVCase(
            "tab", "a\tb\n\"1\tx\" \t2\n", options: CSVOptions(delimiter: 9), header: ["a", "b"],
            rows: [.values(line: 2, ["1\tx", "2"])]),
        CSVCase(
            "pipe", "a|b\n1|2,3\n", options: CSVOptions(delimiter: UInt8(ascii: "|")), header: ["a", "b"],
            rows: [.values(line: 2, ["1", "2,3"])]),
        CSVCase(
            "single-quote quoting", "a,b\n'x,''y''',z\n", options: CSVOptions(quote: UInt8(ascii: "'")), header: ["a", "b"],
            rows: [.values(line: 2, ["x,'y'", "z"])]),
        CSVCase(
            "ragged rows", "a,b,c\n1,2\n4,5,6\n7,8,9,10\n", header: ["a", "b", "c"],
            rows: [
                .rejected(line: 2, reason: "field_count", detail: "expected 3 fields, found 2"),
                .values(line: 3, ["4", "5", "6"]),
                .rejected(line: 4, reason: "field_count", detail: "expected 3 fields, found 4"),
            ]),
        CSVCase(
            "invalid UTF-8 row", bytes: Array("a,b\n1,x".utf8) + [0xC3, 0x28] + Array("\n2,3\n".utf8), header: ["a", "b"],
            rows: [
                .rejected(line: 2, reason: "invalid_utf8", detail: "invalid UTF-8 in field 2 ('b') at byte offset 1 of the field"),
                .values(line: 3, ["2", "3"]),
            ]),
        CSVCase(
            "a character split across two fields", bytes: Array("a,b\n".utf8) + [0xC3, 0x2C, 0xA9] + Array("\n1,2\n".utf8),
            header: ["a", "b"],
            rows: [
                .rejected(line: 2, reason: "invalid_utf8", detail: "invalid UTF-8 in field 1 ('a') at byte offset 0 of the field"),
                .values(line: 3, ["1", "2"]),
            ]),
        CSVCase(
            "blank lines are skipped", "a\n\n1\n\r\n\n2\n\n", header: ["a"],
            rows: [.values(line: 3, ["1"]), .values(line: 6, ["2"])]),
        CSVCase("empty quoted field", "a,b\n\"\",x\n", header: ["a", "b"], rows: [.values(line: 2, ["", "x"])]),
        CSVCase("space after closing quote", "a,b\n\"x\"  ,y\n", header: ["a", "b"], rows: [.values(line: 2, ["x", "y"])]),
        CSVCase(
            "text after closing quote", "a,b\n\"x\"y,z\n1,2\n", header: ["a", "b"],
            rows: [
                .rejected(line: 2, reason: "stray_quote", detail: "field 1 ('a') has text after its closing quote"),
                .values(line: 3, ["1", "2"]),
            ]),
        CSVCase("quote inside an unquoted field is text", "a\nab\"c\n", header: ["a"], rows: [.values(line: 2, ["ab\"c"])]),
        CSVCase("NUL bytes are ordinary", "a,b\n\0,x\0y\n", header: ["a", "b"], rows: [.values(line: 2, ["\0", "x\0y"])]),
        CSVCase("unicode", "name\nȘtefan 李 😀\n", header: ["name"], rows: [.values(line: 2, ["Ștefan 李 😀"])]),
        CSVCase(
            "columns given by the pipeline", "1,2\n3,4\n", options: CSVOptions(columns: ["x", "y"]), header: ["x", "y"],
            rows: [.values(line: 1, ["1", "2"]), .values(line: 2, ["3", "4"])]),
        CSVCase("header names kept as written", " A ,b b,\"c,d\"\n", header: [" A ", "b b", "c,d"], rows: []),
        CSVCase("empty file", "", header: nil, rows: []),
        CSVCase("only a BOM", "\u{FEFF}", header: nil, rows: []),
        CSVCase("only blank lines", "\n\r\n\n", header: nil, rows: []),
        CSVCase("header only", "a,b\n", header: ["a", "b"], rows: []),
        CSVCase("header only, no newline", "a,b", header: ["a", "b"], rows: []),
        CSVCase(
            "unterminated quote names the opening line", "a,b\n1,2\n\"open,3\nmore\n", header: ["a", "b"],
            rows: [.values(line: 2, ["1", "2"])], errorContains: "unterminated quoted field, opened on line 3"),
        CSVCase(
            "latin-1", bytes: Array("name\nJos".utf8) + [0xE9, 0x0A, 0xFF, 0x0A], options: CSVOptions(encoding: .latin1),
            header: ["name"], rows: [.values(line: 2, ["José"]), .values(line: 3, ["ÿ"])]),
        CSVCase(
            "windows-1252", bytes: Array("price\n".utf8) + [0x80, 0x20, 0x35, 0x0A, 0x93, 0x71, 0x94, 0x0A, 0x81, 0x8D, 0x0A],
            options: CSVOptions(encoding: .windows1252), header: ["price"],
            rows: [.values(line: 2, ["€ 5"]), .values(line: 3, ["“q”"]), .values(line: 4, ["\u{81}\u{8D}"])]),
        CSVCase(
            "field over the limit, unquoted", "a,b\n12345,x\n1,2\n", options: CSVOptions(maxFieldBytes: 4), header: ["a", "b"],
            rows: [
                .rejected(line: 2, reason: "field_too_large", detail: "field 1 ('a') is larger than the limit of 4 bytes"),
                .values(line: 3, ["1", "2"]),
            ]),
        CSVCase(
            "field over the limit, quoted over lines", "a,b\nx,\"12\n345\"\n1,2\n", options: CSVOptions(maxFieldBytes: 4),
            header: ["a", "b"],
            rows: [
                .rejected(line: 2, reason: "field_too_large", detail: "field 2 ('b') is larger than the limit of 4 bytes"),
                .values(line: 4, ["1", "2"]),
            ]),
        CSVCase(
            "record over the limit", "a\n" + String(repeating: "x,", count: 10) + "\n1\n",
            options: CSVOptions(maxFieldBytes: 4, maxRecordBytes: 40), header: ["a"],
            rows: [
                .rejected(line: 2, reason: "record_too_large", detail: "the record is larger than the limit of 40 bytes (reached at field 5)"),
                .values(line: 3, ["1"]),
            ]),
        CSVCase("UTF-16 LE is refused", bytes: [0xFF, 0xFE, 0x61, 0x00], header: nil, rows: [], errorContains: "looks like UTF-16"),
        CSVCase("UTF-16 BE is refused", bytes: [0xFE, 0xFF, 0x00, 0x61], header: nil, rows: [], errorContains: "looks like UTF-16"),
        CSVCase(
            "UTF-16 is refused in latin-1 too", bytes: [0xFF, 0xFE, 0x61, 0x00], options: CSVOptions(encoding: .latin1),
            header: nil, rows: [], errorContains: "re-save it as UTF-8"),
    ]
}

@Suite struct CSVReaderTests {
    @Test(arguments: CSVCase.all)
    func readsTableCase(_ c: CSVCase) throws {
        let transcript = try ReaderVerifier.verify(bytes: c.input) {
            CSVReader(source: $0, file: "in.csv", options: c.options)
        }
        let rows = transcript.outcomes.map { outcome -> CSVCase.Row in
            switch outcome {
            case .record(let record):
                return .values(line: record.origin.line, record.values.map { $0.text ?? "<non-text>" })
            case .malformed(let rejection):
                return .rejected(line: rejection.origin.line, reason: rejection.reason, detail: rejection.detail)
            }
        }
        #expect(rows == c.rows)
        #expect(transcript.outcomes.enumerated().allSatisfy { position, outcome in
            switch outcome {
            case .record(let r): return r.origin.index == position && r.origin.file == "in.csv" && r.header.names == c.header
            case .malformed(let m): return m.origin.index == position
            }
        })
        if let errorContains = c.errorContains {
            let error = try #require(transcript.error)
            #expect(error.code == .corruptInput)
            #expect(error.message.contains(errorContains), "\(error.message)")
        } else {
            #expect(transcript.error == nil)
        }
        var reader = CSVReader(source: MemorySource(c.input), file: "in.csv", options: c.options)
        if c.errorContains == nil {
            #expect(try reader.readHeader()?.names == c.header)
        }
    }

    /// `nextRaw()` lends out the same fields, origins and rejections that `next()` returns.
    @Test(arguments: CSVCase.all.filter { $0.errorContains == nil })
    func rawRowsMatchRecords(_ c: CSVCase) throws {
        var records = CSVReader(source: MemorySource(c.input), file: "in.csv", options: c.options)
        var raw = CSVReader(source: MemorySource(c.input), file: "in.csv", options: c.options)
        while let expected = try records.next() {
            let outcome = try #require(try raw.nextRaw())
            switch (expected, outcome) {
            case (.record(let record), .fields(let origin)):
                #expect(origin == record.origin)
                let values = raw.withCurrentFields { fields in
                    (0..<fields.count).map { String(decoding: fields[$0], as: UTF8.self) }
                }
                #expect(values.map(FieldValue.string) == record.values)
            case (.malformed(let a), .malformed(let b)):
                #expect(a == b)
            default:
                Issue.record("\(c.name): \(expected) but the raw reader gave \(outcome)")
            }
        }
        #expect(try raw.nextRaw() == nil)
    }

    @Test func unterminatedQuoteErrorCarriesOrigin() throws {
        var reader = CSVReader(source: MemorySource(Array("a\n\"x\n\ny".utf8)), file: "f.csv", member: "m.csv")
        #expect(throws: ExportError(.corruptInput, "unterminated quoted field, opened on line 2",
                                    origin: RecordOrigin(file: "f.csv", member: "m.csv", line: 2, index: 0))) {
            try reader.next()
        }
    }

    @Test func headerIsNilUntilReadAndSharedByRecords() throws {
        var reader = CSVReader(source: MemorySource(Array("a,b\n1,2\n3,4\n".utf8)), file: "f.csv")
        #expect(reader.header == nil)
        guard case .record(let first)? = try reader.next(), case .record(let second)? = try reader.next() else {
            Issue.record("expected two records")
            return
        }
        #expect(reader.header?.names == ["a", "b"])
        #expect(first.header === second.header)
        #expect(first["b"] == .string("2"))
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test func invalidUTF8InHeaderIsAnError() throws {
        var reader = CSVReader(source: MemorySource([0x61, 0xFF, 0x0A, 0x31, 0x0A]), file: "f.csv")
        let error = try #require(throws: ExportError.self) { try reader.next() }
        #expect(error.code == .corruptInput)
        #expect(error.message.contains("not valid UTF-8"))
    }

    @Test func tenMegabyteFieldIsRejectedWithBoundedMemory() throws {
        // Given a 10 MB unquoted field and a 10 MB quoted one (generated, never in memory at once)
        let source = GeneratedSource(parts: [
            .bytes(Array("a,b\nx,".utf8)), .repeated(UInt8(ascii: "y"), 10_000_000), .bytes(Array("\n1,2\n\"".utf8)),
            .repeated(UInt8(ascii: "\n"), 10_000_000), .bytes(Array("\",z\n3,4".utf8)),
        ])
        var reader = CSVReader(source: source, file: "big.csv")
        let before = PeakMemory.residentBytes()
        var outcomes: [ReadOutcome] = []
        while let outcome = try reader.next() { outcomes.append(outcome) }
        let grown = PeakMemory.residentBytes() - before
        // Then both rows are rejected with their lines and the rows after them are read
        #expect(outcomes.count == 4)
        guard outcomes.count == 4 else { return }
        guard case .malformed(let first) = outcomes[0], case .malformed(let third) = outcomes[2] else {
            Issue.record("expected rejections, got \(outcomes)")
            return
        }
        #expect(first.reason == "field_too_large" && first.origin.line == 2)
        #expect(third.reason == "field_too_large" && third.origin.line == 4)
        guard case .record(let last) = outcomes[3] else { return }
        #expect(last.origin.line == 10_000_005)
        #expect(last.values == [.string("3"), .string("4")])
        // and memory did not grow by the field's size
        #expect(grown < 8_000_000, "peak memory grew by \(grown) bytes")
    }

    @Test func fileWithoutNewlineIsRejectedWithBoundedMemory() throws {
        let source = GeneratedSource(parts: [.bytes(Array("a\n".utf8)), .pattern(Array("x,".utf8), count: 4_000_000)])
        var reader = CSVReader(source: source, file: "flat.csv", options: CSVOptions(maxRecordBytes: 1 << 20))
        let before = PeakMemory.residentBytes()
        let outcome = try reader.next()
        #expect(try reader.next() == nil)
        guard case .malformed(let rejection)? = outcome else {
            Issue.record("expected a rejection, got \(String(describing: outcome))")
            return
        }
        #expect(rejection.reason == "record_too_large")
        #expect(PeakMemory.residentBytes() - before < 16_000_000)
    }

    @Test func tenThousandColumnHeader() throws {
        let names = (0..<10_000).map { "c\($0)" }
        let text = names.joined(separator: ",") + "\n" + names.map { "v" + $0 }.joined(separator: ",") + "\n"
        var reader = CSVReader(source: MemorySource(Array(text.utf8)), file: "wide.csv")
        guard case .record(let record)? = try reader.next() else {
            Issue.record("expected a record")
            return
        }
        #expect(record.header.names.count == 10_000)
        #expect(record["c9999"] == .string("vc9999"))
    }
}
