import Crypto
import ExportCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one file so that it appears whole or not at all: bytes go to a temporary name in the
/// same folder, and `commit()` flushes, fsyncs and renames it into place.
///
/// Hashes (SHA-256) and counts what it writes on the way, so the manifest costs no second read.
/// Files are created with mode 0600: run folders hold personal data.
public final class AtomicFileWriter {
    /// The final path.
    public let path: String
    private let temporaryPath: String
    private let countsLines: Bool
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    /// Bytes written so far.
    public private(set) var byteCount = 0
    /// Newline bytes written so far (the line count of an NDJSON file); 0 unless `countsLines`.
    public private(set) var lineCount = 0
    private static let bufferCapacity = 1 << 18
    /// Where the bytes not yet handed to `startWriteback` begin.
    private var writebackOffset = 0

    /// Creates the temporary file next to `path`; `countsLines: false` skips counting line feeds
    /// (for files whose line count nobody reads, such as chunks).
    /// - Throws: `ExportError(.cannotCreate)` naming the path and the system's reason.
    public init(path: String, countsLines: Bool = true) throws {
        self.path = path
        self.countsLines = countsLines
        self.temporaryPath = path + ".tmp"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.error("cannot create", path: path) }
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    /// Appends bytes.
    public func write(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferCapacity { try flush() }
    }

    /// Appends an array of bytes (the common case, without generic dispatch); a block as large
    /// as the buffer goes to the file without a copy.
    public func write(_ bytes: [UInt8]) throws {
        if bytes.count >= Self.bufferCapacity { return try writeThrough(bytes) }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferCapacity { try flush() }
    }

    /// Appends a block of bytes straight to the file (after anything buffered), without copying
    /// it into the buffer: for callers that build large blocks themselves.
    public func writeThrough(_ bytes: [UInt8]) throws {
        try flush()
        try bytes.withUnsafeBytes { try put($0) }
    }

    /// Appends bytes from a buffer.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferCapacity { try flush() }
    }

    /// Appends a string's UTF-8 bytes.
    public func write(_ string: String) throws {
        try write(string.utf8)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try put($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Hashes, counts and writes `raw` to the temporary file.
    private func put(_ raw: UnsafeRawBufferPointer) throws {
        guard raw.count > 0 else { return }
        hasher.update(bufferPointer: raw)
        if countsLines { lineCount += Self.countLineFeeds(raw) }
        var offset = 0
        while offset < raw.count {
            let n = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.error("cannot write", path: path)
            }
            offset += n
        }
        byteCount += raw.count
    }

    /// The number of 0x0A bytes in `raw`, eight bytes at a time.
    static func countLineFeeds(_ raw: UnsafeRawBufferPointer) -> Int {
        let n = raw.count
        guard let base = raw.baseAddress else { return 0 }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var count = 0
        var i = 0
        while i + 8 <= n {
            // A byte of `x` is zero exactly where the input byte is a line feed; `t` has the high
            // bit of each byte set where `x` is not zero.
            let x = base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ (ones &* 0x0A)
            let t = ((x & low7) &+ low7) | x
            count += (~t & (ones << 7)).nonzeroBitCount
            i += 8
        }
        while i < n {
            if base.load(fromByteOffset: i, as: UInt8.self) == 0x0A { count += 1 }
            i += 1
        }
        return count
    }

    /// Writes what is buffered and asks the kernel to start writing the file to disk now,
    /// without waiting (on Linux, `posix_fadvise` DONTNEED starts writeback of dirty pages), so
    /// that a `commit` a little later finds the bytes on disk and its `fsync` does not wait for
    /// them. Advice only: `commit` alone makes the file durable.
    public func startWriteback() throws {
        try flush()
        #if canImport(Glibc)
        // Only the bytes written since the last call: a large file written block by block
        // would otherwise have all its pages looked at again each time.
        _ = posix_fadvise(descriptor, off_t(writebackOffset), off_t(byteCount - writebackOffset), POSIX_FADV_DONTNEED)
        #endif
        writebackOffset = byteCount
    }

    /// Flushes, fsyncs, closes and renames the file into place.
    ///
    /// Once synced, the file's pages are clean and are dropped from the page cache: a run writes
    /// gigabytes (5 GB of chunks for ten million rows) that nobody reads soon, and keeping them
    /// makes the kernel reclaim other cached pages to hold them, at a cost that grows with the
    /// run (on a machine with its memory full of cache, 4000 files of 550 KB took 4.2-4.9 s of
    /// system time kept against 1.6-1.7 s dropped). Dropping is advice; nothing depends on it.
    /// - Returns: the file's size in bytes, its line count and its lowercase hex SHA-256.
    public func commit() throws -> (bytes: Int, lines: Int, sha256: String) {
        try flush()
        guard fsync(descriptor) == 0 else { throw Self.error("cannot sync", path: path) }
        #if canImport(Glibc)
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        #endif
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let failure = Self.error("cannot rename into place", path: path)
            unlink(temporaryPath)
            throw failure
        }
        return (byteCount, lineCount, Self.hex(hasher.finalize()))
    }

    /// Writes `bytes` to `path` atomically.
    @discardableResult
    public static func write(
        _ bytes: [UInt8], to path: String, countsLines: Bool = true
    ) throws -> (bytes: Int, lines: Int, sha256: String) {
        let writer = try AtomicFileWriter(path: path, countsLines: countsLines)
        try writer.writeThrough(bytes)
        return try writer.commit()
    }

    /// Lowercase hex of a digest.
    public static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The error for a failed system call on `path`: a full disk or quota is an I/O error
    /// (exit 74, as `--help` documents), anything else a file that cannot be created (exit 73).
    static func error(_ what: String, path: String) -> ExportError {
        let number = errno
        let reason = String(cString: strerror(number))
        let code: ExportError.Code = number == ENOSPC || number == EDQUOT ? .io : .cannotCreate
        return ExportError(code, "\(what): \(reason)", path: path)
    }
}
