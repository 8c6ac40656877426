#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reports progress on long inputs: a line at most every two seconds, checked every 64k rows so
/// that the clock is not read on the hot path.
struct ProgressTicker {
    private let log: (String) -> Void
    private var lastReport: Double
    private let start: Double

    init(log: @escaping (String) -> Void) {
        self.log = log
        start = Self.now()
        lastReport = start
    }

    mutating func tick(rows: Int) {
        guard rows & 0xFFFF == 0 else { return }
        let now = Self.now()
        guard now - lastReport >= 2 else { return }
        lastReport = now
        let rate = Double(rows) / max(now - start, 0.001)
        log("read \(rows) rows (\(Int(rate)) rows/s)")
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
