/// A line of `unchanged.ndjson` (`prepare --incremental`): a kept contact not sent because its
/// payload matches the destination state.
///
/// Written by `SideFileWriter.unchanged` as `{"email":…,"input":…,"line":…}`.
public struct UnchangedLine: SideFileLine {
    public static let fileName = RunFolderLayout.unchanged

    /// The contact's email.
    public var email: String
    /// The input name of its row.
    public var input: String
    /// Its line.
    public var line: Int

    /// Creates a line.
    public init(email: String, input: String, line: Int) {
        self.email = email
        self.input = input
        self.line = line
    }
}
