import ExportCore
import Testing
@testable import ExportUpload

@Suite struct ErrorBodyTests {
    func body(_ json: String) -> ErrorBody? { ErrorBody(Array(json.utf8)) }

    @Test func readsTheV5ShapeAndTheRFC9457Problem() throws {
        let v5 = try #require(body(#"{"error":"bad","fields":{"email":["x"]}}"#))
        #expect(v5.error == "bad" && v5.detail == nil && v5.problems.isEmpty)
        #expect(v5.fields == FastJSON.value(Array(#"{"email":["x"]}"#.utf8)))
        let problem = try #require(body(#"{"title":"Validation failed","detail":"d","errors":[{"field":"phone","code":"invalid"},{"message":"m"}]}"#))
        #expect(problem.title == "Validation failed" && problem.detail == "d")
        #expect(problem.problems.map(\.field) == ["phone", nil] && problem.problems.map(\.code) == ["invalid", nil])
        #expect(problem.problems.map(\.message) == [nil, "m"])
    }

    @Test func readsRetryAfterAsANumberOrText() {
        #expect(body(#"{"retryAfter":2.5}"#)?.retryAfter == 2.5)
        #expect(body(#"{"retryAfter":"3"}"#)?.retryAfter == 3)
        #expect(body(#"{"retryAfter":"soon"}"#)?.retryAfter == nil)
    }

    @Test func readsOddFieldsAsAbsentAndANonObjectAsNothing() throws {
        let odd = try #require(body(#"{"error":7,"detail":null,"errors":[1]}"#))
        #expect(odd.error == nil && odd.detail == nil && odd.problems.isEmpty)
        #expect(body(#""text""#) == nil)
        #expect(body("<html>") == nil)
    }

    @Test func givesTheErrorMessageOfAnAnswer() {
        let answer = HTTPAnswer(status: 400, body: Array(#"{"error":" bad ","fields":{"b":["2"],"a":1},"errors":[{"x":"\/"}]}"#.utf8))
        #expect(answer.errorMessage == #"HTTP 400: bad; fields: {"a":1,"b":["2"]}; errors: [{"x":"\/"}]"#)
        #expect(HTTPAnswer(status: 502, body: Array("<html>".utf8)).errorMessage == "HTTP 502")
        #expect(HTTPAnswer(status: 404, body: Array(#"{"title":"Not found"}"#.utf8)).errorMessage == "HTTP 404: Not found")
    }
}
