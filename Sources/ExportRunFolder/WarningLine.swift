/// A line of `warnings.ndjson`: a field left out of a kept contact, and why.
///
/// Written by `SideFileWriter.warning` as `{"input":…,"line":…,"field":…,"code":…,"email":…}`.
public struct WarningLine: SideFileLine {
    public static let fileName = RunFolderLayout.warnings

    /// The input name of the row.
    public var input: String
    /// Its line.
    public var line: Int
    /// The contact field left out (`phone`, `birthdate`, …).
    public var field: String
    /// The warning code (`invalid_phone`, …).
    public var code: String
    /// The contact's email.
    public var email: String

    /// Creates a line.
    public init(input: String, line: Int, field: String, code: String, email: String) {
        self.input = input
        self.line = line
        self.field = field
        self.code = code
        self.email = email
    }
}
