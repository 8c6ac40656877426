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

@Suite("JSONText")
struct JSONTextTests {
    @Test func serializesParsedValuesWithSortedKeys() throws {
        let text = #"{"z":[true,false,null],"a":{"n":3,"d":1.5,"s":"q\"\\\n\u0001"},"m":-7}"#
        let value = try #require(JSONText.parse(text))
        #expect(JSONText.serialize(value) == #"{"a":{"d":1.5,"n":3,"s":"q\"\\\n\u0001"},"m":-7,"z":[true,false,null]}"#)
        #expect(JSONText.serialize(["k": [1, 2]] as [String: Any]) == #"{"k":[1,2]}"#)
    }
}
