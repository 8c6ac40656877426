import ExportCore
import ExportTestSupport
import Foundation
import Testing

@Suite struct JSONTextTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("quote \" and \\ backslash", #""quote \" and \\ backslash""#),
        ("line\nbreak\r\ttab", #""line\nbreak\r\ttab""#),
        ("\u{0}\u{1F}\u{7F}", #""\u0000\u001f\u007f""#),
        ("Ștefan 東京 🎉", "\"Ștefan 東京 🎉\""),
        ("sep\u{2028}para\u{2029}", #""sep\u2028para\u2029""#),
        ("", #""""#),
    ])
    func quotesStrings(input: String, expected: String) {
        #expect(JSONText.quoted(input) == expected)
    }

    /// The word-at-a-time scan must find every byte that needs escaping, wherever it falls in
    /// a word or in a 4 KiB piece: plain text with one special character at many offsets, as `String`s
    /// and as bytes, against the escape of the character alone.
    @Test func findsSpecialCharactersAtEveryOffset() {
        let specials: [(String, String)] = [
            ("\"", #"\""#), ("\\", #"\\"#), ("\n", #"\n"#), ("\u{1}", #"\u0001"#), ("\u{1F}", #"\u001f"#),
            ("\u{7F}", #"\u007f"#), ("\u{2028}", #"\u2028"#), ("\u{2029}", #"\u2029"#), ("\u{2027}", "\u{2027}"),
            ("é", "é"), ("\u{FF}", "\u{FF}"),
        ]
        var random = SplitMix64(seed: 3)
        for (special, escaped) in specials {
            for offset in Array(0..<20) + Array(4088..<4100) {
                let before = String(repeating: "a", count: offset)
                let after = String(repeating: "z", count: Int(random.next() % 12))
                let text = before + special + after
                let expected = "\"" + before + escaped + after + "\""
                #expect(JSONText.quoted(text) == expected)
                let bytes = Array(text.utf8)
                var out = [UInt8](repeating: 0, count: JSONText.escapedCapacity(bytes.count))
                let written = bytes.withUnsafeBufferPointer { input in
                    out.withUnsafeMutableBufferPointer { JSONText.writeEscaped(input, to: $0.baseAddress!) }
                }
                #expect("\"" + String(decoding: out[..<written], as: UTF8.self) + "\"" == expected)
            }
        }
    }

    /// Random short and long values mixing plain text, multi-byte characters and characters to
    /// escape, against an escaper that goes byte by byte: the word copies (the last word of a
    /// value overlapping what was written) must give the same bytes.
    @Test func wordCopiesGiveWhatAByteByByteEscapeGives() {
        let pieces = ["a", "bc", "Ștefan", "東", "🎉", "\"", "\\", "\n", "\u{1}", "\u{7F}", "\u{2028}", "\u{2026}", "xyzw1234"]
        var random = SplitMix64(seed: 11)
        for _ in 0..<5000 {
            var text = ""
            for _ in 0..<Int(random.next() % 12) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            var expected = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": expected += "\\\""
                case "\\": expected += "\\\\"
                case "\n": expected += "\\n"
                case "\u{1}": expected += "\\u0001"
                case "\u{7F}": expected += "\\u007f"
                case "\u{2028}": expected += "\\u2028"
                default: expected.unicodeScalars.append(scalar)
                }
            }
            #expect(JSONText.quoted(text) == "\"" + expected + "\"", "\(Array(text.utf8))")
        }
    }

    @Test func outputParsesBackToTheSameString() throws {
        var scalars = ""
        for v in stride(from: 0, to: 0x3000, by: 7) { if let s = Unicode.Scalar(v) { scalars.unicodeScalars.append(s) } }
        let json = "[" + JSONText.quoted(scalars) + "]"
        let back = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(back == [scalars])
        #expect(!json.contains("\n"))
    }
}
