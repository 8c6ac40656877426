import ExportCore
import ExportUpload
import ExportTestSupport
import Foundation
import Testing

/// HMAC-SHA256 against RFC 4231, the email tokens, scrubbing free text, and the per-folder key.
struct SecretsRedactionTests {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func sha256AndHMACMatchTheStandardVectors() {
        #expect(hex(HMACSHA256.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(HMACSHA256.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(hex(HMACSHA256.sha256(long)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // RFC 4231 test cases 1, 2 and 6 (a key longer than the block).
        #expect(hex(HMACSHA256.authenticationCode(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
            == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(hex(HMACSHA256.authenticationCode(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(hex(HMACSHA256.authenticationCode(
            key: [UInt8](repeating: 0xaa, count: 131), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func tokensAreKeyedNormalisedAndShort() {
        let a = EmailRedactor(key: Array(repeating: 1, count: 32))
        let b = EmailRedactor(key: Array(repeating: 2, count: 32))
        let token = a.token("Ana.Popescu@Example.RO ")
        #expect(token.hasPrefix("email#") && token.count == 18)
        #expect(token == a.token("ana.popescu@example.ro"))
        #expect(token != b.token("ana.popescu@example.ro"))
        #expect(token != a.token("ana.popescu@example.com"))
        let expected = "email#" + hex(Array(HMACSHA256.authenticationCode(key: a.key, message: Array("ana.popescu@example.ro".utf8)).prefix(6)))
        #expect(token == expected)
        #expect(EmailRedactor(key: a.key, showsEmails: true).token("X@Y.com") == "X@Y.com")
    }

    @Test func scrubReplacesEveryEmailInFreeText() {
        let r = EmailRedactor(key: Array(repeating: 7, count: 32))
        let t = r.token("a.b+c@example.com")
        #expect(r.scrub("chunk 3: 422 'A.B+c@Example.com' is invalid.") == "chunk 3: 422 '\(t)' is invalid.")
        #expect(r.scrub("{\"email\":\"a.b+c@example.com\"}") == "{\"email\":\"\(t)\"}")
        #expect(r.scrub("GET /v5/contacts?email=a.b%2Bc%40example.com failed").contains("?email=email#"))
        #expect(!r.scrub("GET /v5/contacts?email=a.b%2Bc%40example.com failed").contains("example"))
        #expect(r.scrub("two: x@y.io, z@w.io.") == "two: \(r.token("x@y.io")), \(r.token("z@w.io")).")
        #expect(r.scrub("no email here @ all, user@ or @host") == "no email here @ all, user@ or @host")
        #expect(r.scrub("ünïcödé@bücher.de") == r.token("ünïcödé@bücher.de"))
        #expect(EmailRedactor(key: [], showsEmails: true).scrub("x@y.io") == "x@y.io")
    }

    @Test func theKeyFileIsPrivateStableAndPerFolder() throws {
        let one = try TemporaryDirectory()
        let two = try TemporaryDirectory()
        let first = RedactionKeyFile.redactor(runDirectory: one.path)
        let again = RedactionKeyFile.redactor(runDirectory: one.path)
        let other = RedactionKeyFile.redactor(runDirectory: two.path)
        #expect(first.key == again.key && first.key.count == 32 && first.key != other.key)
        let attributes = try FileManager.default.attributesOfItem(atPath: one.path + "/" + RedactionKeyFile.name)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // No folder: a key for this process only, nothing written.
        let missing = one.path + "/missing"
        #expect(RedactionKeyFile.redactor(runDirectory: missing).key.count == 32)
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
