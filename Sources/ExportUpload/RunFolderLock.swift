import ExportCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one-uploader-per-run-folder lock: an exclusive `flock` on `RUN_DIR/upload.lock`, which
/// holds the owner's pid. The kernel drops the lock when the process dies, so a killed uploader
/// never leaves a stale lock behind.
public final class RunFolderLock: @unchecked Sendable {
    /// The lock file name inside the run folder.
    public static let fileName = "upload.lock"
    private let descriptor: Int32
    private let lock = NSLock()
    private var released = false

    /// Takes the lock of `runDirectory` without waiting.
    /// - Throws: `ExportError.cannotCreate` when the lock file cannot be opened, and an
    ///   `UploadError.locked` naming the holder's pid when another uploader holds it.
    public init(runDirectory: String) throws {
        let path = "\(runDirectory)/\(Self.fileName)"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ExportError(.cannotCreate, "cannot open the upload lock: \(String(cString: strerror(errno)))", path: path)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPID(fd)
            close(fd)
            throw UploadError.locked(runDirectory: runDirectory, pid: holder)
        }
        ftruncate(fd, 0)
        let text = Array("\(getpid())\n".utf8)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
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

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 32, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
