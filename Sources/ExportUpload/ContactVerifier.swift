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
            let fields = Self.differingFields(sent: sent, stored: stored, email: email)
            if !fields.isEmpty { differences.append(Difference(email: email, chunk: candidate.chunk, item: candidate.item, fields: fields)) }
        }
        return Result(checked: candidates.count, differences: differences)
    }

    /// Names of the sent fields whose stored value differs (the email channel compared by status).
    static func differingFields(sent: [String: Any], stored: [String: Any], email: String) -> [String] {
        var fields: [String] = []
        for (key, value) in sent where key != "identifiers" && key != "sendWelcomeMessage" {
            if BatchResults.json(value) != BatchResults.json(stored[key] ?? NSNull()) { fields.append(key) }
        }
        func emailStatus(_ object: [String: Any]) -> String? {
            for identifier in (object["identifiers"] as? [[String: Any]]) ?? [] where identifier["id"] as? String == email {
                return ((identifier["channels"] as? [String: Any])?["email"] as? [String: Any])?["status"] as? String
            }
            return nil
        }
        if let status = emailStatus(sent), emailStatus(stored) != status { fields.append("identifiers.channels.email.status") }
        return fields.sorted()
    }
}
