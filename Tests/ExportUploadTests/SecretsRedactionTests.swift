import ExportCore
import ExportUpload
import ExportTestSupport
import Foundation
import Testing

/// The email tokens (their bytes are pinned in `HashVectorsTests`), scrubbing free text, and the per-folder key.
struct SecretsRedactionTests {
    @Test func tokensAreKeyedNormalisedAndShort() {
        let a = EmailRedactor(key: Array(repeating: 1, count: 32))
        let b = EmailRedactor(key: Array(repeating: 2, count: 32))
        let token = a.token("Ana.Popescu@Example.RO ")
        #expect(token.hasPrefix("email#") && token.count == 18)
        #expect(token == a.token("ana.popescu@example.ro"))
        #expect(token != b.token("ana.popescu@example.ro"))
        #expect(token != a.token("ana.popescu@example.com"))
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
