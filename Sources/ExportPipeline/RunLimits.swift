/// The pipeline's limits on what a run may produce (`limits: { max_reject_rate, min_kept }`):
/// past one, `prepare` stops before the manifest is written, so the run is never uploaded
/// (exit 5).
public struct RunLimits: Sendable, Equatable {
    /// The largest share of rejected rows, rejected ÷ (rows − filtered), from 0 to 1; `nil`
    /// (the default) leaves the rate unchecked.
    public var maxRejectRate: Double?
    /// The fewest contacts a run must keep (default 1: a run that keeps nothing is an error).
    public var minKept: Int

    /// Creates limits; the defaults are those of a pipeline without `limits:`.
    public init(maxRejectRate: Double? = nil, minKept: Int = 1) {
        self.maxRejectRate = maxRejectRate
        self.minKept = minKept
    }
}
