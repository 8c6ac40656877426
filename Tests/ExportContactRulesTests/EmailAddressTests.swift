import ExportCore
import Testing
@testable import ExportContactRules

@Suite struct EmailAddressTests {
    @Test(arguments: [
        ("  Ana.Popescu@Example.COM \u{00A0}", "ana.popescu@example.com"),
        ("\u{3000}ȘTEFAN@exemplu.ro\t", "ștefan@exemplu.ro"),
        ("plain@example.com", "plain@example.com"),
        ("", ""),
    ])
    func normalizesWhitespaceAndCase(raw: String, expected: String) {
        #expect(EmailNormalizer.normalize(raw) == expected)
    }

    /// The normaliser (ExportCore) gives what the mapping's former copy gave: `TextOps.trim`,
    /// then lower case, on every white-space scalar at either end.
    @Test func theNormaliserTrimsAsTheMappingLanguageTrims() {
        let spaces = (0...0x3000).compactMap { Unicode.Scalar(UInt32($0)) }.filter(\.properties.isWhitespace).map { String(Character($0)) }
        for core in ["Ana.Popescu@Example.COM", "ȘTEFAN@exemplu.ro", "x@y.io", "", "\u{200B}A@b.c\u{FEFF}"] {
            for space in spaces + ["", "\u{200B}", "\u{1C}"] {
                for raw in [space + core, core + space, space + core + space + space] {
                    #expect(EmailNormalizer.normalize(raw) == TextOps.trim(raw).lowercased(), "\(raw.unicodeScalars.map(\.value))")
                }
            }
        }
    }

    static let valid = [
        "a@b.co", "first.last@example.com", "x+tag@sub.example.org", "o'neil@example.ie",
        "!#$%&'*+-/=?^_`{|}~@example.com", "ștefan@exemplu.ro", "用户@例子.广告", "a@xn--bcher-kva.example",
        "a@1example.com", "a@b-c.de", String(repeating: "l", count: 64) + "@example.com",
        "a@" + String(repeating: "d", count: 63) + ".com", "emoji😀@example.com",
    ]

    @Test(arguments: valid)
    func acceptsValidAddresses(address: String) {
        #expect(EmailAddress.validate(address) == nil)
    }

    static let invalid: [(String, String, String)] = [
        ("", "email_missing", "the email field is empty"),
        ("plainaddress", "email_invalid", "no @"),
        ("a@b@example.com", "email_invalid", "more than one @"),
        ("@example.com", "email_invalid", "local part is empty"),
        ("\"quoted\"@example.com", "email_invalid", "quoted local parts are not accepted"),
        (String(repeating: "l", count: 65) + "@example.com", "email_invalid", "local part longer than 64 bytes"),
        (".a@example.com", "email_invalid", "local part starts with a dot"),
        ("a.@example.com", "email_invalid", "local part ends with a dot"),
        ("a..b@example.com", "email_invalid", "local part has two dots in a row"),
        ("a b@example.com", "email_invalid", "character not allowed in local part"),
        ("a(b)@example.com", "email_invalid", "character not allowed in local part"),
        ("a@", "email_invalid", "domain is empty"),
        ("a@[192.0.2.1]", "email_invalid", "IP-literal domains are not accepted"),
        ("a@example.com.", "email_invalid", "domain ends with a dot"),
        ("a@example..com", "email_invalid", "domain has an empty label"),
        ("a@.example.com", "email_invalid", "domain has an empty label"),
        ("a@" + String(repeating: "d", count: 64) + ".com", "email_invalid", "domain label longer than 63 bytes"),
        ("a@-example.com", "email_invalid", "domain label starts with a hyphen"),
        ("a@example-.com", "email_invalid", "domain label ends with a hyphen"),
        ("a@example.123", "email_invalid", "top-level domain is all digits"),
        ("a@localhost", "email_invalid", "domain needs at least two labels"),
        ("a@exa_mple.com", "email_invalid", "character not allowed in domain"),
        ("a@exa mple.com", "email_invalid", "character not allowed in domain"),
        (String(repeating: "l", count: 64) + "@" + String(repeating: "d.", count: 94) + "com", "email_invalid",
         "address longer than 254 bytes"),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidAddressesNamingTheRule(address: String, reason: String, detail: String) {
        let problem = EmailAddress.validate(address)
        #expect(problem?.reason == reason)
        #expect(problem?.detail == detail)
    }

    /// Every ASCII character inside a local part: allowed exactly when it is RFC 5322 atext.
    @Test func theLocalPartAllowsExactlyTheAtextCharacters() {
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".utf8)
        for c in UInt8(0)..<128 where c != UInt8(ascii: ".") && c != UInt8(ascii: "@") {
            let address = [UInt8(ascii: "a"), c, UInt8(ascii: "b")] + Array("@example.com".utf8)
            let valid = address.withUnsafeBufferPointer { EmailAddress.validate(bytes: $0) } == nil
            #expect(valid == atext.contains(c), "character \(c)")
        }
    }

    @Test func lengthLimitsCountBytesNotCharacters() {
        // 32 two-byte characters = 64 bytes: allowed; 33 = 66 bytes: too long.
        #expect(EmailAddress.validate(String(repeating: "ă", count: 32) + "@example.ro") == nil)
        #expect(EmailAddress.validate(String(repeating: "ă", count: 33) + "@example.ro")?.detail
            == "local part longer than 64 bytes")
    }
}
