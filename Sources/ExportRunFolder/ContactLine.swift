/// A line of `contacts.ndjson`: one kept contact, where it went (chunk, 0-based item) and where
/// it came from (input name, `file` or `file:member`, and line).
///
/// Written by `SideFileWriter.contact` (and `RepairFolderWriter` for a repair folder) as
/// `{"email":…,"chunk":…,"item":…,"input":…,"line":…}`.
public struct ContactLine: SideFileLine {
    public static let fileName = RunFolderLayout.contacts

    /// The email, as the contact carries it.
    public var email: String
    /// The chunk number (1-based).
    public var chunk: Int
    /// The item's index in the chunk (0-based).
    public var item: Int
    /// The input name: `file`, or `file:member` for a member of an archive.
    public var input: String
    /// The line (CSV) or record line (NDJSON) of the input.
    public var line: Int

    /// Creates a line.
    public init(email: String, chunk: Int, item: Int, input: String, line: Int) {
        self.email = email
        self.chunk = chunk
        self.item = item
        self.input = input
        self.line = line
    }
}
