import ExportCore
import ExportTestSupport
import Foundation
import Testing
@testable import ExportRunOperations
@testable import ExportUpload

/// A verify's saved progress: written atomically and privately, read back, the same verify
/// recognised and any other one not; a garbled file is no progress (the verify starts over).
@Suite struct VerifyProgressTests {
    private func progress(
        baseURL: String = "http://127.0.0.1:9/v5", method: ContactVerifier.ReadMethod = .list, candidates: Int = 3, digest: String = "ab"
    ) -> VerifyProgress {
        VerifyProgress(
            target: UploadTarget(baseURL: baseURL, apiVersion: .v5, key: APIKey("sk-secret")), method: method, candidates: candidates,
            candidateDigest: digest)
    }

    @Test func theProgressRoundTripsPrivatelyWithoutTheKey() throws {
        let directory = try TemporaryDirectory()
        let path = VerifyProgress.path(runDirectory: directory.path)
        #expect(VerifyProgress.read(path: path) == nil)
        var saved = progress()
        saved.nextQuery = "after=abc&limit=2"
        saved.pages = 4
        saved.spoolBytes = 812
        try saved.write(path: path)
        #expect(VerifyProgress.read(path: path) == saved)
        let text = String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self)
        #expect(!text.contains("sk-secret"))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        _ = try directory.write(".verify-spool", "x")
        VerifyProgress.remove(runDirectory: directory.path)
        #expect(!FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: directory.path + "/.verify-spool"))
        _ = try directory.write(".verify-progress.json", "{\"formatVersion\":1,")
        #expect(VerifyProgress.read(path: path) == nil, "a garbled progress is none")
    }

    @Test func onlyTheSameDestinationMethodAndCandidatesContinue() throws {
        let fresh = progress()
        var saved = fresh
        saved.pages = 9
        #expect(fresh.continues(saved))
        #expect(!fresh.continues(progress(baseURL: "http://127.0.0.1:8/v5")))
        #expect(!fresh.continues(progress(method: .lookup)))
        #expect(!fresh.continues(progress(candidates: 2)))
        #expect(!fresh.continues(progress(digest: "cd")))
    }

    @Test func theDigestNamesTheCandidatesInOrder() {
        let digest = VerifyCandidates.digest(chunks: [1, 1, 2], items: [0, 1, 0])
        #expect(digest == VerifyCandidates.digest(chunks: [1, 1, 2], items: [0, 1, 0]) && digest.count == 64)
        #expect(digest != VerifyCandidates.digest(chunks: [1, 2, 1], items: [0, 0, 1]), "another order")
        #expect(digest != VerifyCandidates.digest(chunks: [1, 1], items: [0, 1]), "fewer")
        #expect(VerifyCandidates.digest(chunks: [], items: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
