import ExportCore
import Foundation
import Testing
@testable import ExportUpload

@Suite struct FastJSONTests {
    @Test func parsesOneJSONTextOrNothing() {
        #expect(FastJSON.value(Array(#" {"a":[1,"x"]} "#.utf8)) == .object(JSONObject(keys: ["a"], values: [.array([.number("1"), .string("x")])])))
        #expect(FastJSON.value(Array("{} {}".utf8)) == nil)
        #expect(FastJSON.object(Array("[1]".utf8)) == nil)
    }

    @Test func bridgesToTheShapesJSONSerializationGives() throws {
        let object = try #require(FastJSON.object(Array(#"{"i":3,"d":1.5,"b":true,"n":null,"s":"t","l":[{}]}"#.utf8)))
        #expect(object["i"] as? Int == 3 && object["d"] as? Double == 1.5 && object["b"] as? Bool == true)
        #expect(object["n"] is NSNull && object["s"] as? String == "t" && (object["l"] as? [Any])?.count == 1)
    }

    @Test func decodesADecodableOrNothing() {
        struct Pair: Decodable, Equatable { var a: Int, b: String }
        #expect(FastJSON.decode(Pair.self, from: Array(#"{"b":"x","a":1}"#.utf8)) == Pair(a: 1, b: "x"))
        #expect(FastJSON.decode(Pair.self, from: Array(#"{"a":1}"#.utf8)) == nil)
    }
}
