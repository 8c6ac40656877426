import ExportCore
import Foundation
import Testing
@testable import ExportRunFolder

@Suite struct JSONValueCodingTests {
    @Test func decodesEveryKindWithSortedKeysAndEncodesItBack() throws {
        let text = #"{"z":[1,-2.5,true,null,"s\u0041\"\n😀"],"a":{"y":{},"x":[]},"m":7}"#
        let value = try JSONDecoder().decode(JSONValueCoding.self, from: Data(text.utf8)).value
        let expected = FieldValue.object(JSONObject(
            keys: ["a", "m", "z"],
            values: [
                .object(JSONObject(keys: ["x", "y"], values: [.array([]), .object(JSONObject())])),
                .number("7"),
                .array([.number("1"), .number("-2.5"), .bool(true), .null, .string("sA\"\n😀")]),
            ]))
        #expect(value == expected)
        let again = try JSONDecoder().decode(JSONValueCoding.self, from: JSONEncoder().encode(JSONValueCoding(value))).value
        #expect(again == expected)
    }
}
