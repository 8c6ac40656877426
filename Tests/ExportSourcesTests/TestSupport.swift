import CExportArchive
import CExportZlib
import ExportCore
import Foundation

@testable import ExportSources

/// A fresh temporary folder, removed by `remove()`.
struct TempFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sources-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `name` inside the folder and returns the path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every path below the folder, relative to it, sorted.
    func contents() throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: url.path)
        return ((enumerator?.allObjects as? [String]) ?? []).sorted()
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// gzip compression through zlib, to build fixtures in tests.
enum TestGzip {
    /// One gzip member holding `bytes`.
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        precondition(CExportZlib_deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK)
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<written])
    }
}

/// Reads a `ByteSource` to its end in reads of `chunk` bytes.
func drain(_ source: inout some ByteSource, chunk: Int = 64 * 1024) throws -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if count == 0 { return result }
        result += buffer[0..<count]
    }
}

/// Reads an existential `ByteSource` to its end.
func drainAny(_ source: inout any ByteSource) throws -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if count == 0 { return result }
        result += buffer[0..<count]
    }
}

/// One entry for `TestArchive.write`.
struct TestEntry {
    enum Kind { case file([UInt8]), directory, symlink(String), hardlink(String), fifo }
    var name: String
    var kind: Kind

    static func file(_ name: String, _ text: String) -> TestEntry { TestEntry(name: name, kind: .file(Array(text.utf8))) }
}

/// Builds zip and tar fixtures with libarchive's write API.
enum TestArchive {
    enum Format { case zip, tar }

    /// Writes `entries` in the given order to `path`; `passphrase` encrypts zip entries (ZipCrypto).
    static func write(_ entries: [TestEntry], format: Format, to path: String, passphrase: String? = nil) throws {
        let archive = archive_write_new()!
        defer { archive_write_free(archive) }
        switch format {
        case .zip: archive_write_set_format_zip(archive)
        case .tar: archive_write_set_format_pax_restricted(archive)
        }
        archive_write_add_filter_none(archive)
        if let passphrase {
            try check(archive_write_set_options(archive, "zip:encryption=zipcrypt"), archive)
            try check(archive_write_set_passphrase(archive, passphrase), archive)
        }
        try check(archive_write_open_filename(archive, path), archive)
        for item in entries {
            let entry = archive_entry_new()!
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname(entry, item.name)
            archive_entry_set_perm(entry, 0o644)
            var data: [UInt8] = []
            switch item.kind {
            case .file(let bytes):
                archive_entry_set_filetype(entry, 0o100000)
                data = bytes
            case .directory:
                archive_entry_set_filetype(entry, 0o040000)
            case .symlink(let target):
                archive_entry_set_filetype(entry, 0o120000)
                archive_entry_set_symlink(entry, target)
            case .hardlink(let target):
                archive_entry_set_filetype(entry, 0o100000)
                archive_entry_set_hardlink(entry, target)
            case .fifo:
                archive_entry_set_filetype(entry, 0o010000)
            }
            archive_entry_set_size(entry, la_int64_t(data.count))
            try check(archive_write_header(archive, entry), archive)
            if !data.isEmpty {
                let written = data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
                guard written == data.count else { throw fixtureError(archive) }
            }
        }
        try check(archive_write_close(archive), archive)
    }

    private static func check(_ status: Int32, _ archive: OpaquePointer) throws {
        guard status == ARCHIVE_OK else { throw fixtureError(archive) }
    }

    private static func fixtureError(_ archive: OpaquePointer) -> ExportError {
        ExportError(.internal, "fixture: " + (archive_error_string(archive).map { String(cString: $0) } ?? "?"))
    }
}

/// Runs `work` on its own thread and waits at most `seconds`; nil when it did not finish in time.
func runBounded<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () -> T) -> T? {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Thread {
        box.value = work()
        done.signal()
    }.start()
    guard done.wait(timeout: .now() + seconds) == .success else { return nil }
    return box.value
}

/// Carries a result from a worker thread to the waiting test.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// Walks `path` with `InputWalker`, draining every logical input, and returns what happened.
struct WalkResult: Sendable {
    var container: String?
    var inputs: [(LogicalInput, [UInt8])] = []
    var warnings: [String] = []
    var error: ExportError?
    var otherError: String?

    var memberNames: [String] { inputs.map { $0.0.member ?? "" } }
}

func walkAll(
    _ path: String, displayName: String? = nil, forced: InputFormat = .auto,
    limits: DecompressionLimits = DecompressionLimits(), budget: DecompressionBudget = DecompressionBudget()
) -> WalkResult {
    var result = WalkResult()
    do {
        result.container = try InputWalker.walk(
            path: path, displayName: displayName ?? path, forced: forced, limits: limits, budget: budget,
            warn: { result.warnings.append($0) }
        ) { input, source in
            result.inputs.append((input, try drainAny(&source)))
        }
    } catch let error as ExportError {
        result.error = error
    } catch {
        result.otherError = "\(error)"
    }
    return result
}

/// `../shared/conformance` relative to the package root, when present.
let conformanceRoot: URL? = {
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()
