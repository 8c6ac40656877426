import Testing
@testable import OmnisendSimulator

@Suite("ContactValidator")
struct ContactValidatorTests {
    private func problems(_ json: String) -> [String] {
        ContactValidator.validate(BodyJSON.parse(json) ?? .null, version: .v3).map(\.v3Text)
    }

    @Test func acceptsTheDocumentedExample() {
        let example = """
            {"identifiers":[{"type":"email","id":"jane@example.com","channels":{"email":{"status":"subscribed","statusDate":"2020-02-29T10:07:28Z"}},"sendWelcomeMessage":true},
              {"type":"phone","id":"+443031237300","channels":{"sms":{"status":"nonSubscribed","statusDate":"2016-02-01T10:07:28Z"}}}],
             "firstName":"Jane","lastName":"Doe","country":"United Kingdom","countryCode":"GB","city":"London","address":"Westminster",
             "postalCode":"SW1A 1AA","gender":"f","birthdate":"1997-05-02","tags":["source: test"],
             "customProperties":{"age":3,"vip":true,"name_1":"x","list":["a","b"]}}
            """
        #expect(problems(example) == [])
    }

    @Test func reportsTheDocumentedMissingChannels() {
        #expect(problems(#"{"identifiers":[{"type":"email","id":"vanessa.kensingtonexample.com"}]}"#) == [
            "identifiers[0].id: is not a valid email address",
            "identifiers[0].channels: field required but not found in Json",
        ])
    }

    @Test(arguments: [
        (#"{}"#, "identifiers: field required but not found in Json"),
        (#"{"identifiers":[]}"#, "identifiers: must be a non-empty array"),
        (#"{"identifiers":[{"type":"fax","id":"1","channels":{}}]}"#, "identifiers[0].type: can't be this value. Available values: email,phone"),
        (#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{}}]}"#, "identifiers[0].channels.email: field required but not found in Json"),
        (#"{"identifiers":[{"type":"phone","id":"+44 20","channels":{"sms":{}}}]}"#, "identifiers[0].id: must be a phone number in E.164 format"),
        (#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{"status":"unknown"}}}]}"#,
         "identifiers[0].channels.email.status: can't be this value. Available values: subscribed,nonsubscribed,nonSubscribed,unsubscribed"),
        (#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{"statusDate":"yesterday"}}}]}"#,
         "identifiers[0].channels.email.statusDate: must be an ISO 8601 date-time"),
        (#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{}}}],"countryCode":"GBR"}"#,
         "countryCode: must be an ISO 3166-1 alpha-2 code (2 letters)"),
        (#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{}}}],"gender":"x"}"#, "gender: can't be this value. Available values: m,f"),
        (#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{}}}],"birthdate":"05/11/1981"}"#, "birthdate: must be a date in YYYY-MM-DD format"),
        (#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{}}}],"customProperties":{"bad-name":1}}"#,
         "customProperties.bad-name: names may hold only Latin letters, digits and _ (1-128 characters)"),
        (#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{}}}],"customProperties":{"o":{"a":1}}}"#,
         "customProperties.o: must be a string, number, boolean or array of strings"),
        (#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{}}}],"firstName":5}"#, "firstName: must be a string"),
        ("[1]", "body: must be a JSON object"),
    ])
    func reportsEachRule(_ json: String, _ expected: String) {
        #expect(problems(json) == [expected])
    }

    @Test func enforcesCountAndLengthLimits() {
        let tags = (0...100).map { "\"t\($0)\"" }.joined(separator: ",")
        #expect(problems(#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{}}}],"tags":[\#(tags)]}"#)
            == ["tags: at most 100 tags are allowed"])
        let properties = (0...200).map { "\"p\($0)\":1" }.joined(separator: ",")
        #expect(problems(#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{}}}],"customProperties":{\#(properties)}}"#)
            == ["customProperties: at most 200 custom properties are allowed"])
        let long = String(repeating: "x", count: 2049)
        #expect(problems(#"{"identifiers":[{"type":"email","id":"a@b.co","channels":{"email":{}}}],"customProperties":{"p":"\#(long)"}}"#)
            == ["customProperties.p: string values are limited to 2048 characters"])
    }

    @Test(arguments: ["a@b.co", "first.last+tag@sub.example.org"])
    func acceptsEmails(_ email: String) { #expect(ContactValidator.isValidEmail(email)) }

    @Test(arguments: ["plain", "@b.co", "a@", "a@b", "a@@b.co", "a b@c.co", "a@b..co", "a@.b.co", "a@b.co."])
    func rejectsEmails(_ email: String) { #expect(!ContactValidator.isValidEmail(email)) }

    /// Problems of channels and custom properties come in name order, each name's in check order.
    @Test func reportsChannelAndPropertyProblemsInNameOrder() {
        let json = #"""
            {"identifiers":[{"type":"email","id":"a@b.co","channels":{"sms":{"status":"x"},"email":{"statusChangedAt":"no","statusDate":"no"},"push":{}}}],
             "customProperties":{"z":null,"ok":1,"b-c":{},"a":["x",1]}}
            """#
        #expect(problems(json) == [
            "identifiers[0].channels.email.statusDate: must be an ISO 8601 date-time",
            "identifiers[0].channels.email.statusChangedAt: must be an ISO 8601 date-time",
            "identifiers[0].channels.push: unknown channel. Available channels: email,sms",
            "identifiers[0].channels.sms.status: can't be this value. Available values: subscribed,nonsubscribed,nonSubscribed,unsubscribed",
            "customProperties.a: arrays may hold only strings",
            "customProperties.b-c: names may hold only Latin letters, digits and _ (1-128 characters)",
            "customProperties.b-c: must be a string, number, boolean or array of strings",
            "customProperties.z: must be a string, number, boolean or array of strings",
        ])
    }
}
