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

    @Test(arguments: [
        "{\"a\":1,\"b\":\"x\"}",
        " {\"a\" :\t-0.5E+3 ,\"b\": \"\\u00e9\\n\\ud834\\udd1e\\\"\"}\r",
        "{\"a\":false,\"b\":\"Bahnhofstraße 1190 東京 😀\"}",
        "{\"a\":true,\"b\":\"\"}",
    ])
    func flatObjectBytesAreTheValuesText(_ text: String) throws {
        guard case .object(let object) = try Self.parse(text) else {
            Issue.record("not an object")
            return
        }
        var fields: [UInt8] = [9, 9]
        var ends: [Int] = [7]
        var nulls: [Bool] = [true]
        let keys = FlatObjectKeys(["a", "b"])!
        let parsed = Array(text.utf8).withUnsafeBufferPointer {
            JSONValueParser.parseFlatObject($0, keys: keys, fields: &fields, ends: &ends, nulls: &nulls)
        }
        #expect(parsed)
        #expect(ends.count == 2)
        let texts = ends.indices.map { String(decoding: fields[(($0 == 0) ? 0 : ends[$0 - 1])..<ends[$0]], as: UTF8.self) }
        #expect(texts == object.values.map(\.text))
    }

    @Test(arguments: 0..<20)
    func flatObjectBytesFindEscapesAndControlsAtAnyOffset(_ offset: Int) {
        let keys = FlatObjectKeys(["a", "b"])!
        let pad = String(repeating: "é", count: offset / 2) + String(repeating: "x", count: offset % 2)
        for (escaped, decoded) in [("\\\"", "\""), ("\\\\", "\\"), ("\\n", "\n"), ("\\u00e9", "é")] {
            let line = "{\"a\":\"\(pad)\(escaped)\(pad)\",\"b\":1}"
            var fields: [UInt8] = []
            var ends: [Int] = []
            var nulls: [Bool] = []
            let parsed = Array(line.utf8).withUnsafeBufferPointer {
                JSONValueParser.parseFlatObject($0, keys: keys, fields: &fields, ends: &ends, nulls: &nulls)
            }
            #expect(parsed)
            #expect(String(decoding: fields[..<ends[0]], as: UTF8.self) == pad + decoded + pad)
        }
        // A raw control byte or a missing closing quote, wherever it is, declines.
        for line in ["{\"a\":\"\(pad)\t\(pad)\",\"b\":1}", "{\"a\":\"\(pad)"] {
            var fields: [UInt8] = []
            var ends: [Int] = []
            var nulls: [Bool] = []
            let parsed = Array(line.utf8).withUnsafeBufferPointer {
                JSONValueParser.parseFlatObject($0, keys: keys, fields: &fields, ends: &ends, nulls: &nulls)
            }
            #expect(!parsed)
        }
    }

    @Test func flatObjectBytesMarkNulls() {
        var fields: [UInt8] = []
        var ends: [Int] = []
        var nulls: [Bool] = []
        let keys = FlatObjectKeys(["a", "b", "c"])!
        for (line, expected) in [
            ("{\"a\":1,\"b\":null,\"c\":\"\"}", [false, true, false]),
            ("{\"a\":null , \"b\" : null,\"c\":null}", [true, true, true]),
            ("{\"a\":1,\"b\":2,\"c\":3}", []),
        ] {
            let parsed = Array(line.utf8).withUnsafeBufferPointer {
                JSONValueParser.parseFlatObject($0, keys: keys, fields: &fields, ends: &ends, nulls: &nulls)
            }
            #expect(parsed)
            #expect(nulls == expected, "\(line)")
        }
        #expect(ends == [1, 2, 3])  // a null has no text
    }

    /// The flat bytes path reads the strings' UTF-8 itself: a line it takes is valid UTF-8, and
    /// it declines every invalid sequence, wherever it is in a string.
    @Test(arguments: 0..<12)
    func flatObjectBytesDeclineInvalidUTF8(_ offset: Int) {
        let keys = FlatObjectKeys(["a", "b"])!
        let pad = Array(String(repeating: "x", count: offset).utf8)
        let invalid: [[UInt8]] = [[0x80], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3]]
        for sequence in invalid {
            let line = Array("{\"a\":1,\"b\":\"".utf8) + pad + sequence + pad + Array("\"}".utf8)
            var fields: [UInt8] = []
            var ends: [Int] = []
            var nulls: [Bool] = []
            let parsed = line.withUnsafeBufferPointer {
                JSONValueParser.parseFlatObject($0, keys: keys, fields: &fields, ends: &ends, nulls: &nulls)
            }
            #expect(!parsed, "\(sequence) after \(offset) bytes")
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
        var fields: [UInt8] = []
        var ends: [Int] = []
        var nulls: [Bool] = []
        let keys = FlatObjectKeys(["a", "b"])!
        let parsed = Array(text.utf8).withUnsafeBufferPointer {
            JSONValueParser.parseFlatObject($0, keys: keys, fields: &fields, ends: &ends, nulls: &nulls)
        }
        #expect(!parsed)
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
