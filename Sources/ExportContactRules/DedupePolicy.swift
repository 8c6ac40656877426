/// Which of several rows with the same normalised email is kept.
public enum DedupePolicy: Sendable, Equatable {
    /// The first row read wins; one pass (`EmailDeduper.firstSeen`).
    case first
    /// The last row read wins; two passes (`offer`, then `winner(of:)`).
    case last
    /// The row with the latest date in `field` wins; ties and unparseable dates go to the later
    /// row, and a parseable date always beats an unparseable one. Two passes.
    case newest(field: String)

    /// Whether the prepare job must read the inputs twice (offer, then decide).
    public var needsTwoPasses: Bool { self != .first }
}
