import Testing
@testable import ExportPipeline

@Suite struct TransformTests {
    static func apply(_ t: Transform, _ v: MappingValue?) -> MappingValue? {
        guard case .value(let out) = t.apply(v) else { return .text("<invalid>") }
        return out
    }

    @Test(arguments: [
        ("ȘTEFAN", "Ștefan"), ("ana-maria POPESCU", "Ana-Maria Popescu"), ("o'neil", "O'Neil"),
        ("ǆemal", "ǅemal"), ("élodie dupont", "Élodie Dupont"), ("straße", "Straße"), ("東京 tokyo", "東京 Tokyo"),
        ("i\u{0307}stanbul", "I\u{0307}stanbul"), ("3RD floor", "3rd Floor"), ("ștefan 2ND", "Ștefan 2nd"),
    ])
    func titleIsUnicodeAware(input: String, expected: String) {
        #expect(Self.apply(.title, .text(input)) == .text(expected))
    }

    @Test func caseAndSpaceTransforms() {
        #expect(Self.apply(.lower, .text("ȘTEFAN ÅSE")) == .text("ștefan åse"))
        #expect(Self.apply(.upper, .text("ștefan straße")) == .text("ȘTEFAN STRASSE"))
        #expect(Self.apply(.trim, .text("\u{00A0}\u{3000} Ana \t\n")) == .text("Ana"))
        #expect(Self.apply(.collapseSpaces, .text("Ana \u{00A0}\t Maria")) == .text("Ana Maria"))
        #expect(Self.apply(.trim, .list([" a ", "b "])) == .list(["a", "b"]))
    }

    @Test func defaultFillsBlankOnly() {
        #expect(Self.apply(.defaultValue("x"), nil) == .text("x"))
        #expect(Self.apply(.defaultValue("x"), .text("  ")) == .text("x"))
        #expect(Self.apply(.defaultValue("x"), .text("y")) == .text("y"))
    }

    @Test func mapWithAndWithoutFallback() {
        let table = ["yes": "subscribed", "no": "nonSubscribed"]
        #expect(Self.apply(.map(table, fallback: nil), .text("yes")) == .text("subscribed"))
        #expect(Self.apply(.map(table, fallback: nil), .text("maybe")) == .text("maybe"))
        #expect(Self.apply(.map(table, fallback: "nonSubscribed"), .text("maybe")) == .text("nonSubscribed"))
        #expect(Self.apply(.map(table, fallback: nil), nil) == nil)
    }

    @Test func replaceUsesRegexWithGroups() throws {
        let regex = try RegexBox("(\\d{4})-(\\d{2})")
        #expect(Self.apply(.replace(regex, with: "$2/$1"), .text("2024-05")) == .text("05/2024"))
        #expect(Self.apply(.replace(try RegexBox("[^0-9+]"), with: ""), .text("+40 (722) 123-456")) == .text("+40722123456"))
    }

    @Test func splitJoinTruncate() {
        #expect(Self.apply(.split(";"), .text("a; b;;c ")) == .list(["a", "b", "c"]))
        #expect(Self.apply(.join(", "), .list(["Str. Lungă", "", "nr. 5"])) == .text("Str. Lungă, nr. 5"))
        #expect(Self.apply(.truncate(3), .text("Ștefan")) == .text("Ște"))
        #expect(Self.apply(.truncate(2), .text("👩‍👩‍👧x")) == .text("👩‍👩‍👧x"))
        #expect(Self.apply(.truncate(1), .text("👩‍👩‍👧x")) == .text("👩‍👩‍👧"))
    }

    @Test func dateConvertsBetweenFormats() {
        let t = Transform.date(from: [DatePattern("DD/MM/YYYY")!, DatePattern("iso8601")!], to: DatePattern("YYYY-MM-DD")!)
        #expect(Self.apply(t, .text("05/11/1981")) == .text("1981-11-05"))
        #expect(Self.apply(t, .text("1981-11-05T23:00:00-02:00")) == .text("1981-11-05"))
        guard case .invalid(let why) = t.apply(.text("31/02/1981")) else { Issue.record("accepted Feb 31"); return }
        #expect(why == "not a date in the format DD/MM/YYYY or iso8601")
        let toISO = Transform.date(from: [DatePattern("D.M.YY H:mm")!], to: DatePattern("iso8601")!)
        #expect(Self.apply(toISO, .text("5.1.24 9:05")) == .text("2024-01-05T09:05:00Z"))
    }

    @Test(arguments: [
        ("1.234,50", UInt8(ascii: ","), "1234.50" as String?), ("1,234.5", UInt8(ascii: "."), "1234.5"),
        ("-0,5", UInt8(ascii: ","), "-0.5"), ("+12", UInt8(ascii: "."), "12"), ("1 234 567", UInt8(ascii: "."), "1234567"),
        ("007", UInt8(ascii: "."), "7"), ("1\u{202F}000,25", UInt8(ascii: ","), "1000.25"), ("12abc", UInt8(ascii: "."), nil),
        ("", UInt8(ascii: "."), nil), ("1.2.3", UInt8(ascii: ","), "123"), ("1,2,3", UInt8(ascii: ","), nil), ("-", UInt8(ascii: "."), nil),
    ])
    func numberReadsDecimalCommaOrPoint(input: String, decimal: UInt8, expected: String?) {
        #expect(NumberText.parse(input, decimal: decimal) == expected)
    }

    @Test func integersDropZeroFractionsOnly() {
        #expect(NumberText.integer("12.00") == "12")
        #expect(NumberText.integer("-0.0") == "0")
        #expect(NumberText.integer("12.5") == nil)
        #expect(NumberText.integer("99999999999999999999") == nil)
    }

    @Test func numberTransformFailsOnText() {
        guard case .invalid(let why) = Transform.number(decimal: UInt8(ascii: ".")).apply(.text("n/a")) else {
            Issue.record("accepted text as number")
            return
        }
        #expect(why == "not a number")
    }
}
