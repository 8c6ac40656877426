import ExportCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands input paths and globs into the list of files a run reads, in a stable order.
public enum InputResolver {
    /// The files matching `pattern` (a path or a glob), sorted by path.
    /// - Throws: `ExportError(.noInput)` when nothing matches.
    public static func expand(_ pattern: String) throws -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else {
            guard FileSystemProbe.isRegularFile(pattern) else {
                let what = FileSystemProbe.exists(pattern) ? "is not a regular file" : "no such file"
                throw ExportError(.noInput, "input \(what)", path: pattern)
            }
            return [pattern]
        }
        var result = glob_t()
        defer { globfree(&result) }
        let status = glob(pattern, 0, nil, &result)
        guard status == 0 else {
            throw ExportError(.noInput, "no input file matches this pattern", path: pattern)
        }
        var paths: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let p = result.gl_pathv[i], case let path = String(cString: p), FileSystemProbe.isRegularFile(path) {
                paths.append(path)
            }
        }
        guard !paths.isEmpty else { throw ExportError(.noInput, "no input file matches this pattern", path: pattern) }
        return paths.sorted()
    }
}

/// `stat(2)` questions about a path.
enum FileSystemProbe {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
