import ExportCore
import ExportTestSupport
import Testing

@testable import ExportFormats

/// What one NDJSON input should give, as (line, keys, values) or (line, reason, detail).
struct NDJSONCase: Sendable, CustomTestStringConvertible {
    enum Row: Sendable, Equatable {
        case object(line: Int, keys: [String], values: [FieldValue])
        case rejected(line: Int, reason: String, detail: String)
    }

    var name: String
    var input: [UInt8]
    var maxLineBytes = 1 << 20
    var rows: [Row]

    var testDescription: String { name }

    init(_ name: String, _ text: String, maxLineBytes: Int = 1 << 20, rows: [Row]) {
        self.init(name, bytes: Array(text.utf8), maxLineBytes: maxLineBytes, rows: rows)
    }

    init(_ name: String, bytes: [UInt8], maxLineBytes: Int = 1 << 20, rows: [Row]) {
        self.name = name
        self.input = bytes
        self.maxLineBytes = maxLineBytes
        self.rows = rows
    }

    static let all: [NDJSONCase] = [
        NDJSONCase(
            "two objects", "{\"a\":1,\"b\":\"x\"}\n{\"a\":2.50,\"b\":null}\n",
            rows: [
                .object(line: 1, keys: ["a", "b"], values: [.number("1"), .string("x")]),
                .object(line: 2, keys: ["a", "b"], values: [.number("2.50"), .null]),
            ]),
        NDJSONCase(
            "nested values and kinds", "{\"o\":{\"k\":[true,false,-3e2]},\"e\":\"\\u00e9\\n\"}",
            rows: [
                .object(
                    line: 1, keys: ["o", "e"],
                    values: [
                        .object(JSONObject(keys: ["k"], values: [.array([.bool(true), .bool(false), .number("-3e2")])])),
                        .string("é\n"),
                    ])
            ]),
        NDJSONCase(
            "CRLF, BOM and blank lines", "\u{FEFF}{\"a\":1}\r\n\r\n  \t\n{\"a\":2}\r\n",
            rows: [.object(line: 1, keys: ["a"], values: [.number("1")]), .object(line: 4, keys: ["a"], values: [.number("2")])]),
        NDJSONCase(
            "repeated key: last value wins, first place kept", "{\"a\":1,\"b\":2,\"a\":3}\n",
            rows: [.object(line: 1, keys: ["a", "b"], values: [.number("3"), .number("2")])]),
        NDJSONCase(
            "not an object", "[1,2]\n\"s\"\n{\"a\":1}\n",
            rows: [
                .rejected(line: 1, reason: "not_an_object", detail: "the line holds a JSON array, not an object"),
                .rejected(line: 2, reason: "not_an_object", detail: "the line holds a JSON string, not an object"),
                .object(line: 3, keys: ["a"], values: [.number("1")]),
            ]),
        NDJSONCase(
            "invalid JSON names the column", "{\"a\":1,}\n{\"a\" 1}\nnope\n",
            rows: [
                .rejected(line: 1, reason: "invalid_json", detail: "unexpected '}', expected a string key at column 8"),
                .rejected(line: 2, reason: "invalid_json", detail: "expected ':' after an object key at column 6"),
                .rejected(line: 3, reason: "invalid_json", detail: "invalid literal, expected 'null' at column 2"),
            ]),
        NDJSONCase(
            "invalid UTF-8", bytes: Array("{\"a\":\"".utf8) + [0xE2, 0x28, 0xA1] + Array("\"}\n{}\n".utf8),
            rows: [
                .rejected(line: 1, reason: "invalid_utf8", detail: "invalid UTF-8 at column 7"),
                .object(line: 2, keys: [], values: []),
            ]),
        NDJSONCase(
            "line over the limit", "{\"a\":\"0123456789\"}\n{\"b\":1}\n{\"c\":\"0123456789\"}", maxLineBytes: 12,
            rows: [
                .rejected(line: 1, reason: "line_too_large", detail: "the line is longer than the limit of 12 bytes"),
                .object(line: 2, keys: ["b"], values: [.number("1")]),
                .rejected(line: 3, reason: "line_too_large", detail: "the line is longer than the limit of 12 bytes"),
            ]),
        NDJSONCase(
            "U+2028 inside a string is not a line break", "{\"a\":\"x\u{2028}y\"}\n",
            rows: [.object(line: 1, keys: ["a"], values: [.string("x\u{2028}y")])]),
        NDJSONCase(
            "lines repeating the keys: escapes, spaces, other kinds, nested values",
            "{\"a\":1,\"b\":\"x\"}\n {\"a\" : \"q\\\"\\u00e9\" , \"b\":true } \n{\"a\":[1],\"b\":null}\n"
                + "{\"\\u0061\":-0.5e3,\"b\":false}\n{\"a\":1,\"b\":2,\"a\":3}\n{\"a\":1}\n",
            rows: [
                .object(line: 1, keys: ["a", "b"], values: [.number("1"), .string("x")]),
                .object(line: 2, keys: ["a", "b"], values: [.string("q\"é"), .bool(true)]),
                .object(line: 3, keys: ["a", "b"], values: [.array([.number("1")]), .null]),
                .object(line: 4, keys: ["a", "b"], values: [.number("-0.5e3"), .bool(false)]),
                .object(line: 5, keys: ["a", "b"], values: [.number("3"), .number("2")]),
                .object(line: 6, keys: ["a"], values: [.number("1")]),
            ]),
        NDJSONCase(
            "lines repeating the keys keep their exact errors",
            "{\"a\":1,\"b\":2}\n{\"a\":1,\"b\":2,}\n{\"a\":01,\"b\":2}\n{\"a\":1,\"b\":\"\t\"}\n{\"a\":1,\"b\":2} x\n",
            rows: [
                .object(line: 1, keys: ["a", "b"], values: [.number("1"), .number("2")]),
                .rejected(line: 2, reason: "invalid_json", detail: "unexpected '}', expected a string key at column 14"),
                .rejected(line: 3, reason: "invalid_json", detail: "leading zero in a number at column 7"),
                .rejected(
                    line: 4, reason: "invalid_json", detail: "unescaped control character byte 0x09 in a string at column 13"),
                .rejected(line: 5, reason: "invalid_json", detail: "unexpected 'x' after the JSON value at column 15"),
            ]),
        NDJSONCase("empty input", "", rows: []),
        NDJSONCase("only blank lines", "\n \n\r\n", rows: []),
        NDJSONCase(
            "missing final newline", "{\"a\":1}\n{\"a\":2}",
            rows: [.object(line: 1, keys: ["a"], values: [.number("1")]), .object(line: 2, keys: ["a"], values: [.number("2")])]),
    ]
}

@Suite struct NDJSONReaderTests {
    @Test(arguments: NDJSONCase.all)
    func readsTableCase(_ c: NDJSONCase) throws {
        let transcript = try ReaderVerifier.verify(bytes: c.input) {
            NDJSONReader(source: $0, file: "in.ndjson", maxLineBytes: c.maxLineBytes)
        }
        let rows = transcript.outcomes.map { outcome -> NDJSONCase.Row in
            switch outcome {
            case .record(let r): return .object(line: r.origin.line, keys: r.header.names, values: r.values)
            case .malformed(let m): return .rejected(line: m.origin.line, reason: m.reason, detail: m.detail)
            }
        }
        #expect(rows == c.rows)
        #expect(transcript.error == nil)
        #expect(transcript.outcomes.enumerated().allSatisfy { position, outcome in
            switch outcome {
            case .record(let r): return r.origin.index == position
            case .malformed(let m): return m.origin.index == position
            }
        })
    }

    @Test func reusesTheHeaderWhileKeysStayTheSame() throws {
        var reader = NDJSONReader(source: MemorySource(Array("{\"a\":1}\n{\"a\":2}\n{\"b\":3}\n".utf8)), file: "f")
        guard case .record(let first)? = try reader.next(), case .record(let second)? = try reader.next(),
            case .record(let third)? = try reader.next()
        else {
            Issue.record("expected three records")
            return
        }
        #expect(first.header === second.header)
        #expect(third.header.names == ["b"])
    }

    @Test(arguments: NDJSONCase.all)
    func rawReadingGivesTheSameRowsAsTheirText(_ c: NDJSONCase) throws {
        var plain = NDJSONReader(source: MemorySource(c.input), file: "in.ndjson", maxLineBytes: c.maxLineBytes)
        var raw = NDJSONReader(source: MemorySource(c.input), file: "in.ndjson", maxLineBytes: c.maxLineBytes)
        while let expected = try plain.next() {
            let got = try #require(try raw.nextRaw())
            switch (expected, got) {
            case (.malformed(let a), .malformed(let b)):
                #expect(a == b)
            case (.record(let a), .record(let b)):
                #expect(a == b)
            case (.record(let a), .fields(let origin)):
                #expect(origin == a.origin)
                var want = Self.textsByKey(a)
                for name in raw.fieldsHeader?.names ?? [] where want[name] == nil { want[name] = .some(nil) }
                #expect(Self.fieldsByKey(raw) == want)
            default:
                Issue.record("\(expected) read raw as \(got)")
            }
        }
        #expect(try raw.nextRaw() == nil)
    }

    @Test func rawReadingLendsRepeatedLinesAsFields() throws {
        let text =
            "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":\"y\\n\"}\n{\"a\":3,\"b\":null}\n{\"a\":\"\",\"b\":\"z\"}\n"
            + "{\"a\":4,\"b\":true}\n"
        var reader = NDJSONReader(source: MemorySource(Array(text.utf8)), file: "f")
        var kinds: [String] = []
        var texts: [[String?]] = []
        while let outcome = try reader.nextRaw() {
            switch outcome {
            case .record: kinds.append("record")
            case .malformed: kinds.append("malformed")
            case .fields:
                kinds.append("fields")
                texts.append(
                    reader.withCurrentFields { f in
                        (0..<f.count).map { f.isNull($0) ? nil : String(decoding: f[$0], as: UTF8.self) }
                    })
            }
        }
        // A null is a field too (an empty one that `isNull`); an empty string is not a null.
        #expect(kinds == ["fields", "fields", "fields", "fields", "fields"])
        #expect(texts == [["1", "x"], ["2", "y\n"], ["3", nil], ["", "z"], ["4", "true"]])
        #expect(reader.fieldsHeader?.names == ["a", "b"])
    }

    /// The texts of a `.fields` line by key (`nil` for a null or a key the line lacks).
    static func fieldsByKey(_ reader: NDJSONReader<MemorySource>) -> [String: String?] {
        let names = reader.fieldsHeader?.names ?? []
        return reader.withCurrentFields { f in
            Dictionary(uniqueKeysWithValues: names.indices.map { i in
                (names[i], f.isNull(i) ? nil : String(decoding: f[i], as: UTF8.self))
            })
        }
    }

    /// A record's value texts by key.
    static func textsByKey(_ record: Record) -> [String: String?] {
        Dictionary(uniqueKeysWithValues: zip(record.header.names, record.values.map(\.text)))
    }

    /// Lines whose keys vary the way real exporters write them (empty fields left out, another
    /// key order, `\u` escapes in values, a key that repeats, keys that first appear late) are
    /// read by key as fields, giving each key the text its record has, and nothing for the
    /// keys a line lacks; a nested value or an escaped key is read as a record.
    @Test func rawReadingReadsLinesByKey() throws {
        let lines = [
            #"{"email":"a@x.co","first":"Ana","city":"Cluj"}"#,
            #"{"email":"b@x.co"}"#,
            #"{"city":"Ia\u0219i","email":"c@x.co","first":"Ion"}"#,
            #"{ "first" : "D\u00e9" , "email":"d@x.co", "spend": 12.5, "vip": true }"#,
            #"{"email":"e@x.co","email":"E@x.co","first":null}"#,
            #"{"email":"f@x.co","tags":["a"]}"#,
            #"{"\u0065mail":"g@x.co"}"#,
            #"{}"#,
            #"{"email":"h@x.co","first":"Ana","city":"Cluj"}"#,
        ]
        let input = Array(lines.joined(separator: "\n").utf8)
        var plain = NDJSONReader(source: MemorySource(input), file: "in.ndjson")
        var raw = NDJSONReader(source: MemorySource(input), file: "in.ndjson")
        var kinds: [String] = []
        while case .record(let expected)? = try plain.next() {
            switch try #require(try raw.nextRaw()) {
            case .fields(let origin):
                kinds.append("fields")
                #expect(origin == expected.origin)
                var want = Self.textsByKey(expected)
                for name in raw.fieldsHeader?.names ?? [] where want[name] == nil { want[name] = .some(nil) }
                #expect(Self.fieldsByKey(raw) == want, "line \(origin.line)")
            case .record(let record):
                kinds.append("record")
                #expect(record == expected)
            case .malformed(let rejection):
                Issue.record("line \(rejection.origin.line) is malformed")
            }
        }
        #expect(try raw.nextRaw() == nil)
        #expect(kinds == ["fields", "fields", "fields", "fields", "fields", "record", "record", "fields", "fields"])
        #expect(raw.fieldsHeader?.names == ["email", "first", "city", "spend", "vip"])
    }

    @Test func refusesUTF16() throws {
        var reader = NDJSONReader(source: MemorySource([0xFF, 0xFE, 0x7B, 0x00]), file: "f.ndjson")
        let error = try #require(throws: ExportError.self) { try reader.next() }
        #expect(error.code == .corruptInput)
        #expect(error.message.contains("UTF-16"))
    }

    @Test func hugeLineIsRejectedWithBoundedMemory() throws {
        let source = GeneratedSource(parts: [
            .bytes(Array("{\"a\":\"".utf8)), .repeated(UInt8(ascii: "x"), 40_000_000), .bytes(Array("\"}\n{\"a\":1}\n".utf8)),
        ])
        var reader = NDJSONReader(source: source, file: "big.ndjson")
        let before = PeakMemory.residentBytes()
        let first = try reader.next()
        let second = try reader.next()
        #expect(PeakMemory.residentBytes() - before < 20_000_000)
        guard case .malformed(let rejection)? = first, case .record(let record)? = second else {
            Issue.record("expected a rejection then a record")
            return
        }
        #expect(rejection.reason == "line_too_large")
        #expect(record.origin.line == 2)
    }
}
