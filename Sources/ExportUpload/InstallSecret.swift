import Crypto
import ExportCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The per-install secret under which API keys are fingerprinted: 32 random bytes in
/// `STATE_DIR/install-secret`, mode `0600`, created on first use. Fingerprints made with it
/// compare across run folders of this install, and tell nothing about the key elsewhere.
public struct InstallSecret: Sendable {
    /// The file name inside the state folder.
    public static let fileName = "install-secret"
    private let bytes: [UInt8]

    /// Reads the secret of `state`, creating it (and the folder) the first time.
    /// - Throws: `ExportError.cannotCreate` when the folder or file cannot be written,
    ///   `ExportError.config` when the file exists but is not a secret this tool wrote.
    public init(state: StateDirectory) throws {
        try state.create()
        let path = state.file(Self.fileName)
        if let existing = FileManager.default.contents(atPath: path) {
            guard existing.count == 32 else {
                throw ExportError(.config, "the install secret is damaged (expected 32 bytes); move it away to make a new one", path: path)
            }
            bytes = [UInt8](existing)
            return
        }
        var fresh = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in fresh.indices { fresh[index] = UInt8.random(in: 0...255, using: &generator) }
        // O_EXCL: when two runs start at once, one creates the file and the other reads it.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST, let raced = FileManager.default.contents(atPath: path), raced.count == 32 {
                bytes = [UInt8](raced)
                return
            }
            throw ExportError(.cannotCreate, "cannot create the install secret: \(String(cString: strerror(errno)))", path: path)
        }
        defer { close(fd) }
        let written = fresh.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == 32, fsync(fd) == 0 else {
            unlink(path)
            throw ExportError(.cannotCreate, "cannot write the install secret: \(String(cString: strerror(errno)))", path: path)
        }
        bytes = fresh
    }

    /// The fingerprint of `key`: the hex HMAC-SHA256 of the key under the secret.
    public func fingerprint(of key: APIKey) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(key.headerValue.utf8), using: SymmetricKey(data: bytes))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}
