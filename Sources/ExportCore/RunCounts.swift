/// How many rows went where. The accounting identity is
/// `rows == kept + rejected + duplicates + filtered + forgotten`, per input and in total.
public struct RunCounts: Sendable, Codable, Equatable {
    /// Rows read (records and malformed rows; a CSV header is not a row).
    public var rows = 0
    /// Rows turned into contacts.
    public var kept = 0
    /// Rows rejected with a reason.
    public var rejected = 0
    /// Rows dropped as duplicates of a kept row.
    public var duplicates = 0
    /// Rows dropped by a `where` rule of the mapping.
    public var filtered = 0
    /// Rows erased by `forget` after prepare (kept, rejected or duplicate rows of a person who
    /// asked to be forgotten); absent from the manifest until something is forgotten.
    public var forgotten: Int? = nil
    /// Kept contacts not sent because the destination state holds the same payload
    /// (`prepare --incremental`); part of `kept` (`kept = sent + unchanged`); absent without a diff.
    public var unchanged: Int? = nil

    /// Kept contacts written to chunks: `kept - unchanged`.
    public var sent: Int { kept - (unchanged ?? 0) }

    /// Zero counts.
    public init() {}

    /// Whether every row is accounted for.
    public var isBalanced: Bool { rows == kept + rejected + duplicates + filtered + (forgotten ?? 0) }

    /// Adds `other` to these counts.
    public mutating func add(_ other: RunCounts) {
        rows += other.rows
        kept += other.kept
        rejected += other.rejected
        duplicates += other.duplicates
        filtered += other.filtered
        if let more = other.forgotten { forgotten = (forgotten ?? 0) + more }
        if let more = other.unchanged { unchanged = (unchanged ?? 0) + more }
    }
}
