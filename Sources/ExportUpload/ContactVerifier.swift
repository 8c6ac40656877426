import ExportCore
import Foundation

/// Reads uploaded contacts back (`GET /contacts?email=…`) and reports those whose stored fields
/// differ from what was sent: Omnisend silently ignores some writes (an older status date, an
/// identifier owned by another contact).
public struct ContactVerifier: Sendable {
    /// One contact that differs, or is missing.
    public struct Difference: Sendable, Equatable {
        public var email: String
        public var chunk: Int
        public var item: Int
        /// Names of the fields that differ (`missing` when the contact is not stored).
        public var fields: [String]
    }

    /// The result.
    public struct Result: Sendable {
        public var checked: Int
        public var differences: [Difference]
        /// Contacts with a dated status that Omnisend kept because it had a later decision (the
        /// date rule at work, not a difference; statuses sent to be kept, dated 1970, not counted).
        public var keptByDateRule = 0
    }

    let runDirectory: String
    let target: UploadTarget
    let network: NetworkSettings

    /// Creates a verifier; `network` is the proxy and CA bundle of its HTTP client.
    public init(runDirectory: String, target: UploadTarget, network: NetworkSettings = .direct) {
        self.runDirectory = runDirectory
        self.target = target
        self.network = network
    }

    /// Checks `sample` accepted contacts (all when `nil`), spread evenly over the run.
    public func verify(sample: Int?) async throws -> Result {
        let store = try CheckpointStore(runDirectory: runDirectory)
        let failed = Set(try store.failedItems().map { "\($0.chunk):\($0.item)" })
        var candidates: [(chunk: Int, item: Int, text: String)] = []
        for record in try store.chunks() where record.state == .done {
            let texts = try ChunkFile(runDirectory: runDirectory, file: record.file, sha256: record.sha256).itemTexts()
            for (item, text) in texts.enumerated() where !failed.contains("\(record.number):\(item)") {
                candidates.append((record.number, item, text))
            }
        }
        if let sample, sample < candidates.count, sample > 0 {
            let step = Double(candidates.count) / Double(sample)
            candidates = (0..<sample).map { candidates[Int(Double($0) * step)] }
        }
        let client = OmnisendClient(baseURL: target.baseURL, apiVersion: target.apiVersion, key: target.key, network: network)
        defer { Task { await client.shutdown() } }
        var governor = RateGovernor()
        let clock = ContinuousClock()
        let start = clock.now
        var differences: [Difference] = []
        var keptByDateRule = 0
        for candidate in candidates {
            guard let sent = (try? JSONSerialization.jsonObject(with: Data(candidate.text.utf8))) as? [String: Any],
                let email = ChunkFile.email(ofItem: sent)
            else { continue }
            var answer: HTTPAnswer?
            for attempt in 1...5 {
                let elapsed = clock.now - start
                let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let wait = governor.delay(now: now)
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
                governor.record(now: now + wait)
                let outcome = await client.getContact(email: email)
                switch RetryPolicy().decide(outcome, attempt: attempt, random: Double.random(in: 0..<1)) {
                case .success:
                    if case .answer(let a) = outcome { answer = a }
                case .rateLimited(let wait), .retry(let wait):
                    try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
                    continue
                case .fail(let reason, _), .stopRun(let reason, _):
                    throw ExportError(.io, "GET /contacts: \(reason)")
                }
                break
            }
            let stored = ((answer?.jsonObject?["contacts"] as? [[String: Any]]) ?? []).first { ChunkFile.email(ofItem: $0) == email || ($0["email"] as? String) == email }
            guard let stored else {
                differences.append(Difference(email: email, chunk: candidate.chunk, item: candidate.item, fields: ["missing"]))
                continue
            }
            if Self.statusesKeptByDateRule(sent: sent, stored: stored, email: email) { keptByDateRule += 1 }
            let fields = Self.differingFields(sent: sent, stored: stored, email: email)
            if !fields.isEmpty { differences.append(Difference(email: email, chunk: candidate.chunk, item: candidate.item, fields: fields)) }
        }
        return Result(checked: candidates.count, differences: differences, keptByDateRule: keptByDateRule)
    }

    /// Names of the sent fields whose stored value differs. A channel status (email, SMS) counts
    /// as different only when the stored one should have been replaced: Omnisend keeps a status
    /// whose stored date is later than the one sent ("If you post status date earlier than in
    /// system, status and statusDate won't be changed"), which is how a status is kept on purpose
    /// (`ConsentPolicy.keepExistingDate`).
    static func differingFields(sent: [String: Any], stored: [String: Any], email: String) -> [String] {
        var fields: [String] = []
        for (key, value) in sent where key != "identifiers" && key != "sendWelcomeMessage" {
            if BatchResults.json(value) != BatchResults.json(stored[key] ?? NSNull()) { fields.append(key) }
        }
        for (type, channel) in [("email", "email"), ("phone", "sms")] {
            guard let posted = channelState(sent, type: type, channel: channel, email: email) else { continue }
            let kept = channelState(stored, type: type, channel: channel, email: email)
            // A phone the stored contact lacks was owned by another contact: not a status matter.
            if type == "phone" && kept == nil { continue }
            if kept?.status == posted.status { continue }
            if let postedDate = posted.date, let keptDate = kept?.date, postedDate < keptDate { continue }
            fields.append("identifiers.channels.\(channel).status")
        }
        return fields.sorted()
    }

    /// Whether a channel sent with a real decision date (not `ConsentPolicy.keepExistingDate`)
    /// has a different stored status with a later date: Omnisend kept its later decision.
    static func statusesKeptByDateRule(sent: [String: Any], stored: [String: Any], email: String) -> Bool {
        for (type, channel) in [("email", "email"), ("phone", "sms")] {
            guard let posted = channelState(sent, type: type, channel: channel, email: email),
                let kept = channelState(stored, type: type, channel: channel, email: email),
                kept.status != posted.status, let postedDate = posted.date, let keptDate = kept.date, postedDate < keptDate,
                postedDate > Date(timeIntervalSince1970: 0)
            else { continue }
            return true
        }
        return false
    }

    /// The status and date (`statusDate` or `statusChangedAt`, as a time) of one channel of an
    /// identifier: the email identifier `email`, or the first phone identifier.
    private static func channelState(
        _ object: [String: Any], type: String, channel: String, email: String
    ) -> (status: String?, date: Date?)? {
        for identifier in (object["identifiers"] as? [[String: Any]]) ?? [] where identifier["type"] as? String == type {
            if type == "email" && identifier["id"] as? String != email { continue }
            guard let state = (identifier["channels"] as? [String: Any])?[channel] as? [String: Any] else { return nil }
            let text = (state["statusDate"] ?? state["statusChangedAt"]) as? String
            return (state["status"] as? String, text.flatMap(parseDate))
        }
        return nil
    }

    private static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
