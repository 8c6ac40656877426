/// A line of `duplicates.ndjson`: one duplicate row and the row kept in its place.
///
/// Written by `SideFileWriter.duplicate` as
/// `{"input":…,"line":…,"email":…,"keptInput":…,"keptLine":…,"policy":…}`; under the `newest`
/// policy `"date":…,"keptDate":…` follow (each `null` when the row's date could not be read).
public struct DuplicateLine: SideFileLine {
    public static let fileName = RunFolderLayout.duplicates

    /// The input name of the duplicate row.
    public var input: String
    /// Its line.
    public var line: Int
    /// Its email, as written in the row.
    public var email: String
    /// The input name of the kept row.
    public var keptInput: String
    /// The kept row's line.
    public var keptLine: Int
    /// The dedupe policy that chose the kept row: `first`, `last` or `newest`.
    public var policy: String
    /// `newest` only: the duplicate row's date (ISO 8601 UTC); `nil` when unreadable or not `newest`.
    public var date: String?
    /// `newest` only: the kept row's date; `nil` when unreadable or not `newest`.
    public var keptDate: String?

    /// Creates a line.
    public init(
        input: String, line: Int, email: String, keptInput: String, keptLine: Int, policy: String, date: String? = nil,
        keptDate: String? = nil
    ) {
        self.input = input
        self.line = line
        self.email = email
        self.keptInput = keptInput
        self.keptLine = keptLine
        self.policy = policy
        self.date = date
        self.keptDate = keptDate
    }
}
