import Testing
@testable import ExportReport

@Suite struct UploadStateTests {
    @Test(arguments: [
        (#"{"error":"1 error(s) found","fields":{"0":["identifiers[0].id: invalid"],"1":"one text","2":[3]}}"#,
            "1 error(s) found (identifiers[0].id: invalid, one text)"),
        (#"{"title":"Validation failed","detail":"One field is invalid.","errors":[{"field":"phone"},{"pointer":"/countryCode"}]}"#,
            "One field is invalid. (/countryCode, phone)"),
        (#""not processed: the batch ended (stopped)""#, "not processed: the batch ended (stopped)"),
        (#"{"status":500}"#, "error"),
        ("<html>bad gateway</html>", "<html>bad gateway</html>"),
    ])
    func namesOmnisendsMessageAndTheFieldsItBlames(response: String, message: String) {
        #expect(UploadState.message(of: response) == message)
    }
}
