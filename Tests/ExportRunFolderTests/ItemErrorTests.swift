import ExportRunFolder
import Foundation
import Testing

@Suite struct ItemErrorTests {
    @Test func writesSortedKeysThatDecodeBack() throws {
        for text in WrittenSideFile.messy {
            let error = ItemError(status: 400, message: text, fields: ["k " + text: [text, "y"], "": ["z"], "a": []])
            #expect(try JSONDecoder().decode(ItemError.self, from: Data(error.json.utf8)) == error)
            #expect(try JSONDecoder().decode(ItemError.self, from: JSONEncoder().encode(error)) == error)
        }
        #expect(ItemError(status: 0, message: "m", fields: ["b": ["2"], "a": ["1"]]).json == #"{"fields":{"a":["1"],"b":["2"]},"message":"m","status":0}"#)
    }

    @Test func describesItselfOnOneLine() {
        #expect(ItemError(status: 422, message: "bad", fields: ["phone": ["not E.164"], "": ["whole"]]).text == "422 bad (whole; phone: not E.164)")
        #expect(ItemError(status: 0, message: "not processed").text == "0 not processed")
    }
}
