/// Where a record came from, precise enough to find it again with `sed -n`.
public struct RecordOrigin: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The input path exactly as the user gave it (or as the pipeline resolved it).
    public var file: String
    /// The member path when the record came from inside a zip or tar bundle.
    public var member: String?
    /// 1-based line on which the record starts (a quoted CSV field may span lines; the CSV header is line 1).
    public var line: Int
    /// 0-based index of the record within its file or member (header excluded).
    public var index: Int

    /// Creates an origin.
    public init(file: String, member: String? = nil, line: Int, index: Int) {
        self.file = file
        self.member = member
        self.line = line
        self.index = index
    }

    /// `file:line`, or `file:member:line` inside a bundle.
    public var description: String {
        if let member { return "\(file):\(member):\(line)" }
        return "\(file):\(line)"
    }

    /// The input name as written to rejects and duplicates files: `file` or `file:member`.
    public var inputName: String {
        if let member { return "\(file):\(member)" }
        return file
    }
}
