@testable import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite struct AtomicFileWriterTests {
    @Test func fileAppearsOnlyOnCommit() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/out.ndjson"
        let writer = try AtomicFileWriter(path: path)
        try writer.write("{\"a\":1}\n{\"a\":2}\n")
        #expect(!FileSystem.exists(path))
        let (bytes, lines, sha256) = try writer.commit()
        #expect(FileSystem.exists(path))
        #expect(bytes == 16 && lines == 2)
        #expect(sha256 == "e91bd3062f38c3f1df2165d987872b022fb39a08c642a6fbc3b862dd2a2aaf24")
        var info = stat()
        stat(path, &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func lineFeedsAreCountedAtEveryOffsetAndLength() throws {
        // The word-at-a-time count must agree with a byte loop, for line feeds next to bytes that
        // differ from 0x0A in one bit (0x0B, 0x8A, 0x2A) and at every alignment.
        var random = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x0A, 0x0B, 0x8A, 0x2A, 0x00, 0xFF, 0x09, 0x41]
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            for offset in 0...min(length, 9) {
                let slice = Array(bytes[offset...])
                let expected = slice.filter { $0 == 0x0A }.count
                #expect(slice.withUnsafeBytes { AtomicFileWriter.countLineFeeds($0) } == expected)
            }
        }
    }

    @Test func committedFilesLeaveThePageCache() throws {
        let dir = try TemporaryDirectory()
        // Pages of tmpfs (or of an unknown file system) live only in the cache: nothing to drop.
        guard Self.fileSystemType(of: dir.path).map({ $0 != "tmpfs" }) ?? false else {
            print("skipped: \(dir.path) is not on a disk file system")
            return
        }
        let path = dir.path + "/chunk.json"
        let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        try AtomicFileWriter.write(bytes, to: path, countsLines: false)
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        let map = try #require(mmap(nil, bytes.count, PROT_READ, MAP_SHARED, fd, 0))
        defer { munmap(map, bytes.count) }
        let pageCount = (bytes.count + Int(getpagesize()) - 1) / Int(getpagesize())
        var resident = [UInt8](repeating: 0, count: pageCount)
        #expect(mincore(map, bytes.count, &resident) == 0)
        #expect(resident.filter { $0 & 1 != 0 }.count < pageCount / 2)
        // The bytes are all there.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
    }

    /// The type (`ext4`, `tmpfs`, …) of the file system holding `path`, from `/proc/mounts`.
    private static func fileSystemType(of path: String) -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return nil }
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 2 else { continue }
            let point = String(fields[1])
            let inside = path == point || path.hasPrefix(point.hasSuffix("/") ? point : point + "/")
            if inside && point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        return best?.type
    }

    /// Starting the writeback early changes nothing of what `commit` makes.
    @Test func startingWritebackEarlyKeepsTheFileAndItsHash() throws {
        let dir = try TemporaryDirectory()
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let writer = try AtomicFileWriter(path: dir.path + "/early.bin", countsLines: false)
        try writer.write(Array(bytes[..<1000]))
        try writer.startWriteback()
        try writer.writeThrough(Array(bytes[1000...]))
        try writer.startWriteback()
        #expect(!FileSystem.exists(dir.path + "/early.bin"))
        let (size, _, sha256) = try writer.commit()
        #expect(size == bytes.count)
        #expect(FileManager.default.contents(atPath: dir.path + "/early.bin") == Data(bytes))
        #expect(sha256 == (try AtomicFileWriter.write(bytes, to: dir.path + "/plain.bin")).sha256)
    }

    @Test func abandonedWriterLeavesNothingBehind() throws {
        let dir = try TemporaryDirectory()
        do {
            let writer = try AtomicFileWriter(path: dir.path + "/half.json")
            try writer.write(Array(repeating: UInt8(ascii: "x"), count: 1 << 20))
        }
        #expect(FileSystem.contents(of: dir.path).isEmpty)
    }

    @Test func hashMatchesTheBytesOnDisk() throws {
        let dir = try TemporaryDirectory()
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let (_, _, sha256) = try AtomicFileWriter.write(bytes, to: dir.path + "/f")
        let writer = try AtomicFileWriter(path: dir.path + "/g")
        for piece in stride(from: 0, to: bytes.count, by: 4097) { try writer.write(bytes[piece..<min(piece + 4097, bytes.count)]) }
        #expect(try writer.commit().sha256 == sha256)
    }

    @Test func failedCreateNamesThePath() {
        #expect(throws: ExportError.self) { try AtomicFileWriter(path: "/nonexistent-dir/x.json") }
        do {
            _ = try AtomicFileWriter(path: "/nonexistent-dir/x.json")
        } catch let error as ExportError {
            #expect(error.code == .cannotCreate)
            #expect(error.description.contains("/nonexistent-dir/x.json"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func runFoldersArePrivate() throws {
        let dir = try TemporaryDirectory()
        try FileSystem.createDirectory(dir.path + "/a/b/run")
        var info = stat()
        stat(dir.path + "/a/b/run", &info)
        #expect(info.st_mode & 0o777 == 0o700)
    }

    @Test func largeBlocksWrittenThroughHashLikeBufferedBytes() throws {
        let dir = try TemporaryDirectory()
        let block = [UInt8]((0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251 == 0 ? 0x0A : $0) })
        let mixed = try AtomicFileWriter(path: dir.path + "/a")
        try mixed.write("head\n")
        try mixed.write(block)  // as large as the buffer: written through
        try mixed.writeThrough(Array("tail\n".utf8))
        let a = try mixed.commit()
        let buffered = try AtomicFileWriter(path: dir.path + "/b")
        try buffered.write("head\n".utf8)
        try buffered.write(block[...])
        try buffered.write("tail\n".utf8)
        let b = try buffered.commit()
        #expect(a == b)
        #expect(a.bytes == block.count + 10)
        #expect(FileManager.default.contents(atPath: dir.path + "/a") == FileManager.default.contents(atPath: dir.path + "/b"))
    }

    @Test func lineCountingCanBeSkippedWithoutChangingTheFile() throws {
        let dir = try TemporaryDirectory()
        let bytes = Array("a\nb\nc\n".utf8)
        let counted = try AtomicFileWriter.write(bytes, to: dir.path + "/a")
        let uncounted = try AtomicFileWriter.write(bytes, to: dir.path + "/b", countsLines: false)
        #expect(counted.lines == 3 && uncounted.lines == 0)
        #expect(counted.bytes == uncounted.bytes && counted.sha256 == uncounted.sha256)
    }
}
