import Testing
@testable import ExportContactRules

@Suite struct EmailKeyTests {
    @Test(arguments: ["", "a@b.co", "ana.pop@example.com", "zoë@exämple.de", String(repeating: "long", count: 70)])
    func theKeyOfBytesIsTheKeyOfTheirString(_ email: String) {
        let fromBytes = Array(email.utf8).withUnsafeBufferPointer { EmailKey(utf8: $0) }
        #expect(fromBytes == EmailKey(email))
    }

    @Test func differentEmailsHaveDifferentKeys() {
        let keys = Set((0..<10_000).map { EmailKey("user\($0)@example.com") })
        #expect(keys.count == 10_000)
    }
}
