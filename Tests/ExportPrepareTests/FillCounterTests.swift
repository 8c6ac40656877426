import Testing

@testable import ExportPrepare

@Suite struct FillCounterTests {
    static func count(_ items: [String]) -> [String: Int] {
        var counter = FillCounter()
        for item in items {
            let bytes = Array(item.utf8)
            bytes.withUnsafeBufferPointer { counter.count($0) }
        }
        return counter.fields
    }

    @Test func countsTopLevelFieldsCustomPropertiesAndIdentifierTypes() {
        let fields = Self.count([
            #"{"identifiers":[{"type":"email","id":"a@x.ro","channels":{"email":{"status":"subscribed"}}},{"type":"phone","id":"+40722","channels":{"sms":{"status":"nonSubscribed"}}}],"firstName":"Ana","tags":["a","b"],"customProperties":{"vip":true,"notes":"x"}}"#,
            #"{"identifiers":[{"type":"email","id":"b@x.ro"}],"firstName":"Bo","customProperties":{"vip":false}}"#,
            #"{"identifiers":[{"type":"email","id":"c@x.ro"}],"lastName":"C"}"#,
        ])
        #expect(fields == [
            "email": 3, "phone": 1, "firstName": 2, "lastName": 1, "tags": 1, "customProperties.vip": 2,
            "customProperties.notes": 1,
        ])
    }

    @Test func keysInsideValuesAndEscapedQuotesAreNotFields() {
        let fields = Self.count([
            #"{"identifiers":[{"type":"email","id":"a@x.ro"}],"firstName":"say \"lastName\": \\","address":"{\"city\":1}","customProperties":{"list":[{"inner":1}],"obj":{"deep":{"type":"phone"}}}}"#
        ])
        #expect(fields == ["email": 1, "firstName": 1, "address": 1, "customProperties.list": 1, "customProperties.obj": 1])
    }

    @Test func aChangeOfKeyOrderBetweenItemsStillCountsRight() {
        let fields = Self.count([
            #"{"firstName":"A","lastName":"B","city":"C"}"#,
            #"{"city":"C","firstName":"A"}"#,
            #"{"lastName":"B"}"#,
            #"{"firstName":"A","lastName":"B","city":"C"}"#,
        ])
        #expect(fields == ["firstName": 3, "lastName": 3, "city": 3])
    }

    @Test func twoPhonesCountOnce() {
        let fields = Self.count([#"{"identifiers":[{"type":"phone","id":"1"},{"type":"phone","id":"2"}]}"#])
        #expect(fields == ["phone": 1])
    }

    @Test func aTopLevelKeyNamedLikeACustomPropertyStaysApart() {
        let fields = Self.count([#"{"vip":1,"customProperties":{"vip":2}}"#])
        #expect(fields == ["vip": 1, "customProperties.vip": 1])
    }
}
