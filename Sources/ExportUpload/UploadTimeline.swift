import Foundation

/// The upload over time, a minute at a time: requests sent against the rate share, 429 answers,
/// retries and contacts accepted. `report.json` carries it (`timeline`); the run report charts it.
///
/// The uploader records it as per-minute twins of its counters in the checkpoint
/// (`requests@2026-12-03T15:12Z`), so it spans every session of a resumed upload.
public struct UploadTimeline: Sendable, Codable, Equatable {
    /// Requests a minute this upload may send (the rate share of the brand's limit); `nil` when
    /// the destination has no limit.
    public var allowancePerMinute: Int?
    /// The minutes in which something happened, oldest first.
    public var minutes: [Minute]

    /// One minute of the upload.
    public struct Minute: Sendable, Codable, Equatable {
        /// The minute, UTC: `2026-12-03T15:12Z`.
        public var minute: String
        public var requests: Int
        public var rateLimited: Int
        public var retries: Int
        public var accepted: Int

        /// Creates a minute.
        public init(minute: String, requests: Int = 0, rateLimited: Int = 0, retries: Int = 0, accepted: Int = 0) {
            self.minute = minute
            self.requests = requests
            self.rateLimited = rateLimited
            self.retries = retries
            self.accepted = accepted
        }
    }

    /// Creates a timeline.
    public init(allowancePerMinute: Int?, minutes: [Minute]) {
        self.allowancePerMinute = allowancePerMinute
        self.minutes = minutes
    }

    /// The counters that get a per-minute twin.
    static let tracked: Set<String> = ["requests", "rate_limited", "retries", "accepted"]

    /// Adds `value` of `counter` to the field it feeds.
    static func add(_ value: Int, of counter: Substring, to minute: inout Minute) {
        switch counter {
        case "requests": minute.requests += value
        case "rate_limited": minute.rateLimited += value
        case "retries": minute.retries += value
        case "accepted": minute.accepted += value
        default: break
        }
    }

    /// The name of `counter`'s twin for the minute of `date`, or `nil` when it has none.
    static func minuteCounter(_ counter: String, at date: Date) -> String? {
        guard tracked.contains(counter) else { return nil }
        return counter + "@" + minuteText(date)
    }

    /// `2026-12-03T15:12Z` for any moment in that minute (UTC).
    public static func minuteText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute))Z"
    }

    /// The timeline kept in a checkpoint's counters (`name@minute`), minutes in order.
    public init(counters: [String: Int], allowancePerMinute: Int?) {
        var byMinute: [String: Minute] = [:]
        for (name, value) in counters {
            guard let at = name.firstIndex(of: "@") else { continue }
            let minute = String(name[name.index(after: at)...])
            guard Self.tracked.contains(String(name[..<at])) else { continue }
            Self.add(value, of: name[..<at], to: &byMinute[minute, default: Minute(minute: minute)])
        }
        self.init(allowancePerMinute: allowancePerMinute, minutes: byMinute.values.sorted { $0.minute < $1.minute })
    }
}
