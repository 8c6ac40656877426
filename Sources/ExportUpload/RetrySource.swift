import GRDB

/// Where an item of a retry chunk came from, so failures trace back to the input line.
public struct RetrySource: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    /// The table name.
    public static let databaseTableName = "retry_source"

    /// The retry chunk.
    public var chunk: Int
    /// The item's index in the retry chunk.
    public var item: Int
    /// The chunk it failed in.
    public var sourceChunk: Int
    /// Its index there.
    public var sourceItem: Int

    /// Creates a mapping.
    public init(chunk: Int, item: Int, sourceChunk: Int, sourceItem: Int) {
        self.chunk = chunk
        self.item = item
        self.sourceChunk = sourceChunk
        self.sourceItem = sourceItem
    }
}
