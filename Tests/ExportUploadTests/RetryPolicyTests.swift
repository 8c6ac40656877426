import ExportUpload
import Foundation
import Testing

private let policy = RetryPolicy(maxAttempts: 3, baseDelay: 1, maxDelay: 8, maxRateLimitWait: 600)

private func answer(_ status: Int, headers: [String: String] = [:], body: String = "") -> RetryPolicy.Outcome {
    .answer(HTTPAnswer(status: status, headers: headers, body: Array(body.utf8)))
}

@Test func successOn2xx() {
    #expect(policy.decide(answer(200), attempt: 1, random: 0.5) == .success)
    #expect(policy.decide(answer(201), attempt: 1, random: 0.5) == .success)
}

@Test func rateLimitFollowsRetryAfterThenBodyThenReset() {
    #expect(policy.decide(answer(429, headers: ["Retry-After": "7"], body: #"{"retryAfter":60}"#), attempt: 1, random: 0) == .rateLimited(after: 7))
    #expect(policy.decide(answer(429, headers: ["X-Rate-Limit-Reset": "12"], body: #"{"retryAfter":60}"#), attempt: 1, random: 0) == .rateLimited(after: 60))
    #expect(policy.decide(answer(429, headers: ["X-Rate-Limit-Reset": "12"]), attempt: 1, random: 0) == .rateLimited(after: 12))
    #expect(policy.decide(answer(429, headers: ["Retry-After": "garbage"]), attempt: 1, random: 0.5) == .rateLimited(after: 0.5))
}

@Test func rateLimitAcceptsHTTPDatesAndPastDates() {
    let now = Date(timeIntervalSince1970: 1_000_000)
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    let later = formatter.string(from: now.addingTimeInterval(30))
    let earlier = formatter.string(from: now.addingTimeInterval(-30))
    #expect(policy.decide(answer(429, headers: ["Retry-After": later]), attempt: 1, random: 0, now: now) == .rateLimited(after: 30))
    #expect(policy.decide(answer(429, headers: ["Retry-After": earlier]), attempt: 1, random: 0, now: now) == .rateLimited(after: 0))
}

@Test func aDayLongRateLimitStopsResumably() {
    guard case .stopRun(_, let resumable) = policy.decide(answer(429, headers: ["Retry-After": "86400"]), attempt: 1, random: 0) else {
        Issue.record("expected stopRun")
        return
    }
    #expect(resumable)
}

@Test(arguments: [500, 502, 503, 504, 408])
func transientStatusesBackOffThenFail(status: Int) {
    #expect(policy.decide(answer(status), attempt: 1, random: 1) == .retry(after: 1))
    #expect(policy.decide(answer(status), attempt: 2, random: 1) == .retry(after: 2))
    guard case .fail(_, let retryable) = policy.decide(answer(status), attempt: 3, random: 1) else {
        Issue.record("expected fail")
        return
    }
    #expect(retryable)
}

@Test func networkErrorsAreRetriedWithFullJitter() {
    #expect(policy.decide(.networkError("reset"), attempt: 2, random: 0.25) == .retry(after: 0.5))
    #expect(policy.backoff(attempt: 10, random: 1) == 8)
}

@Test(arguments: [401, 403])
func badKeyStopsTheRunAtOnce(status: Int) {
    guard case .stopRun(_, let resumable) = policy.decide(answer(status, body: #"{"error":"Unauthorized"}"#), attempt: 1, random: 0) else {
        Issue.record("expected stopRun")
        return
    }
    #expect(!resumable)
}

@Test(arguments: [400, 422, 404, 413])
func clientErrorsFailTheChunkWithOmnisendsMessage(status: Int) {
    let decision = policy.decide(answer(status, body: #"{"error":"Bad parameter","fields":{"0":["x"]}}"#), attempt: 1, random: 0)
    guard case .fail(let reason, let retryable) = decision else {
        Issue.record("expected fail")
        return
    }
    #expect(reason.contains("Bad parameter"))
    #expect(!retryable)
}
