import ExportCore
import Foundation
import Testing
@testable import OmnisendSimulator

@Suite("JSON bytes")
struct BodyJSONBytesTests {
    @Test func writesSortedKeysAndEscapes() throws {
        let value = try #require(BodyJSON.parse(#"{"b":[1,-2.5e3,"x\u0001\t\"é"],"a":{"d":true,"c":null,"e":false},"":{}}"#))
        #expect(value.text == #"{"":{},"a":{"c":null,"d":true,"e":false},"b":[1,-2.5e3,"x\u0001\t\"é"]}"#)
        #expect(BodyJSON.parse(value.text) == value)
    }

    @Test func quotesEveryControlCharacter() {
        for byte in UInt8(0)..<0x20 {
            let text = String(decoding: [byte], as: UTF8.self)
            let quoted = JSONText.quoted("a" + text + "b")
            #expect(BodyJSON.parse(quoted) == .string("a" + text + "b"))
            #expect(!quoted.utf8.contains { $0 < 0x20 })
        }
    }

    @Test func writesBatchItemsAsBefore() {
        let batch = BatchRecord(
            rowID: 3, brand: "default", method: "POST", endpoint: "contacts", origin: nil, status: "finished", createdAt: 0,
            totalCount: 2, finishedCount: 1, errorsCount: 0)
        let done = BatchItemRecord(index: 0, request: #"{"a":1}"#, responseCode: 200, response: #"{"email":"a@b.co"}"#)
        let pending = BatchItemRecord(index: 1, request: "{}", responseCode: nil, response: nil)
        #expect(done.json() == #"{"itemID":"1","request":{"a":1},"responseCode":200,"response":{"email":"a@b.co"},"status":"finished"}"#)
        #expect(pending.json(batch: batch) == #"{"batchID":"6b0000000000000000000003","method":"POST","endpoint":"contacts","itemID":"2","request":{},"status":"pending"}"#)
    }

    @Test func formatsDatesOnTheFastPathAndBeyond() {
        #expect(DateText.format(Date(timeIntervalSince1970: 253_402_300_799.5)) == "9999-12-31T23:59:59.500Z")
        #expect(DateText.format(Date(timeIntervalSince1970: 253_402_300_800)) == "10000-01-01T00:00:00.000Z")
        #expect(DateText.format(Date(timeIntervalSince1970: -62_167_219_200)) == "0000-01-01T00:00:00.000Z")
    }
}
