import ExportCore
import Testing

/// The one email normalisation, pinned to what both former copies gave: the redactor's (trim
/// every `White_Space` scalar, then `lowercased()`, kept below as the reference) and the mapping's
/// (`TextOps.trim`, checked in `EmailAddressTests`).
struct EmailNormalizerTests {
    /// The former `EmailRedactor.normalize`, verbatim.
    static func reference(_ email: String) -> String {
        var scalars = Substring(email).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars)).lowercased()
    }

    /// Every Unicode `White_Space` scalar, and look-alikes that are not white space.
    static let spaces: [Unicode.Scalar] = (0...0x3000).compactMap { Unicode.Scalar(UInt32($0)) }.filter(\.properties.isWhitespace)
    static let notSpaces: [Unicode.Scalar] = ["\u{200B}", "\u{FEFF}", "\u{180E}", "\u{1C}", "\u{1F}", "\u{0}", "\u{7F}"]

    /// Messy addresses: cases, scripts whose lower case changes length, every kind of end.
    static var corpus: [String] {
        let cores = [
            "", "a@b.co", "Ana.Popescu@Example.COM", "ȘTEFAN@exemplu.ro", "İSTANBUL@örnek.tr", "STRASSE@ẞ.de", "ΣΊΣΥΦΟΣ@παράδειγμα.gr",
            "用户@例子.广告", "emoji😀@EXAMPLE.com", "a b@c d", "e\u{301}@x.fr", "mixed\tinner\u{A0}space@x.io",
        ]
        var out: [String] = []
        for core in cores {
            out.append(core)
            for scalar in spaces + notSpaces {
                let s = String(Character(scalar))
                out += [s + core, core + s, s + s + core + s, s]
            }
        }
        return out
    }

    @Test func givesWhatTheFormerRedactorCopyGaveOnEveryMessyAddress() {
        let corpus = Self.corpus
        #expect(corpus.count > 1000)
        for raw in corpus where EmailNormalizer.normalize(raw) != Self.reference(raw) {
            Issue.record("\(raw.unicodeScalars.map { String($0.value, radix: 16) }): \(EmailNormalizer.normalize(raw)) != \(Self.reference(raw))")
        }
    }

    @Test(arguments: [
        ("  Ana.Popescu@Example.COM \u{00A0}", "ana.popescu@example.com"),
        ("\u{3000}ȘTEFAN@exemplu.ro\t", "ștefan@exemplu.ro"),
        ("\u{85}x@Y.io\u{2029}", "x@y.io"),
        ("\u{200B}x@y.io", "\u{200B}x@y.io"),
        ("\u{FEFF}X@y.io", "\u{FEFF}x@y.io"),
        ("İ@x.tr", "i\u{307}@x.tr"),
        ("plain@example.com", "plain@example.com"),
        (" \t\n", ""),
        ("", ""),
    ])
    func trimsUnicodeWhiteSpaceAndLowerCases(raw: String, expected: String) {
        #expect(EmailNormalizer.normalize(raw) == expected)
    }
}
