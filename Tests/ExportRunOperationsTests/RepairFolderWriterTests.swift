import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
import Testing
@testable import ExportRunOperations
@testable import ExportUpload

/// `verify --repair`'s folder: written under `.partial`, renamed when its manifest is written.
@Suite struct RepairFolderWriterTests {
    @Test func aStoppedRepairLeavesOnlyAPartialFolderThatTheNextOneReplaces() throws {
        let folder = try TestRunFolder.make(contacts: 3, perChunk: 5)
        let stopped = try RepairFolderWriter(sourceRunDirectory: folder, directory: nil)
        try stopped.add(email: TestRunFolder.email(0), sentItem: TestRunFolder.item(0), chunk: 1, item: 0)
        // Stopped before `finish` (a verify stopped while it compares): nothing under the final
        // name, so nothing a later `upload` could take for a run folder.
        #expect(!FileManager.default.fileExists(atPath: folder + "-repair"))
        #expect(FileManager.default.fileExists(atPath: folder + "-repair.partial"))

        let again = try RepairFolderWriter(sourceRunDirectory: folder, directory: nil)
        #expect(again.directory == folder + "-repair")
        try again.add(email: TestRunFolder.email(1), sentItem: TestRunFolder.item(1), chunk: 1, item: 1)
        #expect(try again.finish() == 1)
        #expect(!FileManager.default.fileExists(atPath: folder + "-repair.partial"))
        let manifest = try ManifestFile.read(runDirectory: folder + "-repair")
        #expect(manifest.counts.kept == 1 && manifest.chunks.count == 1)
        let contacts = String(decoding: try #require(FileManager.default.contents(atPath: folder + "-repair/contacts.ndjson")), as: UTF8.self)
        #expect(contacts == #"{"email":"user1@example.com","chunk":1,"item":0,"input":"input.csv","line":3}"# + "\n")
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "-repair")[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }
}
