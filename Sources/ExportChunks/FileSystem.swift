import ExportCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file-system operations the run folder needs, with errors that name the path.
public enum FileSystem {
    /// Creates `path` and its missing parents; the last component gets `mode` (0700 for run folders).
    public static func createDirectory(_ path: String, mode: mode_t = 0o700) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        let parts = path.split(separator: "/")
        for (i, part) in parts.enumerated() {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            let isLast = i == parts.count - 1
            if mkdir(prefix, isLast ? mode : 0o755) != 0 && errno != EEXIST {
                throw AtomicFileWriter.error("cannot create folder", path: prefix)
            }
        }
        guard chmod(path, mode) == 0 else { throw AtomicFileWriter.error("cannot set permissions", path: path) }
    }

    /// Fsyncs a folder so that renames inside it survive a crash.
    public static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw AtomicFileWriter.error("cannot open folder", path: path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw AtomicFileWriter.error("cannot sync folder", path: path) }
    }

    /// Removes a file if it exists.
    public static func removeFile(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw AtomicFileWriter.error("cannot remove", path: path) }
    }

    /// The names in a folder (without `.` and `..`), sorted; empty when it does not exist.
    public static func contents(of path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
