import Crypto
import ExportCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The rate budget of one destination shared by every upload to it on this machine (several
/// pipelines of one brand): a small file in the state directory listing the send times of the
/// requests of the last window, taken under an exclusive `flock` for each request.
///
/// Each upload still keeps its own `RateGovernor`; the ledger adds that all of them together stay
/// within `allowance` a window, so two uploads share the rate share instead of taking it twice.
/// Times are wall-clock seconds (processes share no other clock). A process that dies leaves its
/// times, which leave the window within a minute; the kernel drops its lock.
public struct RateLedger: Sendable {
    /// The ledger file.
    public let path: String
    /// The window in seconds.
    public let window: Double

    /// A ledger at `path` (created 0600 on first use).
    public init(path: String, window: Double = 60) {
        self.path = path
        self.window = window
    }

    /// The ledger of a destination in `state`: `rate/<fingerprint>.ledger`, where the
    /// fingerprint is the destination identity's key fingerprint (one brand) or, without one, a
    /// hash of its base URL.
    public static func path(in state: StateDirectory, identity: DestinationIdentity) throws -> String {
        let folder = try state.create("rate")
        let key = identity.keyFingerprint ?? SHA256.hash(data: Array((identity.baseURL ?? "").utf8)).map { String(format: "%02x", $0) }.joined()
        let name = String(key.filter { $0.isLetter || $0.isNumber }.prefix(40))
        return "\(folder)/\(name.isEmpty ? "default" : name).ledger"
    }

    /// Takes one request's place in the shared window at `now` (seconds since 1970) if fewer than
    /// `allowance` requests of any upload are in it: returns 0. Otherwise returns the seconds until
    /// a place frees up, and takes nothing.
    /// - Throws: `ExportError.cannotCreate` when the ledger cannot be opened.
    public func take(now: Double, allowance: Int) throws -> Double {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ExportError(.cannotCreate, "cannot open the shared rate ledger: \(String(cString: strerror(errno)))", path: path)
        }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else {
            throw ExportError(.cannotCreate, "cannot lock the shared rate ledger: \(String(cString: strerror(errno)))", path: path)
        }
        defer { flock(fd, LOCK_UN) }
        var times = Self.parse(Self.readAll(fd)).filter { $0 > now - window && $0 <= now + window }
        times.sort()
        if times.count >= allowance {
            let oldest = times[times.count - allowance]
            return max(0.001, oldest + window - now)
        }
        times.append(now)
        let text = times.map { String(format: "%.3f", $0) }.joined(separator: "\n") + "\n"
        ftruncate(fd, 0)
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return 0
    }

    /// Requests of every upload in the window ending at `now`.
    public func count(now: Double) -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        flock(fd, LOCK_SH)
        defer { flock(fd, LOCK_UN) }
        return Self.parse(Self.readAll(fd)).filter { $0 > now - window && $0 <= now }.count
    }

    private static func readAll(_ fd: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
            offset += off_t(count)
        }
        return bytes
    }

    /// The send times in a ledger's text; lines that are not numbers are ignored.
    static func parse(_ bytes: [UInt8]) -> [Double] {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }
}
