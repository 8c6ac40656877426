import ExportCore
import ExportUpload
import ExportTestSupport
import Foundation
import Testing

@Test func readsTheItemsOfAPreparedChunk() throws {
    let folder = try TestRunFolder.make(contacts: 5, perChunk: 3)
    let manifest = try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
    let chunk = try ChunkFile(runDirectory: folder, file: manifest.chunks[0].file, sha256: manifest.chunks[0].sha256)
    #expect(try chunk.itemEmails() == [TestRunFolder.email(0), TestRunFolder.email(1), TestRunFolder.email(2)])
    #expect(try chunk.itemTexts()[1] == TestRunFolder.item(1))
    #expect(ChunkFile.body(items: try chunk.itemTexts()) == chunk.body)
}

@Test func refusesAChunkThatChanged() throws {
    let folder = try TestRunFolder.make(contacts: 2, perChunk: 2)
    let manifest = try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
    let path = folder + "/" + manifest.chunks[0].file
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    bytes[bytes.count / 2] ^= 0x01
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: ExportError.self) {
        try ChunkFile(runDirectory: folder, file: manifest.chunks[0].file, sha256: manifest.chunks[0].sha256)
    }
}
