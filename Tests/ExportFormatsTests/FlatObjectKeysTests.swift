import Testing

@testable import ExportFormats

@Suite struct FlatObjectKeysTests {
    @Test func concatenatesTheKeysAsWritten() throws {
        let keys = try #require(FlatObjectKeys(["Email", "", "É"]))
        #expect(keys.bytes == Array("\"Email\":\"\":\"É\":".utf8))
        #expect(keys.ends == [8, 11, 16])
        #expect(keys.count == 3)
    }

    @Test(arguments: ["a\"b", "a\\b", "a\nb", "\u{1F}"])
    func refusesKeysThatJSONEscapes(_ key: String) {
        #expect(FlatObjectKeys(["ok", key]) == nil)
    }
}
