import ExportCore
import Foundation
import Testing

@testable import ExportSources

struct InputWalkerTests {
    static let csv = Array("email,name\na@example.com,Ana\n".utf8)
    static let ndjson = Array("{\"email\":\"a@example.com\"}\n".utf8)

    @Test func plainCSVIsOneInput() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let result = walkAll(try folder.write("export.csv", Self.csv), displayName: "export.csv")
        #expect(result.error == nil)
        #expect(result.container == "csv")
        #expect(result.inputs.count == 1)
        #expect(result.inputs.first?.0 == LogicalInput(member: nil, format: .csv, formatName: "csv"))
        #expect(result.inputs.first?.1 == Self.csv)
    }

    @Test func gzipLayersArePeeledWhateverTheName() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let once = walkAll(try folder.write("export.bin", TestGzip.compress(Self.ndjson)))
        #expect(once.container == "ndjson.gz")
        #expect(once.inputs.first?.1 == Self.ndjson)
        let twice = walkAll(try folder.write("export.csv.gz.gz", TestGzip.compress(TestGzip.compress(Self.csv))))
        #expect(twice.container == "csv.gz.gz")
        #expect(twice.inputs.first?.1 == Self.csv)
    }

    @Test func forcedFormatWinsOverSniffing() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let result = walkAll(try folder.write("odd.gz", TestGzip.compress(Self.ndjson)), forced: .csv)
        #expect(result.inputs.first?.0.format == .csv)
        #expect(result.container == "csv.gz")
    }

    @Test func textNamedGzIsReadWithAWarning() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let result = walkAll(try folder.write("plain.ndjson.gz", Self.ndjson), displayName: "plain.ndjson.gz")
        #expect(result.container == "ndjson")
        #expect(result.warnings.count == 1)
    }

    @Test func emptyAndUTF16FilesAreRefused() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let empty = walkAll(try folder.write("empty.csv", []), displayName: "empty.csv")
        #expect(empty.error?.code == .corruptInput)
        #expect(empty.error?.path == "empty.csv")
        let emptyGzip = walkAll(try folder.write("empty.csv.gz", TestGzip.compress([])))
        #expect(emptyGzip.error?.message.contains("decompresses to 0 bytes") == true)
        let utf16 = walkAll(try folder.write("wide.csv", [0xff, 0xfe, 0x61, 0x00]))
        #expect(utf16.error?.message.contains("UTF-16") == true)
    }

    @Test func missingFileIsNoInput() {
        #expect(walkAll("/nonexistent/export.csv").error?.code == .noInput)
    }

    @Test func zipMembersAreReadInNameOrder() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("bundle.zip").path
        // Written in reverse order, so reading in name order needs re-opening the archive.
        try TestArchive.write(
            [
                .file("part-3.csv", "email\nc@x.io\n"), .file("part-1.csv", "email\na@x.io\n"),
                TestEntry(name: "part-2.ndjson.gz", kind: .file(TestGzip.compress(Self.ndjson))),
                .file("README.md", "# notes\n"),
            ], format: .zip, to: path)
        let result = walkAll(path, displayName: "bundle.zip")
        #expect(result.error == nil)
        #expect(result.container == "zip")
        #expect(result.memberNames == ["part-1.csv", "part-2.ndjson.gz", "part-3.csv"])
        #expect(result.inputs.map(\.0.formatName) == ["zip:csv", "zip:ndjson.gz", "zip:csv"])
        #expect(result.inputs[1].1 == Self.ndjson)
        #expect(result.inputs[2].1 == Array("email\nc@x.io\n".utf8))
        #expect(result.warnings == ["bundle.zip:README.md: skipped member: neither CSV nor NDJSON by its content or name"])
    }

    @Test func tarGzMembersGoThroughOurGzipLayer() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let tarPath = folder.url.appendingPathComponent("bundle.tar").path
        try TestArchive.write(
            [.file("b.csv", "email\nb@x.io\n"), .file("a.ndjson", "{\"email\":\"a@x.io\"}\n")], format: .tar, to: tarPath)
        let tarBytes = Array(try Data(contentsOf: URL(fileURLWithPath: tarPath)))
        let result = walkAll(try folder.write("bundle.tgz", TestGzip.compress(tarBytes)))
        #expect(result.container == "tar.gz")
        #expect(result.memberNames == ["a.ndjson", "b.csv"])
        #expect(result.inputs.map(\.0.formatName) == ["tar.gz:ndjson", "tar.gz:csv"])
    }

    @Test func corruptGzipUnderATarStopsBeforeAnyMember() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let tarPath = folder.url.appendingPathComponent("bundle.tar").path
        try TestArchive.write([.file("a.csv", "email\na@x.io\n")], format: .tar, to: tarPath)
        var gz = TestGzip.compress(Array(try Data(contentsOf: URL(fileURLWithPath: tarPath))))
        gz[gz.count - 8] ^= 0xff
        let result = walkAll(try folder.write("bundle.tar.gz", gz), displayName: "bundle.tar.gz")
        #expect(result.inputs.isEmpty)
        #expect(result.error?.code == .corruptInput)
        #expect(result.error?.message.contains("incorrect data check") == true)
    }

    @Test func dangerousEntriesAreSkippedAndNothingIsWritten() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let moo = "/tmp/moo-\(UUID().uuidString)"
        for format in [TestArchive.Format.tar, .zip] {
            let path = folder.url.appendingPathComponent("evil.\(format)").path
            try TestArchive.write(
                [
                    .file("../../etc/passwd.csv", "email\nroot@x.io\n"), .file("/abs/data.csv", "email\nabs@x.io\n"),
                    TestEntry(name: "link.csv", kind: .symlink(moo)), .file("ok.csv", "email\nok@x.io\n"),
                    TestEntry(name: "hard.csv", kind: .hardlink("ok.csv")), TestEntry(name: "dir/", kind: .directory),
                ], format: format, to: path)
            let before = try folder.contents()
            let cwdBefore = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.currentDirectoryPath)
            let result = walkAll(path, displayName: "evil")
            #expect(result.error == nil)
            #expect(result.memberNames == ["ok.csv"], "\(format)")
            let warned = result.warnings.joined(separator: "\n")
            for name in ["../../etc/passwd.csv", "/abs/data.csv", "link.csv", "dir/"] {
                #expect(warned.contains("'\(name)'"), "\(format): no warning for \(name)")
            }
            if format == .tar { #expect(warned.contains("'hard.csv': hard link")) }
            #expect(try folder.contents() == before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: FileManager.default.currentDirectoryPath) == cwdBefore)
            #expect(!FileManager.default.fileExists(atPath: moo))
        }
    }

    @Test func encryptedZipEntryIsAnErrorNamingIt() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("secret.zip").path
        try TestArchive.write([.file("contacts.csv", "email\na@x.io\n")], format: .zip, to: path, passphrase: "pw")
        let result = walkAll(path, displayName: "secret.zip")
        #expect(result.error?.code == .corruptInput)
        #expect(result.error?.path == "secret.zip:contacts.csv")
        #expect(result.error?.message.contains("encrypted") == true)
    }

    @Test func nestedArchivesAndBinaryMembersAreSkipped() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let inner = folder.url.appendingPathComponent("inner.zip").path
        try TestArchive.write([.file("x.csv", "email\nx@x.io\n")], format: .zip, to: inner)
        let innerBytes = Array(try Data(contentsOf: URL(fileURLWithPath: inner)))
        let outer = folder.url.appendingPathComponent("outer.zip").path
        try TestArchive.write(
            [
                TestEntry(name: "inner.zip", kind: .file(innerBytes)),
                TestEntry(name: "logo.png", kind: .file([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])),
                TestEntry(name: "empty.csv", kind: .file([])), .file("data.csv", "email\nd@x.io\n"),
            ], format: .zip, to: outer)
        let result = walkAll(outer, displayName: "outer.zip")
        #expect(result.memberNames == ["data.csv"])
        #expect(result.warnings.count == 3)
        #expect(result.warnings.contains { $0.contains("inner.zip") && $0.contains("nested zip") })
    }

    @Test func zipBombMemberStopsTheRun() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("bomb.zip").path
        try TestArchive.write(
            [TestEntry(name: "big.csv", kind: .file([UInt8](repeating: 0x41, count: 8 << 20)))], format: .zip, to: path)
        let result = walkAll(path, limits: DecompressionLimits(maxBytesPerEntry: 1 << 20))
        #expect(result.error?.code == .limitExceeded)
        #expect(result.error?.message.contains(DecompressionLimits.settingForEntry) == true)
    }

    @Test func bundleWithoutEntriesIsAnError() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("empty.zip").path
        try TestArchive.write([], format: .zip, to: path)
        #expect(walkAll(path).error?.message.contains("no entries") == true)
    }
}
