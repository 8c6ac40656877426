import ExportCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The per-run-folder key of the email hashes in logs and reports: `RUN_DIR/.redaction-key`,
/// 32 random bytes, mode 0600, created on first use. Per folder rather than per install, so that
/// `rm -rf RUN_DIR` removes it with the data it protects and tokens of two folders cannot be joined.
public enum RedactionKeyFile {
    /// The file name inside the run folder.
    public static let name = ".redaction-key"

    /// The redactor of `runDirectory`. When the folder cannot hold a key (read-only, missing), a
    /// key for this process only is used: tokens are then stable within one command only.
    public static func redactor(runDirectory: String, showsEmails: Bool = false) -> EmailRedactor {
        EmailRedactor(key: key(runDirectory: runDirectory) ?? randomBytes(), showsEmails: showsEmails)
    }

    /// Reads the key, creating it when the folder exists and has none.
    static func key(runDirectory: String) -> [UInt8]? {
        let path = "\(runDirectory)/\(name)"
        if let data = FileManager.default.contents(atPath: path), data.count == 32 { return [UInt8](data) }
        guard FileManager.default.fileExists(atPath: runDirectory) else { return nil }
        let fresh = randomBytes()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            // Another process created it first: use theirs.
            if let data = FileManager.default.contents(atPath: path), data.count == 32 { return [UInt8](data) }
            return nil
        }
        let written = fresh.withUnsafeBytes { write(fd, $0.baseAddress, 32) }
        fsync(fd)
        close(fd)
        return written == 32 ? fresh : nil
    }

    private static func randomBytes() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
