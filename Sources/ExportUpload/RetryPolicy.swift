import Foundation

/// What to do after one request: a pure function of the answer, the attempt number and a random
/// number, so that every rule is testable without a network.
///
/// - 2xx: done.
/// - 429: wait as long as `Retry-After`, then the body's `retryAfter`, then `X-Rate-Limit-Reset`
///   say (in that order), else back off; not counted as a failed attempt. A wait longer than
///   `maxRateLimitWait` gives up resumably instead of sleeping for a day.
/// - 5xx, 408 and network errors: exponential backoff with full jitter up to `maxAttempts`, then
///   the chunk fails with the last error.
/// - 401, 403: stop the run at once (a bad key must not burn through the run).
/// - any other 4xx (400, 422, 404, 413…): the chunk fails with Omnisend's message.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per request before giving up on 5xx/408/network errors.
    public var maxAttempts: Int
    /// The first backoff ceiling, in seconds.
    public var baseDelay: Double
    /// The largest backoff ceiling, in seconds.
    public var maxDelay: Double
    /// The longest 429 wait accepted before stopping resumably, in seconds.
    public var maxRateLimitWait: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 30, maxRateLimitWait: Double = 900) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRateLimitWait = maxRateLimitWait
    }

    /// The outcome of one request.
    public enum Outcome: Sendable, Equatable {
        /// An HTTP answer arrived.
        case answer(HTTPAnswer)
        /// No answer: connection reset, timeout. The request may or may not have been applied.
        case networkError(String)
        /// No connection could be made (refused, unreachable, connect timeout): the request never
        /// left, so it surely was not applied.
        case notConnected(String)

        /// Whether no HTTP answer arrived (a network error or no connection).
        public var isUnanswered: Bool {
            if case .answer = self { return false }
            return true
        }
    }

    /// The decision.
    public enum Decision: Sendable, Equatable {
        /// The request succeeded.
        case success
        /// Rate limited: wait this long, then send again (not a failed attempt).
        case rateLimited(after: Double)
        /// A transient failure: wait this long, then send again.
        case retry(after: Double)
        /// The request failed for good; `retryable` says whether a later run may try again.
        case fail(reason: String, retryable: Bool)
        /// Stop the whole run now (bad key, or rate limited for too long).
        case stopRun(reason: String, resumable: Bool)
    }

    /// Decides after attempt number `attempt` (1-based). `random` is uniform in 0..<1 (the jitter);
    /// `now` is the wall-clock time, for HTTP-date `Retry-After` values.
    public func decide(_ outcome: Outcome, attempt: Int, random: Double, now: Date = Date()) -> Decision {
        switch outcome {
        case .networkError(let message), .notConnected(let message):
            return attempt >= maxAttempts
                ? .fail(reason: "network error after \(attempt) attempts: \(message)", retryable: true)
                : .retry(after: backoff(attempt: attempt, random: random))
        case .answer(let answer):
            switch answer.status {
            case 200..<300:
                return .success
            case 429:
                let wait = rateLimitWait(answer, now: now) ?? backoff(attempt: attempt, random: random)
                if wait > maxRateLimitWait {
                    return .stopRun(reason: "rate limited for \(Int(wait)) s, longer than \(Int(maxRateLimitWait)) s", resumable: true)
                }
                return .rateLimited(after: wait)
            case 401:
                return .stopRun(reason: "the API key was refused (\(answer.errorMessage))", resumable: false)
            case 403:
                // Omnisend answers 403 to a known key without the permission (and, on some
                // deployments, to an unknown key); the destination check tells them apart.
                return .stopRun(reason: "the API key lacks a permission for this request (\(answer.errorMessage))", resumable: false)
            case 408, 500..<600:
                return attempt >= maxAttempts
                    ? .fail(reason: "\(answer.errorMessage) after \(attempt) attempts", retryable: true)
                    : .retry(after: backoff(attempt: attempt, random: random))
            default:
                return .fail(reason: answer.errorMessage, retryable: false)
            }
        }
    }

    /// Full jitter: uniform in 0...min(maxDelay, baseDelay · 2^(attempt-1)).
    public func backoff(attempt: Int, random: Double) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        return ceiling * min(1, max(0, random))
    }

    /// The wait a 429 asks for: `Retry-After` (seconds or HTTP-date), body `retryAfter`,
    /// `X-Rate-Limit-Reset`; `nil` when none is usable.
    public func rateLimitWait(_ answer: HTTPAnswer, now: Date) -> Double? {
        if let value = answer.headers["retry-after"]?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Double(value), seconds.isFinite, seconds >= 0 { return seconds }
            if let date = Self.httpDate(value) { return max(0, date.timeIntervalSince(now)) }
        }
        if let seconds = ErrorBody(answer.body)?.retryAfter, seconds >= 0 { return seconds }
        if let value = answer.headers["x-rate-limit-reset"], let seconds = Double(value.trimmingCharacters(in: .whitespaces)),
            seconds.isFinite, seconds >= 0
        {
            return seconds
        }
        return nil
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
