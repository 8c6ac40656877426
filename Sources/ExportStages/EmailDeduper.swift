/// Finds duplicate rows by normalised email, keeping only a 128-bit key and a row id per address.
///
/// Row ids are whatever small integer the caller numbers its rows with (the prepare job uses the
/// ordinal of the row in the run), so the deduper never holds a `String` per row.
///
/// - `first`: one pass. Call `firstSeen(_:row:)` per valid row; a non-nil answer is the kept row.
/// - `last` / `newest`: two passes. Pass 1 calls `offer(_:row:date:)` for every valid row (in read
///   order); pass 2 calls `winner(of:)` per row: the row is kept when the winner is itself, else it
///   is a duplicate of the winner.
public struct EmailDeduper: Sendable {
    private struct Entry: Sendable {
        var row: Int
        var date: Int64
    }

    /// The policy that `offer` applies.
    public let policy: DedupePolicy
    private var entries: [EmailKey: Entry] = [:]

    /// Creates an empty deduper; `expectedCount` pre-sizes the table.
    public init(policy: DedupePolicy = .first, expectedCount: Int = 0) {
        self.policy = policy
        entries.reserveCapacity(expectedCount)
    }

    /// How many distinct addresses were seen.
    public var count: Int { entries.count }

    /// Records `email` for `row` unless seen before; returns the kept row id when it was.
    public mutating func firstSeen(_ email: String, row: Int) -> Int? {
        let key = EmailKey(email)
        if let existing = entries[key] { return existing.row }
        entries[key] = Entry(row: row, date: 0)
        return nil
    }

    /// Pass 1 of `last` / `newest`: offers `row` as the holder of `email`. `date` is the raw text
    /// of the `newest` field (ignored for `last`, parsed with `SortableDate` for `newest`).
    public mutating func offer(_ email: String, row: Int, date: String?) {
        let key = EmailKey(email)
        let value: Int64
        if case .newest = policy { value = date.flatMap(SortableDate.parse) ?? Int64.min } else { value = 0 }
        if let existing = entries[key] {
            // Later rows win ties, so `newest` over equal dates behaves like `last`.
            if case .newest = policy, value < existing.date { return }
        }
        entries[key] = Entry(row: row, date: value)
    }

    /// Pass 2: the row id that keeps `email`, or `nil` when it was never offered.
    public func winner(of email: String) -> Int? { entries[EmailKey(email)]?.row }
}
