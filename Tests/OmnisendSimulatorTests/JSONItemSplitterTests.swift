import ExportCore
import Testing
@testable import OmnisendSimulator

@Suite("JSONItemSplitter")
struct JSONItemSplitterTests {
    @Test func findsEachItemExactly() throws {
        let body = #"{"method":"POST","skip":{"items":[1]},"note":"a \"items\" ]}","items":[ {"a":[1,{"b":"]"}]} ,"x\"y",3, null ],"endpoint":"contacts"}"#
        let bytes = Array(body.utf8)
        let ranges = try #require(JSONItemSplitter.itemRanges(bytes))
        #expect(ranges.map { String(decoding: bytes[$0], as: UTF8.self) } == [#"{"a":[1,{"b":"]"}]}"#, #""x\"y""#, "3", "null"])
    }

    @Test func noItemsArrayGivesNil() {
        #expect(JSONItemSplitter.itemRanges(Array(#"{"items":{}}"#.utf8)) == nil)
        #expect(JSONItemSplitter.itemRanges(Array("[1]".utf8)) == nil)
        #expect(JSONItemSplitter.itemRanges(Array(#"{"a":1}"#.utf8)) == nil)
    }
}

@Suite("BodyJSON")
struct JSONValueTests {
    @Test func parsesAndWritesWithSortedKeys() throws {
        let text = #"{"z":[true,false,null],"a":{"n":3,"d":-1.5e3,"s":"q\"\\\n\u0001\u00e9\ud83d\ude00"},"m":-7}"#
        let value = try #require(BodyJSON.parse(text))
        #expect(value["m"] == .number("-7"))
        #expect(value["a"]?["s"]?.string == "q\"\\\n\u{1}é😀")
        #expect(value.text == #"{"a":{"d":-1.5e3,"n":3,"s":"q\"\\\n\u0001é😀"},"m":-7,"z":[true,false,null]}"#)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"\\x\"", "\"a", "[1] 2", "\"\\ud800\"", "{\"a\":1,}"])
    func rejectsInvalidJSON(_ text: String) {
        #expect(BodyJSON.parse(text) == nil)
    }

    @Test func quoteEscapesOnlyWhatItMust() {
        #expect(JSONText.quoted("plain/é") == "\"plain/é\"")
        #expect(JSONText.quoted("a\"b\\c\n\u{1}") == #""a\"b\\c\n\u0001""#)
    }
}
