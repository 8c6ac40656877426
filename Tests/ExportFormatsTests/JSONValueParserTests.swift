import ExportCore
import Testing

@testable import ExportFormats

@Suite struct JSONValueParserTests {
    static func parse(_ text: String) throws -> FieldValue {
        try Array(text.utf8).withUnsafeBytes { try JSONValueParser.parse($0) }
    }

    @Test(arguments: [
        ("0", FieldValue.number("0")),
        ("-0.5e+10", .number("-0.5e+10")),
        ("123456789012345678901234567890", .number("123456789012345678901234567890")),
        (" true ", .bool(true)),
        ("null", .null),
        ("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\"", .string("a\"\\/\u{8}\u{C}\n\r\t")),
        ("\"\\ud834\\udd1e\"", .string("𝄞")),
        ("\"\\u0000\"", .string("\0")),
        ("[]", .array([])),
        ("{}", .object(JSONObject())),
        ("[1,[2,{\"k\":[]}]]", .array([.number("1"), .array([.number("2"), .object(JSONObject(keys: ["k"], values: [.array([])]))])])),
        ("{\"a\":1,\"a\":2}", .object(JSONObject(keys: ["a", "a"], values: [.number("1"), .number("2")]))),
    ])
    func accepts(_ text: String, _ expected: FieldValue) throws {
        #expect(try Self.parse(text) == expected)
    }

    @Test(arguments: [
        ("", 0, "unexpected end of input, expected a value"),
        ("[1,]", 3, "unexpected ']', expected a value"),
        ("{\"a\":1,}", 7, "unexpected '}', expected a string key"),
        ("01", 1, "leading zero in a number"),
        ("1.", 2, "expected a digit after the decimal point"),
        ("-", 1, "expected a digit in a number"),
        ("\"\\ud800\"", 1, "lone surrogate \\uD800 (a high surrogate without its pair)"),
        ("\"\\udc00\"", 1, "lone surrogate \\uDC00 (a low surrogate without its pair)"),
        ("\"a\tb\"", 2, "unescaped control character byte 0x09 in a string"),
        ("\"abc", 0, "unterminated string"),
        ("[1] x", 4, "unexpected 'x' after the JSON value"),
        ("tru", 3, "invalid literal, expected 'true'"),
        ("'a'", 0, "unexpected ''', expected a value"),
    ])
    func rejects(_ text: String, _ offset: Int, _ message: String) {
        #expect(throws: JSONSyntaxError(offset: offset, message: message)) { try Self.parse(text) }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let bytes: [UInt8] = [0x22, 0xC0, 0xAF, 0x22]
        #expect(throws: JSONSyntaxError(offset: 1, message: "invalid UTF-8 in a string")) {
            try bytes.withUnsafeBytes { _ = try JSONValueParser.parse($0) }
        }
    }

    @Test func nestingIsLimitedWithoutRecursion() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try Self.parse(ok) }
        let deep = String(repeating: "[", count: 100_000)
        let error = try #require(throws: JSONSyntaxError.self) { try Self.parse(deep) }
        #expect(error.offset == 513)
        #expect(error.message.contains("nested deeper than 512"))
    }

    static func flat(_ text: String, keys: [String]) -> [FieldValue]? {
        let keys = FlatObjectKeys(keys)!
        return Array(text.utf8).withUnsafeBufferPointer { JSONValueParser.parseFlatObject($0, keys: keys) }
    }

    @Test(arguments: [
        "{\"a\":1,\"b\":\"x\"}",
        " {\"a\" :\t-0.5E+3 ,\"b\": \"\\u00e9\\n\\ud834\\udd1e\\\"\"}\r",
        "{\"a\":true,\"b\":null}",
        "{\"a\":false,\"b\":\"Bahnhofstraße 1190 東京 😀\"}",
    ])
    func flatObjectGivesTheValuesParseGives(_ text: String) throws {
        guard case .object(let object) = try Self.parse(text) else {
            Issue.record("not an object")
            return
        }
        #expect(object.keys == ["a", "b"])
        #expect(Self.flat(text, keys: ["a", "b"]) == object.values)
    }

    /// The keyed parse of `text` over a table that knows `keys` (a line with them in that order
    /// came before): each key's text, `nil` for a null or a missing key; `nil` when it declines.
    static func keyed(_ text: String, keys: [String], table: inout NDJSONKeyTable) -> [String?]? {
        for key in keys { _ = Array(key.utf8).withUnsafeBufferPointer { table.field(of: $0) } }
        if table.first < 0 && !keys.isEmpty {
            table.first = 0
            for i in 0..<(keys.count - 1) { table.successor[i] = i + 1 }
        }
        var fields: [UInt8] = [9, 9]
        var starts: [Int] = [7]
        var ends: [Int] = [7]
        var nulls: [Bool] = [true]
        let count = Array(text.utf8).withUnsafeBufferPointer {
            JSONValueParser.parseKeyedObject($0, table: &table, fields: &fields, starts: &starts, ends: &ends, nulls: &nulls)
        }
        guard let count else { return nil }
        #expect(starts.count == table.count && ends.count == table.count && nulls.count == table.count)
        #expect(ends.allSatisfy { $0 <= count })
        return ends.indices.map { nulls[$0] ? nil : String(decoding: fields[starts[$0]..<ends[$0]], as: UTF8.self) }
    }

    static func keyed(_ text: String, keys: [String] = ["a", "b"]) -> [String?]? {
        var table = NDJSONKeyTable()
        return keyed(text, keys: keys, table: &table)
    }

    @Test(arguments: [
        "{\"a\":1,\"b\":\"x\"}",
        " {\"a\" :\t-0.5E+3 ,\"b\": \"\\u00e9\\n\\ud834\\udd1e\\\"\"}\r",
        "{\"a\":false,\"b\":\"Bahnhofstraße 1190 東京 😀\"}",
        "{\"a\":true,\"b\":\"\"}",
    ])
    func keyedObjectBytesAreTheValuesText(_ text: String) throws {
        guard case .object(let object) = try Self.parse(text) else {
            Issue.record("not an object")
            return
        }
        #expect(Self.keyed(text) == object.values.map(\.text))
    }

    /// Lines that leave keys out, start elsewhere, reorder them or add new ones, one after
    /// another over one table (whose guesses each line changes): every line gives its own values.
    @Test func keyedLinesReadByKeyWhateverTheGuesses() throws {
        let keys = ["a", "b", "c", "d", "e", "f"]
        let lines = [
            #"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}"#, #"{"a":1,"c":3,"f":6}"#, #"{"a":1,"e":5,"f":6}"#,
            #"{"d":4,"e":5,"f":6,"a":1,"b":2,"c":3}"#, #"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}"#, #"{"f":6,"e":5,"d":4}"#,
            #"{"b":2,"g":7,"a":1}"#, #"{"a":1,"a":9,"b":2}"#, #"{}"#, #"{"c":3,"b":2,"a":1,"g":7,"f":6}"#,
        ]
        var table = NDJSONKeyTable()
        for line in lines {
            guard case .object(let object) = try Self.parse(line) else { Issue.record("not an object"); return }
            let values = Self.keyed(line, keys: keys, table: &table)
            var expected = [String?](repeating: nil, count: table.count)
            for (key, value) in zip(object.keys, object.values) { expected[table.names.firstIndex(of: key)!] = value.text }
            #expect(values == expected, "\(line)")
        }
    }

    @Test(arguments: 0..<20)
    func keyedObjectBytesFindEscapesAndControlsAtAnyOffset(_ offset: Int) {
        let pad = String(repeating: "é", count: offset / 2) + String(repeating: "x", count: offset % 2)
        for (escaped, decoded) in [("\\\"", "\""), ("\\\\", "\\"), ("\\n", "\n"), ("\\u00e9", "é")] {
            let line = "{\"a\":\"\(pad)\(escaped)\(pad)\",\"b\":1}"
            #expect(Self.keyed(line) == [pad + decoded + pad, "1"])
            // The same with the keys the other way round.
            #expect(Self.keyed("{\"b\":1,\"a\":\"\(pad)\(escaped)\(pad)\"}") == [pad + decoded + pad, "1"])
        }
        // A raw control byte or a missing closing quote, wherever it is, declines.
        for line in ["{\"a\":\"\(pad)\t\(pad)\",\"b\":1}", "{\"a\":\"\(pad)"] {
            #expect(Self.keyed(line) == nil)
        }
    }

    @Test func keyedObjectBytesMarkNullsAndMissingKeys() {
        var table = NDJSONKeyTable()
        for (line, expected) in [
            ("{\"a\":1,\"b\":null,\"c\":\"\"}", ["1", nil, ""]),
            ("{\"a\":null , \"b\" : null,\"c\":null}", [nil, nil, nil]),
            ("{\"a\":1,\"b\":2,\"c\":3}", ["1", "2", "3"]),
            ("{\"c\":3}", [nil, nil, "3"]),
            ("{}", [nil, nil, nil]),
            ("{\"b\":\"x\",\"a\":0}", ["0", "x", nil]),
        ] as [(String, [String?])] {
            #expect(Self.keyed(line, keys: ["a", "b", "c"], table: &table) == expected, "\(line)")
        }
    }

    /// Lines read by key: any order, missing keys, new keys (added to the table, absent from the
    /// lines before), and a repeated key whose last value wins, as `parse` has it.
    @Test func keyedObjectReadsAnyKeyOrder() {
        var table = NDJSONKeyTable()
        #expect(Self.keyed("{\"a\":1}", keys: ["a", "b"], table: &table) == ["1", nil])
        #expect(Self.keyed("{\"a\":1,\"b\":2,\"c\":3}", keys: [], table: &table) == ["1", "2", "3"])
        #expect(table.names == ["a", "b", "c"])
        #expect(Self.keyed("{\"b\":1,\"a\":2}", keys: [], table: &table) == ["2", "1", nil])
        #expect(Self.keyed("{\"a\":1,\"bb\":2}", keys: [], table: &table) == ["1", nil, nil, "2"])
        #expect(Self.keyed("{\"a\":1,\"b\":2,\"a\":3}", keys: [], table: &table) == ["3", "2", nil, nil])
        #expect(Self.keyed("{ \"c\" :4 }", keys: [], table: &table) == [nil, nil, "4", nil])
        #expect(table.names == ["a", "b", "c", "bb"])
    }

    /// The keyed parse reads the strings' and new keys' UTF-8 itself: a line it takes is valid
    /// UTF-8, and it declines every invalid sequence, wherever it is in a string or a key.
    @Test(arguments: 0..<12)
    func keyedObjectBytesDeclineInvalidUTF8(_ offset: Int) {
        let pad = Array(String(repeating: "x", count: offset).utf8)
        let invalid: [[UInt8]] = [[0x80], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3]]
        for sequence in invalid {
            for line in [
                Array("{\"a\":1,\"b\":\"".utf8) + pad + sequence + pad + Array("\"}".utf8),
                Array("{\"a\":1,\"".utf8) + pad + sequence + pad + Array("\":2}".utf8),
            ] {
                var table = NDJSONKeyTable()
                _ = Self.keyed("{\"a\":0,\"b\":0}", keys: ["a", "b"], table: &table)
                var fields: [UInt8] = []
                var starts: [Int] = []
                var ends: [Int] = []
                var nulls: [Bool] = []
                let parsed = line.withUnsafeBufferPointer {
                    JSONValueParser.parseKeyedObject(
                        $0, table: &table, fields: &fields, starts: &starts, ends: &ends, nulls: &nulls)
                }
                #expect(parsed == nil, "\(sequence) after \(offset) bytes")
            }
        }
    }

    @Test(arguments: [
        "{\"a\":1}",  // a key missing
        "{\"a\":1,\"b\":2,\"c\":3}",  // a key more
        "{\"b\":1,\"a\":2}",  // other order
        "{\"a\":1,\"bb\":2}",
        "{\"a\":1,\"b\":2,\"a\":3}",  // repeated
        "{\"\\u0061\":1,\"b\":2}",  // the same key, escaped: the full parser decides
        "{\"a\":[1],\"b\":2}",  // nested
        "{\"a\":{},\"b\":2}",
        "{\"a\":1,\"b\":2,}",  // invalid
        "{\"a\":1 \"b\":2}",
        "{\"a\":01,\"b\":2}",
        "{\"a\":1,\"b\":\"\t\"}",
        "{\"a\":1,\"b\":2} 3",
        "{\"a\":1,\"b\":2",
        "{\"a\":1,\"b\":tru}",
        "[1,2]",
        "",
    ])
    func flatObjectDeclinesEverythingElse(_ text: String) {
        #expect(Self.flat(text, keys: ["a", "b"]) == nil)
        // Read by key, only the first five are flat objects.
        let byKey = ["{\"a\":1}", "{\"a\":1,\"b\":2,\"c\":3}", "{\"b\":1,\"a\":2}", "{\"a\":1,\"bb\":2}", "{\"a\":1,\"b\":2,\"a\":3}"]
        #expect((Self.keyed(text) != nil) == byKey.contains(text))
    }

    /// Keys of every length are matched whole, written tight or with white space, and a key
    /// that differs in any one byte is another key.
    @Test(arguments: 0..<20)
    func flatObjectMatchesKeysOfAnyLength(_ length: Int) {
        let key = String((0..<length).map { Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8($0))) })
        let keys = FlatObjectKeys([key, "z"])!
        for line in ["{\"\(key)\":1,\"z\":2}", "{ \"\(key)\" : 1 , \"z\":2}"] {
            let values = Array(line.utf8).withUnsafeBufferPointer { JSONValueParser.parseFlatObject($0, keys: keys) }
            #expect(values == [FieldValue.number("1"), .number("2")], "\(line)")
        }
        for position in 0..<length {
            var other = Array(key.utf8)
            other[position] = UInt8(ascii: "Z")
            let line = "{\"\(String(decoding: other, as: UTF8.self))\":1,\"z\":2}"
            let values = Array(line.utf8).withUnsafeBufferPointer { JSONValueParser.parseFlatObject($0, keys: keys) }
            #expect(values == nil, "\(line)")
        }
    }

    @Test func flatObjectWithAnEmptyKey() {
        let keys = FlatObjectKeys(["", "b"])!
        let values = Array("{\"\":1,\"b\":2}".utf8).withUnsafeBufferPointer { JSONValueParser.parseFlatObject($0, keys: keys) }
        #expect(values == [.number("1"), .number("2")])
        let skipped = Array("{\"b\":2}".utf8).withUnsafeBufferPointer { JSONValueParser.parseFlatObject($0, keys: keys) }
        #expect(skipped == nil)
    }
}
