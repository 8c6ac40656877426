import ExportCore
import Foundation
import Testing

@testable import ExportSources

/// The public archive, gzip and bomb corpora in `../shared/conformance/`: every file is read or
/// refused with an `ExportError` within a time bound (never a crash, a hang or another error
/// type), and the verdicts the corpus README asks for are pinned.
@Suite(.enabled(if: conformanceRoot != nil, "../shared/conformance is absent; conformance suites skipped"))
struct ArchiveConformanceTests {
    /// The data files of one suite (notes and tables left out).
    static func files(in suite: String) -> [URL] {
        guard let root = conformanceRoot?.appendingPathComponent(suite) else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        let notes: Set<String> = ["COPYING", "LICENSE", "PAYLOAD.ndjson"]
        return names.filter { !$0.hasSuffix(".tsv") && !notes.contains($0) }.sorted().map {
            root.appendingPathComponent($0)
        }
    }

    /// Walks one file with limits small enough that the 64 MiB bombs trip them, within 20 s.
    static func outcome(_ url: URL, forced: InputFormat = .auto, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> WalkResult
    {
        let limits = DecompressionLimits(maxBytesPerEntry: 16 << 20, maxBytesPerRun: 32 << 20)
        let result = runBounded(seconds: 20) {
            walkAll(url.path, displayName: url.lastPathComponent, forced: forced, limits: limits)
        }
        let finished = try #require(result, "\(url.lastPathComponent) did not finish within 20 s", sourceLocation: sourceLocation)
        #expect(finished.otherError == nil, "\(url.lastPathComponent): \(finished.otherError ?? "")", sourceLocation: sourceLocation)
        if let error = finished.error {
            #expect(error.path?.hasPrefix(url.lastPathComponent) == true, "error does not name the file: \(error)")
        }
        return finished
    }

    @Test func gzipEdgeCasesYieldThePayloadOrAnError() throws {
        let suite = "gzip-edge-cases/generated-here"
        let payload = Array(try Data(contentsOf: conformanceRoot!.appendingPathComponent("\(suite)/PAYLOAD.ndjson")))
        var passed = 0
        let files = Self.files(in: suite)
        for url in files {
            let name = url.lastPathComponent
            let result = try Self.outcome(url)
            let ok: Bool
            if name.hasPrefix("ok-") || name.hasPrefix("warn-") {
                ok = result.error == nil && result.inputs.count == 1 && result.inputs[0].1 == payload
            } else if name == "bad-not-gzip-plain-text.ndjson.gz" {
                // Deliberate: the content decides, so plain NDJSON named .gz is read, with a warning.
                ok = result.inputs.first?.1 == payload && result.warnings.count == 1
            } else {
                ok = result.error?.code == .corruptInput && result.inputs.isEmpty
            }
            #expect(ok, "\(name): \(result.error.map(String.init(describing:)) ?? "read \(result.inputs.count)")")
            if ok { passed += 1 }
        }
        #expect(files.count == 15)
        print("CONFORMANCE-COUNT \(suite): \(passed)/\(files.count)")
    }

    static let libarchiveErrors: Set<String> = [
        "test_compat_gzip_2.tgz",  // gzip trailing garbage: refused, as our own gzip policy says
        "test_read_filter_gzip_recursive.gz", "test_read_too_many_filters.gz",
        "test_read_format_tar_acl_oob_read.tar", "test_read_format_tar_empty_with_gnulabel.tar",
        "test_read_format_tar_invalid_pax_size.tar", "test_read_format_zip.zip",
        "test_read_format_zip_bz2_hang.zip", "test_read_format_zip_malformed1.zip",
        "test_read_format_zip_encryption_data.zip", "test_read_format_zip_traditional_encryption_data.zip",
        "test_read_format_zip_size_exceeds_declared_deflate.zip",
        "test_read_format_zip_size_exceeds_declared_stored.zip",
        "test_read_format_zip_uncompressed_size_off_by_4gib.zip",
    ]

    static let libarchiveMembers: [String: [String]] = [
        "test_read_format_zip_7075_utf8_paths.zip": ["File 1.txt", "File 2 - ö.txt", "File 3 - ä.txt", "File 4 - xx.txt"],
        "test_read_format_zip_nested.zip": ["file.txt"],
        "test_compat_zip_6.zip": ["New Folder/New Folder/New Text Document.txt"],
        "test_read_format_zip_length_at_end.zip": ["hello.txt"],
        "test_compat_plexus_archiver_tar.tar": ["commons-logging-1.2/NOTICE.txt"],
    ]

    @Test func libarchiveFixturesAreReadOrRefused() throws {
        let suite = "libarchive-subset"
        var passed = 0
        let files = Self.files(in: suite)
        for url in files {
            let name = url.lastPathComponent
            let result = try Self.outcome(url)
            var ok = Self.libarchiveErrors.contains(name) ? result.error != nil : result.error == nil
            if let members = Self.libarchiveMembers[name] { ok = ok && result.memberNames == members }
            if name.contains("encryption") { ok = ok && result.error?.message.contains("encrypted") == true }
            if name == "test_read_format_tar_concatenated.tar" {
                ok = ok && result.warnings.contains { $0.contains("file2") }  // the second archive is seen
            }
            #expect(ok, "\(name): \(result.error.map(String.init(describing:)) ?? "read \(result.memberNames)")")
            if ok { passed += 1 }
        }
        #expect(files.count == 50)
        print("CONFORMANCE-COUNT \(suite): \(passed)/\(files.count)")
    }

    @Test func forcingTheFormatFindsZipsWithoutLeadingMagic() throws {
        let root = conformanceRoot!.appendingPathComponent("libarchive-subset")
        for name in ["test_compat_zip_4.zip", "test_read_format_zip_padded1.zip", "test_read_format_zip_sfx"] {
            let result = try Self.outcome(root.appendingPathComponent(name), forced: .zip)
            #expect(result.error == nil && result.container == "zip", "\(name)")
        }
        let negative = try Self.outcome(root.appendingPathComponent("test_read_format_tar_V_negative_size.tar"), forced: .tar)
        #expect(negative.error?.code == .corruptInput)
    }

    @Test func traversalArchivesNeverEscapeAndSkipWithReasons() throws {
        let suite = "traversal-archives/generated-here"
        let folder = try TempFolder()
        defer { folder.remove() }
        let mooExisted = FileManager.default.fileExists(atPath: "/tmp/moo")
        var passed = 0
        let files = Self.files(in: suite)
        for url in files {
            let name = url.lastPathComponent
            let before = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            let result = try Self.outcome(url)
            let after = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            let safe = result.memberNames.allSatisfy { ArchiveEntryPolicy.pathProblem(Array($0.utf8)) == nil }
            var ok = result.error == nil && safe && !result.warnings.isEmpty && before == after
            ok = ok && (mooExisted || !FileManager.default.fileExists(atPath: "/tmp/moo"))
            if name == "extra-special-files.tar" { ok = ok && result.memberNames == ["data.csv"] }
            #expect(ok, "\(name): \(result.memberNames) \(result.warnings)")
            if ok { passed += 1 }
        }
        #expect(try folder.contents().isEmpty)
        #expect(files.count == 19)
        print("CONFORMANCE-COUNT \(suite): \(passed)/\(files.count)")
    }

    @Test func decompressionBombsHitALimit() throws {
        let suite = "decompression-bombs/generated-here"
        var passed = 0
        let files = Self.files(in: suite)
        for url in files {
            let name = url.lastPathComponent
            let result = try Self.outcome(url)
            let ok = name.hasPrefix("bomb-")
                ? result.error?.code == .limitExceeded
                : result.error == nil && result.inputs.isEmpty && result.warnings.contains { $0.contains("nested zip") }
            #expect(ok, "\(name): \(result.error.map(String.init(describing:)) ?? "read \(result.memberNames)")")
            if ok { passed += 1 }
        }
        #expect(files.count == 3)
        print("CONFORMANCE-COUNT \(suite): \(passed)/\(files.count)")
    }

    @Test func bombsAreStoppedByTheEntryLimitWhenTheRatioAllowsThem() throws {
        let root = conformanceRoot!.appendingPathComponent("decompression-bombs/generated-here")
        let limits = DecompressionLimits(maxBytesPerEntry: 8 << 20, maxRatio: 1_000_000)
        for name in ["bomb-64MiB-csv-field.zip", "bomb-64MiB-single-ndjson-line.ndjson.gz"] {
            let result = walkAll(root.appendingPathComponent(name).path, displayName: name, limits: limits)
            #expect(result.error?.message.contains(DecompressionLimits.settingForEntry) == true, "\(name)")
        }
    }
}
