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

    @Test func outputParsesBackToTheSameString() throws {
        var scalars = ""
        for v in stride(from: 0, to: 0x3000, by: 7) { if let s = Unicode.Scalar(v) { scalars.unicodeScalars.append(s) } }
        let json = "[" + JSONText.quoted(scalars) + "]"
        let back = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(back == [scalars])
        #expect(!json.contains("\n"))
    }
}
