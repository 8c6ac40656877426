import Foundation
import Testing
@testable import ExportUpload

@Suite("FastJSON")
struct FastJSONTests {
    /// The items answer keeps only the email of each request, and reads the same as bridged whole.
    @Test func itemsAnswerCutsRequestsToTheirEmail() throws {
        let text = #"""
            {"batchID":"b1","status":"finished","totalCount":3,
             "errors":[{"itemID":"2","request":{"identifiers":[{"type":"phone","id":"+15550000000"},{"type":"email","id":"b@x.co"}],"firstName":"B"},"responseCode":400,"response":{"error":"bad","fields":{"0":["x"]}},"status":"finished"}],
             "responses":[{"itemID":"1","request":{"identifiers":[{"type":"email","id":"a@x.co","channels":{}}],"tags":["t"]},"responseCode":200,"response":{"email":"a@x.co","contactID":"c1"},"status":"finished"},
                          {"itemID":"3","request":{"identifiers":[{"type":"phone","id":"+15550000001"}]},"responseCode":200,"response":{"contactID":"c3"},"status":"finished"}]}
            """#
        let slim = try #require(FastJSON.itemsAnswer(Array(text.utf8)))
        let whole = try #require(FastJSON.object(Array(text.utf8)))
        let requests = ((slim["responses"] as? [[String: Any]]) ?? []).map { $0["request"] as? [String: Any] }
        #expect(requests.map { $0?["email"] as? String } == ["a@x.co", nil])
        #expect(requests.map { $0?.count } == [1, 0])
        #expect(slim["status"] as? String == "finished")
        let emails: [String?] = ["a@x.co", "b@x.co", nil]
        let fromSlim = BatchResults(itemsAnswer: slim, chunk: 1, emails: emails)
        let fromWhole = BatchResults(itemsAnswer: whole, chunk: 1, emails: emails)
        #expect(fromSlim.accepted == 2 && fromSlim.accepted == fromWhole.accepted)
        #expect(fromSlim.failedItems == fromWhole.failedItems)
        #expect(fromSlim.reportedEmails == fromWhole.reportedEmails)
        #expect(FastJSON.itemsAnswer(Array("[1]".utf8)) == nil)
    }
}
