import Crypto
import ExportCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One `run` per pipeline and destination at a time: an exclusive `flock` on
/// `STATE_DIR/locks/run-<hash>.lock`, where the hash covers the pipeline file's resolved path and
/// the destination identity. The file names the holder (pid, start time, run folder); the kernel
/// drops the lock when the holder dies.
public final class PipelineRunLock: @unchecked Sendable {
    private let descriptor: Int32
    private let header: String
    private let lock = NSLock()
    private var released = false

    /// Takes the lock without waiting.
    /// - Parameters:
    ///   - pipeline: the pipeline file as the user named it.
    ///   - destination: the destination identity, or `nil` for a rehearsal.
    /// - Throws: `UploadError.runInProgress` naming the holder; `ExportError.cannotCreate` when
    ///   the lock file cannot be opened.
    public init(state: StateDirectory, pipeline: String, destination: DestinationIdentity?) throws {
        let folder = try state.create("locks")
        let resolved = DestinationIdentity.absolute(pipeline)
        let identity = destination.map { "\($0.baseURL ?? "")|\($0.apiVersion)|\($0.keyFingerprint ?? "")" } ?? "rehearsal"
        let digest = SHA256.hash(data: Array("\(resolved)\n\(identity)".utf8)).map { String(format: "%02x", $0) }.joined()
        let path = "\(folder)/run-\(digest.prefix(24)).lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ExportError(.cannotCreate, "cannot open the run lock: \(String(cString: strerror(errno)))", path: path)
        }
        let named = destination?.description ?? "the bundled simulator (rehearsal)"
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.read(fd)
            close(fd)
            throw UploadError.runInProgress(pipeline: pipeline, destination: named, holder: holder.isEmpty ? "another process" : holder)
        }
        descriptor = fd
        let started = ISO8601DateFormatter().string(from: Date())
        header = "process \(getpid()), started \(started)"
        write(header)
    }

    /// Adds the run folder to the holder's description, once prepare has named it.
    public func note(runDirectory: String) {
        write("\(header), run folder \(runDirectory)")
    }

    /// Releases the lock (also done when the object goes away or the process dies).
    public func release() {
        lock.lock()
        defer { lock.unlock() }
        guard !released else { return }
        released = true
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    deinit { release() }

    private func write(_ text: String) {
        ftruncate(descriptor, 0)
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    private static func read(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 1024, 0) }
        guard count > 0 else { return "" }
        return String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
