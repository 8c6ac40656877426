import ExportCore
import ExportTestSupport
@testable import ExportRunOperations
@testable import ExportUpload
import Foundation
import Testing

/// Every hash the tool prints or names files with, pinned to vectors computed outside Swift
/// (`openssl dgst -sha256 [-mac HMAC]`, `sha256sum`), so moving between hash implementations
/// cannot change a byte: redaction tokens, key fingerprints, rate-ledger names and the verify
/// candidates' digest.
struct HashVectorsTests {
    /// `printf '%s' EMAIL | openssl dgst -sha256 -mac HMAC -macopt hexkey:0101…01`, first 12 digits.
    @Test func redactionTokensAreTheFirstSixBytesOfTheHMACOfTheNormalisedEmail() {
        let redactor = EmailRedactor(key: [UInt8](repeating: 1, count: 32))
        #expect(redactor.token("ana.popescu@example.ro") == "email#41ccaaeda33f")
        #expect(redactor.token("  Ana.Popescu@EXAMPLE.ro\u{00A0}") == "email#41ccaaeda33f")
        #expect(redactor.token("ünïcödé@bücher.de") == "email#0fac1839a536")
        #expect(redactor.token("ÜNÏCÖDÉ@BÜCHER.DE") == "email#0fac1839a536")
        #expect(redactor.token("") == "email#2e72eb6626e1")
        #expect(redactor.scrub("422: 'A.B+c@Example.com' is invalid") == "422: 'email#fe6db4ee64c2' is invalid")
        // RFC 4231 test case 2 (nothing to normalise), and test case 6's key, longer than a block.
        #expect(EmailRedactor(key: Array("Jefe".utf8)).token("what do ya want for nothing?") == "email#5bdcc146bf60")
        let long = EmailRedactor(key: [UInt8](repeating: 0xAA, count: 131))
        #expect(long.token("Test Using Larger Than Block-Size Key - Hash Key First") == "email#707eaaac2383")
    }

    /// `printf '%s' sk-test-0123456789 | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1f`.
    @Test func aKeyFingerprintIsTheHexHMACOfTheKeyUnderTheInstallSecret() throws {
        let folder = try TemporaryDirectory()
        let state = StateDirectory(path: folder.path + "/state")
        try state.create()
        let secret = Data((0..<32).map { UInt8($0) })
        #expect(FileManager.default.createFile(atPath: state.file(InstallSecret.fileName), contents: secret))
        let fingerprint = try InstallSecret(state: state).fingerprint(of: APIKey("sk-test-0123456789"))
        #expect(fingerprint == "d5a096a32040a9dd942be9af0761347382e42dc1161546de00d16576e390d056")
    }

    /// Without a key fingerprint a ledger is named by the first 40 digits of the SHA-256 of the
    /// normalised base URL (`printf '%s' https://api.omnisend.com/v5 | sha256sum`), and a
    /// rehearsal's by that of the empty text.
    @Test func aLedgerWithoutAKeyFingerprintIsNamedByTheHashOfItsBaseURL() throws {
        let folder = try TemporaryDirectory()
        let state = StateDirectory(path: folder.path + "/state")
        var identity = DestinationIdentity(baseURL: "HTTPS://API.Omnisend.com/v5/", apiVersion: .v5, keyFingerprint: "unused")
        identity.keyFingerprint = nil
        #expect(try RateLedger.path(in: state, identity: identity) == state.path + "/rate/123775e6f29794a0dfc970871870ff73090c910f.ledger")
        let rehearsal = DestinationIdentity(rehearsalOf: folder.path, apiVersion: .v5)
        #expect(try RateLedger.path(in: state, identity: rehearsal) == state.path + "/rate/e3b0c44298fc1c149afbf4c8996fb92427ae41e4.ledger")
    }

    /// The SHA-256 of each (chunk, item) pair as two 4-byte little-endian numbers:
    /// `printf '\x01\0\0\0\0\0\0\0\x02\0\0\0\x07\0\0\0\xff\xff\xff\xff\0\0\x01\0' | sha256sum`.
    @Test func theVerifyCandidatesDigestIsTheSHA256OfTheirNumbers() {
        #expect(VerifyCandidates.digest(chunks: [1, 2, -1], items: [0, 7, 65536])
            == "d636b0f95ad2d1880e586b2a6382299167e70a0a941dde0353797a23591ab25b")
        #expect(VerifyCandidates.digest(chunks: [], items: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
