import Testing
@testable import ExportCore

@Suite struct ContactItemTests {
    static func identifier(_ type: String, _ id: FieldValue) -> FieldValue {
        .object(JSONObject(keys: ["type", "id"], values: [.string(type), id]))
    }

    @Test func theEmailIsTheFirstEmailIdentifier() {
        let item = JSONObject(
            keys: ["identifiers", "email"],
            values: [
                .array([Self.identifier("phone", .string("+40722123456")), Self.identifier("email", .string("a@b.co")),
                    Self.identifier("email", .string("c@d.co"))]),
                .string("top@level.co"),
            ])
        #expect(ContactItem.email(of: item) == "a@b.co")
    }

    @Test func aTopLevelEmailWhenNoIdentifierHasOne() {
        let listed = JSONObject(keys: ["email", "identifiers"], values: [.string("x@y.co"), .array([Self.identifier("email", .null)])])
        #expect(ContactItem.email(of: listed) == "x@y.co")
        #expect(ContactItem.email(of: JSONObject(keys: ["identifiers"], values: [.string("odd")])) == nil)
        #expect(ContactItem.email(of: JSONObject()) == nil)
    }
}
