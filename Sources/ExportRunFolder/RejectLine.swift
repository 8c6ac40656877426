/// A line of `rejects.ndjson`: one rejected row, with its reason code and detail.
///
/// Written by `SideFileWriter.reject` as `{"input":…,"line":…,"reason":…,"detail":…,"email":…}`,
/// `email` `null` when the row had none.
public struct RejectLine: SideFileLine {
    public static let fileName = RunFolderLayout.rejects

    /// The input name: `file`, or `file:member`.
    public var input: String
    /// The row's line in the input.
    public var line: Int
    /// The reason code (`invalid_email`, `missing_field`, …).
    public var reason: String
    /// What failed, for people.
    public var detail: String
    /// The email as found in the row; `nil` when it had none.
    public var email: String?

    /// Creates a line.
    public init(input: String, line: Int, reason: String, detail: String, email: String?) {
        self.input = input
        self.line = line
        self.reason = reason
        self.detail = detail
        self.email = email
    }
}
