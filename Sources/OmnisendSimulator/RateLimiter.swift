import Foundation

/// A sliding-window limiter: at most `limit` requests in any `window` seconds (60), per brand.
/// Every admitted request counts (polls too); a refused request does not.
final class RateLimiter: @unchecked Sendable {
    /// What the limiter said about one request.
    struct Decision: Sendable, Equatable {
        /// Whether the request may proceed.
        var admitted: Bool
        /// The limit of the window.
        var limit: Int
        /// Requests left in the window after this one.
        var remaining: Int
        /// Whole seconds until the oldest request in the window leaves it (at least 1 when refused).
        var resetSeconds: Int
    }

    private let window: TimeInterval
    private let limit: Int
    private let clock: any SimulatorClock
    private let lock = NSLock()
    private var admitted: [String: [TimeInterval]] = [:]

    /// `limit` 0 turns the limiter off (every request admitted).
    init(limit: Int, clock: any SimulatorClock, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    var isEnabled: Bool { limit > 0 }

    func admit(brand: String) -> Decision {
        guard limit > 0 else { return Decision(admitted: true, limit: 0, remaining: 0, resetSeconds: 0) }
        let now = clock.now().timeIntervalSince1970
        return lock.withLock {
            var times = admitted[brand, default: []]
            let cutoff = now - window
            if let firstInside = times.firstIndex(where: { $0 > cutoff }) {
                times.removeFirst(firstInside)
            } else {
                times.removeAll()
            }
            let decision: Decision
            if times.count < limit {
                times.append(now)
                let reset = Int((times[0] + window - now).rounded(.up))
                decision = Decision(admitted: true, limit: limit, remaining: limit - times.count, resetSeconds: max(0, reset))
            } else {
                let reset = Int((times[0] + window - now).rounded(.up))
                decision = Decision(admitted: false, limit: limit, remaining: 0, resetSeconds: max(1, reset))
            }
            admitted[brand] = times
            return decision
        }
    }
}
