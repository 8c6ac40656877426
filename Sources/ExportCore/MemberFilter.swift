/// Which members of a zip or tar bundle are read: the pipeline's `members: { include, exclude }`
/// of an input, or the default, which skips bookkeeping files a bundle often carries beside its
/// data (`_manifest.json`, `_SUCCESS`, `.DS_Store`, `part-0001.csv.crc`).
///
/// `check` and `prepare` decide every member with this one type, so they agree on what is read.
/// A glob holds `*` (any run of characters) and `?` (one character); a glob without `/` is
/// matched against the member's base name, one with `/` against its whole name.
public struct MemberFilter: Sendable, Equatable {
    /// Members to read; empty reads every member that `exclude` lets through.
    public var include: [String]
    /// Members never read.
    public var exclude: [String]

    /// The base-name globs skipped when neither `include` nor `exclude` is given.
    public static let defaultSkipped = ["_*", ".*", "*.crc"]

    /// Creates a filter; with both lists empty it is the default (`defaultSkipped`).
    public init(include: [String] = [], exclude: [String] = []) {
        self.include = include
        self.exclude = exclude
    }

    /// Why the member `name` is not read, or `nil` when it is read.
    public func skipReason(_ name: String) -> String? {
        if include.isEmpty && exclude.isEmpty {
            guard let glob = Self.defaultSkipped.first(where: { Self.matches($0, name) }) else { return nil }
            return "default rule '\(glob)' (set members: { include: [...] } to read it)"
        }
        if !include.isEmpty && !include.contains(where: { Self.matches($0, name) }) {
            return "matches no glob of members.include"
        }
        if let glob = exclude.first(where: { Self.matches($0, name) }) { return "members.exclude '\(glob)'" }
        return nil
    }

    /// Whether `glob` matches the member `name` (its base name when `glob` has no `/`).
    public static func matches(_ glob: String, _ name: String) -> Bool {
        let text: Substring
        if glob.contains("/") {
            text = Substring(name)
        } else if let slash = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) {
            text = name[name.index(after: slash)...]
        } else {
            text = Substring(name)
        }
        return match(Array(glob.unicodeScalars), Array(text.unicodeScalars))
    }

    /// Iterative wildcard match with one backtrack point (linear for a single `*`).
    private static func match(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        var p = 0, t = 0
        var star = -1, resume = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t])) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
