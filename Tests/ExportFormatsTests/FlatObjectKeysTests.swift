import Testing

@testable import ExportFormats

@Suite struct FlatObjectKeysTests {
    @Test func concatenatesTheKeysBytes() throws {
        let keys = try #require(FlatObjectKeys(["Email", "", "É"]))
        #expect(keys.bytes == Array("EmailÉ".utf8))
        #expect(keys.ends == [5, 5, 7])
        #expect(keys.count == 3)
    }

    @Test(arguments: ["a\"b", "a\\b", "a\nb", "\u{1F}"])
    func refusesKeysThatJSONEscapes(_ key: String) {
        #expect(FlatObjectKeys(["ok", key]) == nil)
    }
}
