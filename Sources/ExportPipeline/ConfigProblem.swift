/// One problem in a pipeline or mapping file, located like a compiler diagnostic.
///
/// `description` reads `pipelines/x.yaml:12:5: unknown key 'frist_name'` followed, when there is
/// one, by an indented `hint:` line. Messages quote the offending text of the file, never a value
/// from an input row.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it.
    public var file: String
    /// 1-based line, or 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column (in Unicode scalars), or 0 when unknown.
    public var column: Int
    /// What is wrong.
    public var message: String
    /// What to do about it, when there is something to suggest.
    public var hint: String?

    /// Creates a problem.
    public init(file: String, line: Int, column: Int, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    /// `file:line:column: message` (position parts omitted when 0), then `    hint: …`.
    public var description: String {
        var out = file
        if line > 0 { out += ":\(line)" }
        if line > 0 && column > 0 { out += ":\(column)" }
        out += ": \(message)"
        if let hint { out += "\n    hint: \(hint)" }
        return out
    }
}
