/// One line of an NDJSON side file of a run folder, as a type: what the fast writers
/// (`SideFileWriter`, `FailedListWriter`, `RepairFolderWriter`) write as bytes and what every
/// reader decodes through `SideFileReader`.
///
/// The writers keep their own byte layout (fixed key order, no spaces) for speed and for
/// byte-identical runs; a round-trip test per type ties each writer to its type.
public protocol SideFileLine: Codable, Sendable, Equatable {
    /// The file's name inside the run folder (`RunFolderLayout`).
    static var fileName: String { get }
}
