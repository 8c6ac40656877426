/// Paths tidied by their text alone: the one copy used where the pipeline file's relative paths
/// are resolved (`PipelineLoader`) and where `check` shows them (`pipelines/../samples/x.csv`
/// reads `samples/x.csv`).
public enum LexicalPath {
    /// `path` with empty and `.` parts and `name/..` pairs removed, lexically (symbolic links are
    /// not followed). A leading `..` stays in a relative path and goes in an absolute one (`/..`
    /// is `/`); an empty result is `.` (relative) or `/` (absolute).
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == ".." && absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
