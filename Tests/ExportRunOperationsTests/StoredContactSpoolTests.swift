import ExportCore
import ExportTestSupport
import Foundation
import Testing
@testable import ExportRunOperations
@testable import ExportUpload

/// The spool of stored contacts: each candidate's contact read back byte for byte as JSON, the
/// first one kept wins, a file only its owner can read; reopened at a saved length after a stop.
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
        spool?.remove()
        spool = nil
        #expect(!FileManager.default.fileExists(atPath: path), "a finished verify deletes the spool")
    }

    @Test func aCandidateWithoutAStoredContactHasNone() throws {
        let directory = try TemporaryDirectory()
        let spool = try StoredContactSpool(path: directory.path + "/spool", candidates: 2)
        #expect(try spool.storedText(1) == nil && !spool.contains(1))
    }

    @Test func aStoppedSpoolReopensAtItsSavedLengthAndCutsWhatFollows() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/spool"
        let first = try StoredContactSpool(path: path, candidates: 5)
        try first.keep(3, contact: JSONObject(keys: ["n"], values: [.number("3")]))
        try first.keep(0, contact: JSONObject(keys: ["n"], values: [.string("zero")]))
        let saved = try first.sync()
        // Kept after the saved progress (a page whose progress the kill never wrote).
        try first.keep(4, contact: JSONObject(keys: ["n"], values: [.number("4")]))
        _ = try first.sync()
        let resumed = try StoredContactSpool(path: path, candidates: 5, resumingAt: saved)
        #expect(try resumed.storedText(3).map { String(decoding: $0, as: UTF8.self) } == #"{"n":3}"#)
        #expect(try resumed.storedText(0).map { String(decoding: $0, as: UTF8.self) } == #"{"n":"zero"}"#)
        #expect(!resumed.contains(4), "what followed the saved length is cut")
        try resumed.keep(4, contact: JSONObject(keys: ["n"], values: [.number("44")]))
        #expect(try resumed.storedText(4).map { String(decoding: $0, as: UTF8.self) } == #"{"n":44}"#)
        // A spool of more candidates, or cut inside a record, is not read as this one.
        #expect(throws: ExportError.self) { try StoredContactSpool(path: path, candidates: 2, resumingAt: saved) }
        #expect(throws: ExportError.self) { try StoredContactSpool(path: path, candidates: 5, resumingAt: saved - 1) }
    }
}
