/// Finds duplicate rows by normalised email, keeping only a 128-bit key and a row id per address.
///
/// Row ids are whatever small integer the caller numbers its rows with (the prepare job uses the
/// ordinal of the row in the run, below 2³² − 1), so the deduper never holds a `String` per row.
///
/// - `first`: one pass. Call `firstSeen(key:row:)` per valid row; a non-nil answer is the kept row.
/// - `last` / `newest`: two passes. Pass 1 calls `offer(key:row:date:)` for every valid row (in
///   read order); pass 2 calls `winner(of:)` per row: the row is kept when the winner is itself,
///   else it is a duplicate of the winner.
///
/// The `String` forms hash the address first (`EmailKey`); the key forms let the caller compute
/// the key elsewhere (the prepare job does it on the reading thread).
///
/// The table (`EmailTable`) is open addressing over 16-byte keys and 4-byte row ids, about
/// 32 bytes per distinct address at its fullest, so ten million addresses fit in a few hundred MB.
public struct EmailDeduper: Sendable {
    /// The policy that `offer` applies.
    public let policy: DedupePolicy
    private var table: EmailTable

    /// Creates an empty deduper; `expectedCount` pre-sizes the table.
    public init(policy: DedupePolicy = .first, expectedCount: Int = 0) {
        self.policy = policy
        let newest: Bool
        if case .newest = policy { newest = true } else { newest = false }
        table = EmailTable(expectedCount: expectedCount, keepsDates: newest)
    }

    /// How many distinct addresses were seen.
    public var count: Int { table.count }

    /// Records `email` for `row` unless seen before; returns the kept row id when it was.
    public mutating func firstSeen(_ email: String, row: Int) -> Int? {
        firstSeen(key: EmailKey(email), row: row)
    }

    /// Records `key` for `row` unless seen before; returns the kept row id when it was.
    public mutating func firstSeen(key: EmailKey, row: Int) -> Int? {
        table.insertIfAbsent(key, row: row)
    }

    /// Starts loading the table slots of `keys` into the cache, so that the `firstSeen(key:row:)`,
    /// `offer(key:row:date:)` or `winner(of:)` calls for them that follow (in a batch of a few
    /// thousand rows) do not each wait for memory: with millions of addresses the table is far
    /// larger than the cache. It changes no answer; a key not looked up later costs one load.
    public mutating func prefetch<Keys: Sequence<EmailKey>>(keys: Keys) {
        table.prefetch(keys)
    }

    /// Pass 1 of `last` / `newest` with the date already parsed (`SortableDate`; `nil` when the
    /// row has none or it is not a date, which loses).
    public mutating func offer(key: EmailKey, row: Int, sortableDate: Int64?) {
        if case .newest = policy {
            // Later rows win ties, so `newest` over equal dates behaves like `last`.
            table.offerNewest(key, row: row, date: sortableDate ?? Int64.min)
        } else {
            table.upsert(key, row: row)
        }
    }

    /// Pass 2: the row id that keeps `email`, or `nil` when it was never offered.
    public func winner(of email: String) -> Int? { table.row(of: EmailKey(email)) }

    /// Pass 2 for an address already hashed into `key`.
    public func winner(of key: EmailKey) -> Int? { table.row(of: key) }

    /// Pass 2 of `newest`: the date the winner of `key` won with, in seconds since 1970 UTC;
    /// `nil` when the winner's date could not be read (or the policy is not `newest`).
    public func winnerDate(of key: EmailKey) -> Int64? {
        guard let date = table.date(of: key), date != Int64.min else { return nil }
        return date
    }
}
