import ExportCore
import Foundation
import Testing
@testable import ExportUpload

@Suite struct BatchItemsAnswerTests {
    static let text = #"""
        {"batchID":"b1","status":"finished","totalCount":3,
         "errors":[{"itemID":"2","request":{"identifiers":[{"type":"phone","id":"+15550000000"},{"type":"email","id":"b@x.co"}],"firstName":"B"},"responseCode":400,"response":{"error":"bad \/ slash","fields":{"0":["x"]}},"status":"finished"}],
         "responses":[{"itemID":"1","request":{"identifiers":[{"type":"email","id":"a@x.co","channels":{}}],"tags":["t"]},"responseCode":200,"response":{"email":"a@x.co","contactID":"c1"},"status":"finished"},
                      {"itemID":3,"request":{"identifiers":[{"type":"phone","id":"+15550000001"}]},"responseCode":200,"response":{"contactID":"c3"},"status":"finished"}],
         "paging":{"next":"https://x/batches/b1/items?page=2"}}
        """#

    /// Of each request only its email is kept; item IDs read as text or number.
    @Test func keepsTheEmailOfEachRequestAndTheAnswerAsParsed() throws {
        let answer = try #require(BatchItemsAnswer(Array(Self.text.utf8)))
        #expect(answer.status == "finished" && answer.next == "https://x/batches/b1/items?page=2")
        #expect(answer.responses.map(\.email) == ["a@x.co", nil])
        #expect(answer.responses.map(\.itemID) == ["1", "3"])
        #expect(answer.errors.map(\.email) == ["b@x.co"])
        #expect(answer.errors.first?.responseCode == 400)
        let response = try #require(answer.errors.first?.response)
        #expect(FastJSON.value(Array(#"{"error":"bad / slash","fields":{"0":["x"]}}"#.utf8)) == response)
    }

    @Test func givesTheResultsOfEveryItemWithOmnisendsAnswerAsBefore() throws {
        let answer = try #require(BatchItemsAnswer(Array(Self.text.utf8)))
        let results = BatchResults(itemsAnswer: answer, chunk: 1, emails: ["a@x.co", "b@x.co", nil, "d@x.co"])
        #expect(results.accepted == 2)
        #expect(results.reportedEmails == ["a@x.co", "b@x.co"])
        #expect(results.failedItems == [
            FailedItem(chunk: 1, item: 1, responseCode: 400, response: #"{"error":"bad \/ slash","fields":{"0":["x"]}}"#, retryable: false),
            FailedItem(
                chunk: 1, item: 3, responseCode: 0, response: #""not processed: the batch ended (finished) without a result for this item""#,
                retryable: true),
        ])
    }

    @Test func readsOddAnswersLeniently() throws {
        let odd = try #require(BatchItemsAnswer(Array(#"{"responses":[{"responseCode":"200","response":null,"request":[]},{}],"errors":[1]}"#.utf8)))
        #expect(odd.responses == [BatchItemsAnswer.Item(response: .null), BatchItemsAnswer.Item()])
        #expect(odd.errors.isEmpty && odd.status == nil && odd.next == nil)
        #expect(BatchItemsAnswer(Array("[1]".utf8)) == nil)
        var merged = odd
        merged.append(try #require(BatchItemsAnswer(Array(Self.text.utf8))))
        #expect(merged.responses.count == 4 && merged.errors.count == 1 && merged.status == nil)
    }
}
