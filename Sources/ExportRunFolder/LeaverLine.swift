/// A line of `leavers.ndjson` (`sync: { leavers: tag|unsubscribe }`): a contact of the
/// destination state missing from this export, written to a chunk to tag or unsubscribe it.
///
/// Written by `SideFileWriter.leaver` as `{"email":…,"chunk":…,"item":…,"action":…}`.
public struct LeaverLine: SideFileLine {
    public static let fileName = RunFolderLayout.leavers

    /// The leaver's email.
    public var email: String
    /// The chunk that carries it (1-based).
    public var chunk: Int
    /// Its 0-based index in that chunk.
    public var item: Int
    /// What the chunk does to it: `tag` or `unsubscribe`.
    public var action: String

    /// Creates a line.
    public init(email: String, chunk: Int, item: Int, action: String) {
        self.email = email
        self.chunk = chunk
        self.item = item
        self.action = action
    }
}
