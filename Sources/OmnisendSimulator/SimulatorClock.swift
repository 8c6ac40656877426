import Foundation

/// The simulator's source of wall-clock time: timestamps of batches and contacts, and the
/// rate limiter's sliding window. Inject a ``ManualSimulatorClock`` to test time-dependent rules.
public protocol SimulatorClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The system clock.
public struct SystemSimulatorClock: SimulatorClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to, for tests of the rate limiter and timestamps.
public final class ManualSimulatorClock: SimulatorClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// Starts at `start` (default 2026-01-01T00:00:00Z).
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = start
    }

    public func now() -> Date {
        lock.withLock { current }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}
