import Crypto
import ExportChunks
import ExportCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Size and SHA-256 of a file, read in large blocks; for the manifest's input fingerprints.
enum FileHasher {
    static func fingerprint(_ path: String) throws -> (bytes: Int, sha256: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ExportError(.io, "cannot open: \(String(cString: strerror(errno)))", path: path)
        }
        defer { close(fd) }
        var hasher = SHA256()
        var total = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw ExportError(.io, "cannot read: \(String(cString: strerror(errno)))", path: path)
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += n
        }
        return (total, AtomicFileWriter.hex(hasher.finalize()))
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        AtomicFileWriter.hex(SHA256.hash(data: bytes))
    }
}
