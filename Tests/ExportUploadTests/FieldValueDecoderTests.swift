import ExportCore
import Testing
@testable import ExportUpload

@Suite struct FieldValueDecoderTests {
    struct Sample: Decodable, Equatable {
        struct Inner: Decodable, Equatable {
            var flag: Bool
            var small: UInt8
        }
        var text: String
        var count: Int
        var ratio: Double
        var list: [Int?]
        var inner: Inner
        var missing: String?
        var null: String?
        var nested: [[String: Int]]
    }

    @Test func decodesEveryKindOfValue() throws {
        let json = #"{"text":"a\u0041\"😀","count":-12,"ratio":1.5e2,"list":[1,null,3],"inner":{"small":255,"flag":true},"null":null,"nested":[{"a":1},{}]}"#
        let sample = try #require(FastJSON.decode(Sample.self, from: Array(json.utf8)))
        #expect(sample == Sample(
            text: "aA\"😀", count: -12, ratio: 150, list: [1, nil, 3], inner: .init(flag: true, small: 255), missing: nil, null: nil,
            nested: [["a": 1], [:]]))
    }

    @Test func failsWithThePathOfAValueOfTheWrongType() throws {
        let json = #"{"text":"t","count":1,"ratio":1,"list":[],"inner":{"flag":true,"small":256},"nested":[]}"#
        let value = try #require(FastJSON.value(Array(json.utf8)))
        #expect(throws: DecodingError.self) { try Sample(from: FieldValueDecoder(value)) }
        do {
            _ = try Sample(from: FieldValueDecoder(value))
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["inner", "small"])
        }
        #expect(FastJSON.decode(Sample.self, from: Array("not json".utf8)) == nil)
    }

    @Test func aFragmentKeepsTheValueAsParsed() throws {
        let value = try #require(FastJSON.value(Array(#"{"b":1.50,"a":[true]}"#.utf8)))
        #expect(try JSONFragment(from: FieldValueDecoder(value)).value == value)
    }
}
