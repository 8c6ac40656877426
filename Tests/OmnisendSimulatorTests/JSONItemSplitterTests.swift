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
