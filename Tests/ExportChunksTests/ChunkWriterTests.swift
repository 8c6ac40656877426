@testable import ExportChunks
import ExportCore
import ExportRunFolder
import ExportTestSupport
import Foundation
import Testing

@Suite struct ChunkWriterTests {
    func item(_ n: Int, padding: Int = 0) -> [UInt8] {
        Array(#"{"identifiers":[{"type":"email","id":"u\#(n)@example.com"}],"firstName":"\#(String(repeating: "x", count: padding))"}"#.utf8)
    }

    @Test func cutsAtTheItemLimitAndWritesValidRequestBodies() throws {
        let dir = try TemporaryDirectory()
        try FileSystem.createDirectory(dir.path + "/chunks")
        var writer = ChunkWriter(runDirectory: dir.path, maxItems: 3, maxBytes: 1_000_000)
        var positions: [String] = []
        for n in 0..<7 {
            let (chunk, index) = try writer.append(item(n))
            positions.append("\(chunk).\(index)")
        }
        let chunks = try writer.finish()
        #expect(positions == ["1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "3.0"])
        #expect(chunks.map(\.contacts) == [3, 3, 1])
        for entry in chunks {
            let data = try #require(FileManager.default.contents(atPath: dir.path + "/" + entry.file))
            #expect(data.count == entry.bytes)
            let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(body["method"] as? String == "POST")
            #expect(body["endpoint"] as? String == "contacts")
            #expect((body["items"] as? [Any])?.count == entry.contacts)
            // One contact per line, between the head line and the closing line.
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == entry.contacts + 2)
            #expect(entry.sha256.count == 64)
        }
        #expect(FileSystem.contents(of: dir.path + "/chunks") == ["chunk-000001.json", "chunk-000002.json", "chunk-000003.json"])
    }

    @Test func neverPassesTheByteLimit() throws {
        let dir = try TemporaryDirectory()
        try FileSystem.createDirectory(dir.path + "/chunks")
        let limit = 600
        var writer = ChunkWriter(runDirectory: dir.path, maxItems: 1000, maxBytes: limit)
        for n in 0..<40 { _ = try writer.append(item(n, padding: n * 3)) }
        let chunks = try writer.finish()
        #expect(chunks.reduce(0) { $0 + $1.contacts } == 40)
        for entry in chunks { #expect(entry.bytes <= limit) }
        #expect(!writer.fitsAlone(limit))
        #expect(writer.fitsAlone(limit - ChunkWriter.framingBytes))
    }

    @Test func sameContactsGiveIdenticalBytes() throws {
        func run() throws -> [RunManifest.ChunkEntry] {
            let dir = try TemporaryDirectory()
            try FileSystem.createDirectory(dir.path + "/chunks")
            var writer = ChunkWriter(runDirectory: dir.path, maxItems: 2, maxBytes: 10_000)
            for n in 0..<5 { _ = try writer.append(item(n)) }
            return try writer.finish()
        }
        #expect(try run() == run())
    }

    @Test func writingOnAQueueGivesTheSameChunks() throws {
        func run(io: FileWorkQueue?) throws -> ([RunManifest.ChunkEntry], [Data]) {
            let dir = try TemporaryDirectory()
            try FileSystem.createDirectory(dir.path + "/chunks")
            var writer = ChunkWriter(runDirectory: dir.path, maxItems: 7, maxBytes: 2_000, io: io)
            for n in 0..<100 { _ = try writer.append(item(n, padding: n % 13)) }
            let chunks = try writer.finish()
            let data = chunks.map { FileManager.default.contents(atPath: dir.path + "/" + $0.file) ?? Data() }
            return (chunks, data)
        }
        let io = FileWorkQueue(name: "test-io")
        defer { io.close() }
        let (queued, queuedData) = try run(io: io)
        let (direct, directData) = try run(io: nil)
        #expect(queued == direct)
        #expect(queuedData == directData)
        #expect(queued.count > 10)
    }

    /// Chunk files are synced and renamed some chunks after they are written: `finish` returns
    /// only when every one is in place, in order, with no temporary file left.
    @Test func finishLeavesEveryChunkInPlaceAndNoTemporaryFile() throws {
        let dir = try TemporaryDirectory()
        try FileSystem.createDirectory(dir.path + "/chunks")
        let io = FileWorkQueue(name: "test-io")
        defer { io.close() }
        var writer = ChunkWriter(runDirectory: dir.path, maxItems: 2, maxBytes: 10_000, io: io)
        let count = 2 * (ChunkWriter.syncLag + 5) + 1
        for n in 0..<count { _ = try writer.append(item(n)) }
        let chunks = try writer.finish()
        #expect(chunks.map(\.file) == (1...(count + 1) / 2).map { RunFolderLayout.chunkFile($0) })
        let names = FileSystem.contents(of: dir.path + "/chunks")
        #expect(names.count == chunks.count && !names.contains { $0.hasSuffix(".tmp") })
    }

    @Test func aChunkThatCannotBeWrittenIsAnErrorNamingTheFile() throws {
        let dir = try TemporaryDirectory()  // no chunks/ folder: every chunk file fails to open
        let io = FileWorkQueue(name: "test-io")
        defer { io.close() }
        var writer = ChunkWriter(runDirectory: dir.path, maxItems: 1, maxBytes: 10_000, io: io)
        do {
            for n in 0..<20 { _ = try writer.append(item(n)) }
            _ = try writer.finish()
            Issue.record("no error for a missing chunks folder")
        } catch let error as ExportError {
            #expect(error.code == .cannotCreate)
            #expect(error.description.contains(dir.path + "/chunks/chunk-000001.json"), "\(error)")
        }
    }
}
