import ExportCore
import ExportFormats
import Testing
@testable import ExportContactRules
@testable import ExportPipeline

/// `ByteChain` and `ASCIIText` give what the `String` transforms give on ASCII text, and hand
/// anything else back to them.
@Suite struct ByteChainTests {
    static let texts = [
        "", " ", "ana", "  ana   maria ", "ANA-MARIA o'neil", "3rd ave", "a\tb\r\nc\u{0B}d\u{0C}e", "x1y", "_a_b",
        "MALE", "  Female", "a\u{1F}b", "@[`{", "ab  ", "Q",
    ]

    static let transforms: [(String, Transform)] = [
        ("trim", .trim), ("lower", .lower), ("upper", .upper), ("title", .title), ("collapse_spaces", .collapseSpaces),
        ("map", .map(["ana": "Ana", "": "none", "male": "m", "q": ""], fallback: nil)),
        ("map with fallback", .map(["female": "f"], fallback: "?")),
    ]

    /// The chain of `transforms` on column 0 of a one-field row holding `text`; `nil` when the
    /// chain leaves it to the text path.
    static func run(_ transforms: [Transform], on text: String?) -> String? {
        let chain = ByteChain(ValueSpec(source: .column(0), transforms: transforms))!
        return RawFields.with(nullable: [text]) { fields in
            let row = FieldRow(
                fields: fields, slots: [0], lists: [], origin: RecordOrigin(file: "f", line: 1, index: 0),
                runDate: "2026-01-02")
            return chain.apply(to: row).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// What the text path gives: the column trimmed, through the transforms, trimmed again.
    static func expected(_ transforms: [Transform], on text: String?) -> String {
        var value = text.map { MappingValue.text(TextOps.trim($0)) }
        for transform in transforms {
            guard case .value(let v) = transform.apply(value) else { return "<invalid>" }
            value = v
        }
        return TextOps.trim(value?.joined() ?? "")
    }

    @Test func everyStepAndPairOfStepsMatchesTheTextTransforms() {
        for text in Self.texts {
            for (name, first) in Self.transforms {
                #expect(Self.run([first], on: text) == Self.expected([first], on: text), "\(name) of \(text.debugDescription)")
                for (second, then) in Self.transforms {
                    #expect(Self.run([first, then], on: text) == Self.expected([first, then], on: text),
                        "\(name), \(second) of \(text.debugDescription)")
                }
            }
        }
    }

    @Test func anAbsentValueRunsNoStep() {
        // A map of "" would give "none": an absent value is no value, not an empty text.
        #expect(Self.run([.map(["": "none"], fallback: "?")], on: nil) == "")
        #expect(Self.run([.map(["": "none"], fallback: "?")], on: "  ") == "none")
    }

    @Test func nonASCIITextIsLeftToTheTextPath() {
        #expect(Self.run([.lower], on: "ȘTEFAN") == nil)
        #expect(Self.run([.title, .upper], on: "josé") == nil)
        #expect(Self.run([.title], on: "ａｎａ") == nil)
        #expect(Self.run([.title], on: "张伟") == "张伟")
        #expect(Self.run([.collapseSpaces], on: "a\u{3000}\u{2003}b\u{3000}") == "a b")
        // Without steps, any text whose ends are surely trimmed is given as it is.
        #expect(Self.run([], on: " josé ") == "josé")
        #expect(Self.run([], on: "ana\u{00A0}") == nil)
    }

    /// Every one- and two-byte character, in words, with spaces around: `title`, `collapse_spaces`
    /// and `trim` give what the text path gives, or leave the text to it.
    @Test func twoByteCharactersMatchTheTextTransforms() {
        let chains: [[Transform]] = [[.title], [.collapseSpaces, .title], [.trim, .collapseSpaces], [.title, .trim]]
        var handled = 0
        for value in 0x80..<0x800 {
            let c = String(Unicode.Scalar(UInt32(value))!)
            for text in ["\(c)abc", "a\(c)B \(c)", "\u{00A0}\(c)x\u{0085} 3\(c)", "ÉMILE\(c)\(c) zola", "x\u{0301}\(c)y"] {
                for chain in chains {
                    let got = Self.run(chain, on: text)
                    if got != nil { handled += 1 }
                    if let got, got != Self.expected(chain, on: text) {
                        Issue.record("\(chain) of \(text.debugDescription) (U+\(String(value, radix: 16))): \(got.debugDescription) != \(Self.expected(chain, on: text).debugDescription)")
                        return
                    }
                }
            }
        }
        #expect(handled > 30_000)
        // Longer characters: caseless letters, numbers, marks, spaces, symbols, emoji, cased letters.
        let wide = ["张伟", "田中 太郎", "민준", "Ｚｏë", "ａbc", "Ⅻ th", "x\u{20DD}y", "\u{3000}a\u{3000}\u{3000}b\u{2028}",
            "Zoë 🎉 ana", "🙂x", "ა ბ", "Ⴀa", "ǅungla", "\u{1680}x", "١٢٣ab", "ꙁx", "𐐨𐐩 ab", "ﬃx", "ŉx"]
        for text in wide {
            for chain in chains {
                if let got = Self.run(chain, on: text) {
                    #expect(got == Self.expected(chain, on: text), "\(chain) of \(text.debugDescription)")
                }
            }
        }
        #expect(Self.run([.collapseSpaces, .title], on: "  田中\u{3000}\u{3000}ana 🎉 ") == "田中 Ana 🎉")
        #expect(Self.run([.collapseSpaces, .title], on: "  ȘTEFAN\u{00A0}\u{00A0}cel   MARE ") == "Ștefan Cel Mare")
    }

    /// Beyond U+07FF, white space and caseless letters are read from the stable set and the two
    /// binary properties `UTF8Text` uses: the same answers as `TextOps.isSpace` and the case
    /// mappings give, for every scalar.
    @Test func wideCharactersAreReadAsTheirPropertiesSay() {
        var mismatches: [String] = []
        for value in 0x800...0x10FFFF {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            if UTF8Text.isWideSpace(value) != TextOps.isSpace(scalar) { mismatches.append("space U+\(String(value, radix: 16))") }
            let props = scalar.properties
            guard props.isAlphabetic else { continue }
            let caseless = props.lowercaseMapping.unicodeScalars.elementsEqual(CollectionOfOne(scalar))
                && props.titlecaseMapping.unicodeScalars.elementsEqual(CollectionOfOne(scalar))
            if (UTF8Text.wideKind(value) == .letter) != caseless { mismatches.append("letter U+\(String(value, radix: 16))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func onlyTransformsWithAnASCIIFormCompile() {
        #expect(ByteChain(ValueSpec(source: .column(0), transforms: [.truncate(3)])) == nil)
        #expect(ByteChain(ValueSpec(source: .column(0), transforms: [.map(["bărbat": "m"], fallback: nil)])) == nil)
        #expect(ByteChain(ValueSpec(source: .column(0), transforms: [.map(["m": "m"], fallback: "—")])) == nil)
        #expect(ByteChain(ValueSpec(source: .constant("x"), transforms: [])) == nil)
        let big = Dictionary(uniqueKeysWithValues: (0...ASCIIMap.maxEntries).map { ("k\($0)", "v") })
        #expect(ByteChain(ValueSpec(source: .column(0), transforms: [.map(big, fallback: nil)])) == nil)
    }

    @Test func countryCodesFromASCIIBytesMatchTheTextLookup() {
        var texts = ["United States", "united  states", "UNITED-STATES", "U.S.", "usa", "Korea, Republic of", "d e", "123",
            "--", "uk", "Cote d'Ivoire", "cote divoire", "Atlantis", "RO", "rou", "Bosnia and Herzegovina"]
        for (alpha2, alpha3, names) in CountryTable.entries {
            texts += [alpha2, alpha3.lowercased()] + names.filter { $0.utf8.allSatisfy { $0 < 0x80 } }.map { $0.uppercased() }
        }
        for text in texts {
            var copy = text
            let bytes = copy.withUTF8 { CountryCodes.alpha2(ascii: $0) }
            #expect(bytes == CountryCodes.alpha2(for: text), "\(text)")
        }
    }

    @Test func phonesFromBytesMatchTheTextParse() {
        let phones = ["+40 722 123 456", "0722 123 456", "0722 ABC 456", "++40722", "0040722123456", "00", "+", "0", "",
            "(0722) 123-456", "0722\u{00A0}123456", "٠٧٢٢", "0000722123456", "+4072212345678901", "722+123", "12345678",
            "\t0722123456", "0722/123.456"]
        for phone in phones {
            for code in [nil, "", "40", "1", "0"] as [String?] {
                var copy = phone
                let bytes = copy.withUTF8 { PhoneNumber.parse(bytes: $0, defaultCountryCode: code) }
                #expect(bytes == PhoneNumber.parse(phone, defaultCountryCode: code), "\(phone) \(code ?? "-")")
            }
        }
    }

    @Test func dayTextIsWhatTheDayPatternFormats() {
        let day = DatePattern("YYYY-MM-DD")!
        for parts in [DateParts(year: 1, month: 1, day: 1), DateParts(year: 1990, month: 12, day: 31),
            DateParts(year: 9999, month: 2, day: 28), DateParts(year: 2024, month: 2, day: 29)]
        {
            #expect(DatePattern.withDayText(parts) { String(decoding: $0, as: UTF8.self) } == day.format(parts))
        }
    }
}
