import ExportCore
import Foundation
import Testing

@testable import ExportSources

struct FileSourceTests {
    @Test func readsTheWholeFileInAnyChunkSize() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        let path = try folder.write("data.bin", bytes)
        for chunk in [1, 7, 4096, 1 << 20] where chunk != 1 || bytes.count < 300_000 {
            var source = try FileSource(path: path)
            #expect(source.size == Int64(bytes.count))
            #expect(try drain(&source, chunk: chunk) == bytes)
        }
    }

    @Test func missingFileIsNoInputNamingThePath() {
        #expect {
            _ = try FileSource(path: "/nonexistent/omnisend/export.csv")
        } throws: { error in
            let error = error as? ExportError
            return error?.code == .noInput && error?.path == "/nonexistent/omnisend/export.csv"
                && error?.message == "no such file"
        }
    }

    @Test func directoryIsRefusedClearly() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        #expect {
            _ = try FileSource(path: folder.url.path)
        } throws: { error in
            (error as? ExportError)?.message.contains("is a directory") == true
        }
    }

    @Test func emptyFileEndsAtOnce() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        var source = try FileSource(path: try folder.write("empty.csv", []))
        #expect(try drain(&source).isEmpty)
    }
}
