import ExportUpload
import Foundation

/// The upload timeline cut into at most `limit` equal spans of whole minutes (gaps filled with
/// zeros), so the chart and the page stay the same size for a ten-minute or a ten-hour upload.
struct TimelineBuckets: Sendable, Equatable {
    /// One span.
    struct Bucket: Sendable, Equatable {
        /// Its first minute (`2026-12-03T15:12Z`).
        var start: String
        /// Requests a minute on average over the span.
        var requestsPerMinute: Int
        var requests: Int
        var rateLimited: Int
        var retries: Int
        var accepted: Int
    }

    var buckets: [Bucket]
    /// Minutes per span.
    var minutesPerBucket: Int

    init(_ timeline: UploadTimeline, limit: Int = 60) {
        let parsed = timeline.minutes.compactMap { minute in Self.minuteNumber(minute.minute).map { ($0, minute) } }
        guard let first = parsed.first?.0, let last = parsed.last?.0 else {
            buckets = []
            minutesPerBucket = 1
            return
        }
        let span = last - first + 1
        let per = max(1, (span + limit - 1) / limit)
        minutesPerBucket = per
        buckets = (0..<((span + per - 1) / per)).map { index in
            Bucket(
                start: Self.minuteText(first + index * per), requestsPerMinute: 0, requests: 0, rateLimited: 0,
                retries: 0, accepted: 0)
        }
        for (number, minute) in parsed {
            let index = (number - first) / minutesPerBucket
            buckets[index].requests += minute.requests
            buckets[index].rateLimited += minute.rateLimited
            buckets[index].retries += minute.retries
            buckets[index].accepted += minute.accepted
        }
        for index in buckets.indices {
            let minutes = min(minutesPerBucket, span - index * minutesPerBucket)
            buckets[index].requestsPerMinute = (buckets[index].requests + minutes - 1) / max(1, minutes)
        }
    }

    /// Minutes since 1970 of `2026-12-03T15:12Z`.
    static func minuteNumber(_ text: String) -> Int? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withTimeZone]
        guard let date = formatter.date(from: text.replacingOccurrences(of: "Z", with: ":00Z")) else { return nil }
        return Int(date.timeIntervalSince1970 / 60)
    }

    static func minuteText(_ number: Int) -> String {
        UploadTimeline.minuteText(Date(timeIntervalSince1970: Double(number) * 60))
    }
}
