import ExportCore
import ExportRunFolder
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one-uploader-per-run-folder lock: an exclusive `flock` on `RUN_DIR/upload.lock`, which
/// holds the owner's pid. The kernel drops the lock when the process dies, so a killed uploader
/// never leaves a stale lock behind.
public final class RunFolderLock: Sendable {
    /// The lock file name inside the run folder.
    public static let fileName = RunFolderLayout.uploadLock
    private let file: HeldFileLock

    /// Takes the lock of `runDirectory` without waiting.
    /// - Throws: `ExportError.cannotCreate` when the lock file cannot be opened, and an
    ///   `UploadError.locked` naming the holder's pid when another uploader holds it.
    public init(runDirectory: String) throws {
        switch try HeldFileLock.attempt(path: "\(runDirectory)/\(Self.fileName)", what: "upload lock") {
        case .busy(let holder):
            throw UploadError.locked(runDirectory: runDirectory, pid: Int32(holder))
        case .held(let file):
            file.describe("\(getpid())")
            self.file = file
        }
    }

    /// Releases the lock (also done when the object goes away or the process dies).
    public func release() { file.release() }
}
