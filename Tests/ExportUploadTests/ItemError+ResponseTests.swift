import ExportRunFolder
import ExportUpload
import Testing

/// One error shape in `failed.ndjson` for every API version's item answer.
@Suite struct ItemErrorResponseTests {
    @Test func normalisesTheV3AndV5ErrorBody() {
        let answer = #"{"error":"1 error(s) found. Check 'fields' array for details.","fields":{"0":["identifiers[0].channels: field required but not found in Json"]}}"#
        let error = ItemError(status: 400, response: answer)
        #expect(error == ItemError(
            status: 400, message: "1 error(s) found. Check 'fields' array for details.",
            fields: ["0": ["identifiers[0].channels: field required but not found in Json"]]))
        #expect(error.json == #"{"fields":{"0":["identifiers[0].channels: field required but not found in Json"]},"message":"1 error(s) found. Check 'fields' array for details.","status":400}"#)
    }

    @Test func normalisesAnRFC9457ProblemWithRepeatedFields() {
        let answer = """
            {"type":"https://problems.omnisend.com/validation-failed","title":"Validation failed","status":400,
             "detail":"One or more fields are invalid.","instance":"urn:omnisend:request:1",
             "errors":[{"field":"countryCode","code":"invalid","message":"must be ISO 3166-1 alpha-2"},
                       {"field":"countryCode","code":"length"},{"field":"phone","code":"invalid","message":"not E.164"}]}
            """
        let error = ItemError(status: 400, response: answer)
        #expect(error.message == "One or more fields are invalid.")
        #expect(error.fields == ["countryCode": ["must be ISO 3166-1 alpha-2", "length"], "phone": ["not E.164"]])
        #expect(error.text == "400 One or more fields are invalid. (countryCode: must be ISO 3166-1 alpha-2; countryCode: length; phone: not E.164)")
    }

    @Test func keepsOurOwnExplanationsAndOddAnswers() {
        #expect(ItemError(status: 0, response: #""not processed: the batch ended (stopped)""#)
            == ItemError(status: 0, message: "not processed: the batch ended (stopped)"))
        #expect(ItemError(status: 500, response: "{\"message\":\" busy \"}").message == "busy")
        #expect(ItemError(status: 502, response: "<html>bad gateway</html>").message == "<html>bad gateway</html>")
        #expect(ItemError(status: 422, response: #"{"error":"x","fields":{"email":"one text","tags":[["nested"],3]}}"#).fields
            == ["email": ["one text"], "tags": ["nested", "3"]])
    }
}
