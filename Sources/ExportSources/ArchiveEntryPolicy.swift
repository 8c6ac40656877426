/// Decides which bundle entries are ever opened. Nothing is extracted, so this is about not
/// reading what an extractor would refuse to write: links, devices, escaping paths.
enum ArchiveEntryPolicy {
    /// What to do with one entry.
    enum Verdict: Equatable {
        /// A regular file with a contained relative path: open it and look at its content.
        case open
        /// Never opened; the reason is printed in the warning.
        case skip(String)
    }

    /// The verdict for `entry`.
    static func verdict(for entry: ArchiveEntry) -> Verdict {
        switch entry.kind {
        case .regular: break
        case .directory: return .skip("directory")
        case .symlink: return .skip("symbolic link (never followed)")
        case .hardlink: return .skip("hard link (never followed)")
        case .device: return .skip("device file")
        case .fifo: return .skip("FIFO")
        case .socket: return .skip("socket")
        case .unknown: return .skip("not a regular file")
        }
        if let problem = pathProblem(entry.nameBytes) { return .skip(problem) }
        return .open
    }

    /// Why `name` could escape an extraction folder, or nil when it is a plain relative path.
    /// Both `/` and `\` count as separators, as some zip writers use the latter.
    static func pathProblem(_ name: [UInt8]) -> String? {
        if name.isEmpty { return "empty name" }
        if name.contains(0) { return "name contains a NUL byte" }
        let slash = UInt8(ascii: "/"), backslash = UInt8(ascii: "\\")
        if name[0] == slash || name[0] == backslash { return "absolute path" }
        if name.count >= 2, name[1] == UInt8(ascii: ":"), isLetter(name[0]) { return "absolute path (drive letter)" }
        let parts = name.split(omittingEmptySubsequences: false) { $0 == slash || $0 == backslash }
        if parts.contains(where: { $0.elementsEqual("..".utf8) }) { return "path with '..' component" }
        if name.last == slash || name.last == backslash { return "directory" }
        return nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
}
