import ExportCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `ByteSource` over a regular file, read with `read(2)` straight into the caller's buffer.
///
/// Copies share one descriptor (and so one file position); the descriptor is closed when the
/// last copy goes away.
public struct FileSource: ByteSource {
    private let descriptor: FileDescriptorBox
    /// The path the source was opened with; used in error messages.
    public let path: String
    /// The file's size in bytes when it was opened.
    public let size: Int64

    /// Opens `path` for reading.
    /// - Throws: `ExportError` `.noInput` when the file does not exist, `.io` when it cannot be
    ///   opened or is not a regular file (a directory, a device).
    public init(path: String) throws {
        var fd: Int32
        repeat {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw Self.openError(errno: errno, path: path) }
        let box = FileDescriptorBox(fd)
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ExportError(.io, "cannot inspect file: \(Self.describe(errno: errno))", path: path)
        }
        let type = info.st_mode & S_IFMT
        guard type != S_IFDIR else {
            throw ExportError(.io, "is a directory, not a file; name the files inside it", path: path)
        }
        guard type == S_IFREG || type == S_IFIFO else {
            throw ExportError(.io, "is not a regular file", path: path)
        }
        self.descriptor = box
        self.path = path
        self.size = Int64(info.st_size)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = descriptor.readSome(into: base, count: buffer.count)
            if count >= 0 { return count }
            let code = errno
            if code == EINTR { continue }
            throw ExportError(.io, "read failed: \(Self.describe(errno: code))", path: path)
        }
    }

    private static func openError(errno code: Int32, path: String) -> ExportError {
        switch code {
        case ENOENT: return ExportError(.noInput, "no such file", path: path)
        case EISDIR: return ExportError(.io, "is a directory, not a file; name the files inside it", path: path)
        default: return ExportError(.io, "cannot open: \(describe(errno: code))", path: path)
        }
    }

    static func describe(errno code: Int32) -> String {
        String(cString: strerror(code)) + " (errno \(code))"
    }
}
