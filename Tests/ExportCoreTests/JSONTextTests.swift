import ExportCore
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

    @Test func outputParsesBackToTheSameString() throws {
        var scalars = ""
        for v in stride(from: 0, to: 0x3000, by: 7) { if let s = Unicode.Scalar(v) { scalars.unicodeScalars.append(s) } }
        let json = "[" + JSONText.quoted(scalars) + "]"
        let back = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(back == [scalars])
        #expect(!json.contains("\n"))
    }
}
