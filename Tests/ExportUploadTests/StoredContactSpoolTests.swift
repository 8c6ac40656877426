import ExportCore
import ExportTestSupport
import Foundation
import Testing
@testable import ExportUpload

/// The spool of stored contacts: each candidate's contact read back byte for byte as JSON, the
/// first one kept wins, a file only its owner can read, gone with the spool.
@Suite struct StoredContactSpoolTests {
    @Test func contactsComeBackAsTheyWereKeptInAnyOrderPastTheWriteBuffer() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/spool"
        var spool: StoredContactSpool? = try StoredContactSpool(path: path, candidates: 3000)
        let text = #"{"email":"a\"b\u0001@x.io","n":1.50,"ok":true,"none":null,"tags":["é","\u2028"],"o":{"k":[]}}"#
        guard case .object(let tricky)? = FastJSON.value(Array(text.utf8)) else { throw ExportError(.internal, "fixture") }
        for candidate in stride(from: 2999, through: 0, by: -1) {
            let filler = JSONObject(keys: ["i", "pad"], values: [.number(String(candidate)), .string(String(repeating: "x", count: 500))])
            try spool?.keep(candidate, contact: candidate == 7 ? tricky : filler)
        }
        try spool?.keep(7, contact: JSONObject(keys: ["later"], values: [.bool(false)]))
        #expect(FileManager.default.fileExists(atPath: path))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        let back = try #require(try spool?.storedText(7))
        #expect(FastJSON.value(back) == FastJSON.value(Array(text.utf8)), "the first contact kept, every value as it was")
        #expect(String(decoding: try #require(try spool?.storedText(2500)), as: UTF8.self).hasPrefix(#"{"i":2500,"pad":"xxx"#))
        #expect(spool?.contains(0) == true)
        spool = nil
        #expect(!FileManager.default.fileExists(atPath: path), "the spool deletes its file")
    }

    @Test func aCandidateWithoutAStoredContactHasNone() throws {
        let directory = try TemporaryDirectory()
        let spool = try StoredContactSpool(path: directory.path + "/spool", candidates: 2)
        #expect(try spool.storedText(1) == nil && !spool.contains(1))
    }
}
