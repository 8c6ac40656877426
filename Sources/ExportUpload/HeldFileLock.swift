import ExportCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on a file that names its holder (a pid, a description). The kernel drops
/// the lock when the holder dies, so a killed process never leaves a stale lock behind. The run
/// folder's upload lock and the pipeline's run lock are both one of these.
public final class HeldFileLock: @unchecked Sendable {
    /// What an attempt to take the lock found.
    public enum Attempt {
        /// The lock is ours.
        case held(HeldFileLock)
        /// Another process holds it; `holder` is what its file says (empty when nothing).
        case busy(holder: String)
    }

    private let descriptor: Int32
    private let lock = NSLock()
    private var released = false

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Tries to take the lock of `path` (created 0600) without waiting.
    /// - Throws: `ExportError.cannotCreate` naming `what` when the file cannot be opened.
    public static func attempt(path: String, what: String) throws -> Attempt {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ExportError(.cannotCreate, "cannot open the \(what): \(String(cString: strerror(errno)))", path: path)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 1024)
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 1024, 0) }
            close(fd)
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
            return .busy(holder: holder.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return .held(HeldFileLock(descriptor: fd))
    }

    /// Replaces the holder's description in the file (one line).
    public func describe(_ text: String) {
        ftruncate(descriptor, 0)
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
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
}
