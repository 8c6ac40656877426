import AsyncHTTPClient
import ExportCore
import ExportUpload
import Foundation
import OmnisendSimulator

/// A simulator for one test: fast batch processing, a generous rate limit unless asked otherwise,
/// and helpers to read its ledger.
struct SimulatorHarness {
    let simulator: RunningSimulator
    static let key = "omni-test-canary-\(UUID().uuidString)"

    static func start(
        faults: String = "none", rateLimit: Int = 100_000, seed: UInt64 = 7, configure: (inout SimulatorConfiguration) -> Void = { _ in }
    ) async throws -> SimulatorHarness {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.apiKeys = [key]
        configuration.rateLimitPerMinute = rateLimit
        configuration.faults = try FaultPlan(parsing: faults)
        configuration.seed = seed
        configuration.batchProcessingDelay = .milliseconds(5)
        configuration.slowResponseDelay = .milliseconds(300)
        configure(&configuration)
        return SimulatorHarness(simulator: try await Simulator.start(configuration))
    }

    func target(_ version: APIVersion, key: String = SimulatorHarness.key) -> UploadTarget {
        UploadTarget(baseURL: simulator.baseURL(for: version.rawValue), apiVersion: version, key: APIKey(key))
    }

    func stats() async throws -> SimulatorStats {
        try JSONDecoder().decode(SimulatorStats.self, from: Data(try await get("/__simulator/stats")))
    }

    /// Emails of the stored contacts.
    func storedEmails() async throws -> Set<String> {
        let text = String(decoding: try await get("/__simulator/contacts"), as: UTF8.self)
        var emails = Set<String>()
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            if let email = object["email"] as? String {
                emails.insert(email)
            } else if let identifiers = object["identifiers"] as? [[String: Any]] {
                for identifier in identifiers where identifier["type"] as? String == "email" {
                    if let id = identifier["id"] as? String { emails.insert(id) }
                }
            }
        }
        return emails
    }

    private func get(_ path: String) async throws -> [UInt8] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: simulator.rootURL + path), timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 64 << 20)
        return body.readBytes(length: body.readableBytes) ?? []
    }

    func stop() async { try? await simulator.stop() }
}

/// Options that keep tests fast.
func fastOptions() -> UploadOptions {
    var options = UploadOptions()
    options.pollInitialDelay = 0.02
    options.pollMaxDelay = 0.2
    options.retryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.02, maxDelay: 0.2, maxRateLimitWait: 30)
    options.settleGrace = 1
    options.requestTimeout = 2
    options.concurrency = 3
    options.rateLimitPerMinute = 100_000
    options.reconcileHorizon = 1
    options.outageLimit = 30
    return options
}

/// Collects log lines.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    var lines: [String] { lock.withLock { storage } }
    func append(_ line: String) { lock.withLock { storage.append(line) } }
}
