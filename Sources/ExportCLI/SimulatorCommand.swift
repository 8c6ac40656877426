import ArgumentParser
import Foundation
import OmnisendSimulator

/// `omnisend-export simulator`: Run a local Omnisend API simulator (faults included) for rehearsals and tests.
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Run a local Omnisend API simulator (faults included) for rehearsals and tests.",
        discussion: """
            Serves Omnisend's batch and contact routes under /v3, /v5 and /api (2026-03-15), with \
            the documented auth headers, error bodies, rate limit and asynchronous batches, plus \
            faults on demand. State lives in SQLite: in memory, or in DIR/simulator.sqlite with \
            --state so a restarted simulator carries on. The ledger for tests is at \
            /__simulator/stats (JSON) and /__simulator/contacts (NDJSON). Stop with Ctrl-C.

            Examples:
              omnisend-export simulator
              omnisend-export simulator --port 0 --state /tmp/sim --rate-limit 0
              omnisend-export simulator --faults 500:0.05,503:0.02,429:0.02,drop-before:0.01,drop-after:0.01,slow:0.05 --seed 7
              omnisend-export simulator --faults 'stopped@1,partial%3,429@10-30' --batch-delay 200
              omnisend-export simulator --api-key key-a --keys-file keys.txt --unknown-key-status 403

            Fault rules (comma-separated): KIND:P (probability P), KIND@N (N-th event), KIND@N-M \
            (events N..M, e.g. a 429 storm), KIND%N (every N-th event). Kinds: 500, 503, 408, 429, \
            drop-before, drop-after, slow, store-502, store-504 (stored, then a gateway error), \
            store-late (stored, listed only --store-late-seconds later, no answer) (per request); \
            stopped, partial (per accepted batch).
              omnisend-export simulator --faults 'store-502@1,store-late@3' --store-late-seconds 20

            Keys file: one key a line, `KEY [BRAND] [PERMISSIONS]`; # starts a comment. PERMISSIONS \
            is a comma-separated list of read and write (every resource; read,write by default) and \
            per-resource scopes contacts.read, contacts.write, batches.read, batches.write. As on \
            Omnisend, a batch also needs its endpoint's scope: POST /batches needs batches.write and \
            contacts.write. Example line: `ro-key shop-a contacts.read,batches.read`.
            """)

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind (0 picks a free port).")
    var port = 8089

    @Option(name: .customLong("state"), help: ArgumentHelp("Folder of the SQLite state (in memory when not given).", valueName: "DIR"))
    var stateDirectory: String?

    @Option(name: .customLong("api-key"), help: ArgumentHelp("A key of the brand 'default' with read and write permission; repeat for more (default: test-key).", valueName: "KEY"))
    var apiKeys: [String] = []

    @Option(name: .customLong("keys-file"), help: ArgumentHelp("File of keys with brands and permissions.", valueName: "FILE"))
    var keysFile: String?

    @Option(name: .customLong("rate-limit"), help: "Requests a minute per brand, sliding window (0 turns the limit off).")
    var rateLimit = 400

    @Option(help: ArgumentHelp("Faults to inject (see above).", valueName: "SPEC"))
    var faults = ""

    @Option(help: "Seed of the fault draws.")
    var seed: UInt64 = 1

    @Option(name: .customLong("batch-delay"), help: ArgumentHelp("Milliseconds a batch waits before it starts, and between slices.", valueName: "MS"))
    var batchDelay = 20

    @Option(name: .customLong("batch-slice"), help: ArgumentHelp("Items the worker processes per slice (one transaction).", valueName: "N"))
    var batchSlice = 1000

    @Option(name: .customLong("batch-created-status"), help: "Status of a successful POST /batches: 200, 201 or 202 (default: 200 on v3/v5, 201 on 2026-03-15).")
    var batchCreatedStatus: Int?

    @Option(name: .customLong("unknown-key-status"), help: "Status for an unknown key: 401 or 403.")
    var unknownKeyStatus = 401

    @Flag(name: .customLong("retry-after-header"), help: "Send a Retry-After header with 429 answers (Omnisend documents none).")
    var retryAfterHeader = false

    @Option(name: .customLong("max-body-bytes"), help: "Largest accepted request body (413 above it).")
    var maxBodyBytes = 1_000_000

    @Option(name: .customLong("stop-error-share"), help: "A batch stops once more than this share of its processed items failed.")
    var stopErrorShare = 0.5

    @Option(name: .customLong("partial-share"), help: "Share of items that fail in a batch hit by the 'partial' fault.")
    var partialShare = 0.25

    @Option(name: .customLong("slow-delay"), help: ArgumentHelp("Milliseconds a 'slow' fault delays the answer.", valueName: "MS"))
    var slowDelay = 2000

    @Option(name: .customLong("store-late-seconds"), help: ArgumentHelp("Seconds a batch stored by a 'store-late' fault stays out of GET /batches.", valueName: "S"))
    var storeLateSeconds = 5.0

    @Option(name: .customLong("fault-retry-after"), help: ArgumentHelp("Seconds a '429' fault asks the client to wait.", valueName: "S"))
    var faultRetryAfter = 60

    @Flag(name: .customLong("optional-version-header"), help: "Accept /api requests without an Omnisend-Version header.")
    var optionalVersionHeader = false

    func validate() throws {
        if let batchCreatedStatus, ![200, 201, 202].contains(batchCreatedStatus) {
            throw ValidationError("--batch-created-status must be 200, 201 or 202")
        }
        if ![401, 403].contains(unknownKeyStatus) { throw ValidationError("--unknown-key-status must be 401 or 403") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
        if rateLimit < 0 { throw ValidationError("--rate-limit must be 0 or more") }
        if batchDelay < 0 || slowDelay < 0 || faultRetryAfter < 0 || batchSlice < 1 || storeLateSeconds < 0 { throw ValidationError("delays must be >= 0 and --batch-slice >= 1") }
        do { _ = try FaultPlan(parsing: faults) } catch { throw ValidationError("--faults: \(error)") }
    }

    func makeConfiguration() throws -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.stateDirectory = stateDirectory
        if let keysFile {
            let text: String
            do { text = try String(contentsOfFile: keysFile, encoding: .utf8) } catch {
                throw ValidationError("\(keysFile): cannot read the keys file")
            }
            configuration.keys = try SimulatorKey.parseKeysFile(text, path: keysFile)
            configuration.apiKeys = apiKeys
        } else {
            configuration.apiKeys = apiKeys.isEmpty ? ["test-key"] : apiKeys
        }
        configuration.rateLimitPerMinute = rateLimit
        configuration.faults = try FaultPlan(parsing: faults)
        configuration.seed = seed
        configuration.batchProcessingDelay = .milliseconds(batchDelay)
        configuration.batchSliceSize = batchSlice
        configuration.batchCreatedStatus = batchCreatedStatus
        configuration.unknownKeyStatus = unknownKeyStatus
        configuration.retryAfterHeader = retryAfterHeader
        configuration.maxBodyBytes = maxBodyBytes
        configuration.stopErrorShare = stopErrorShare
        configuration.partialFailureShare = partialShare
        configuration.slowResponseDelay = .milliseconds(slowDelay)
        configuration.storeLateDelay = .milliseconds(Int(storeLateSeconds * 1000))
        configuration.faultRetryAfterSeconds = faultRetryAfter
        configuration.requireVersionHeader = !optionalVersionHeader
        return configuration
    }

    func run() async throws {
        let configuration = try makeConfiguration()
        let simulator = try await Simulator.start(configuration)
        print("Omnisend simulator listening on \(simulator.rootURL)")
        print("  v3:         \(simulator.baseURL(for: "v3"))   (X-API-KEY)")
        print("  v5:         \(simulator.baseURL(for: "v5"))   (X-API-KEY)")
        print("  2026-03-15: \(simulator.baseURL(for: "2026-03-15"))  (Authorization: Omnisend-API-Key KEY, Omnisend-Version: 2026-03-15)")
        for key in simulator.keys {
            print("  key: \(key.key)  brand: \(key.brand)  permissions: \(key.permissionText)")
        }
        print("  rate limit: \(configuration.rateLimitPerMinute == 0 ? "off" : "\(configuration.rateLimitPerMinute)/min per brand")"
            + "  faults: \(configuration.faults)  seed: \(configuration.seed)  state: \(configuration.stateDirectory ?? "in memory")")
        print("  ledger: \(simulator.rootURL)/__simulator/stats  \(simulator.rootURL)/__simulator/contacts")
        fflush(nil)
        let signal = await Self.waitForTerminationSignal()
        print("Received \(signal == SIGINT ? "SIGINT" : "SIGTERM"), stopping.")
        try await simulator.stop()
    }

    /// Waits for SIGINT or SIGTERM (their default actions are disabled meanwhile).
    static func waitForTerminationSignal() async -> Int32 {
        let box = SignalSources()
        return await withCheckedContinuation { continuation in
            box.start(signals: [SIGINT, SIGTERM]) { received in continuation.resume(returning: received) }
        }
    }
}

/// Keeps the dispatch signal sources alive and resumes once.
private final class SignalSources: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private var fired = false
    private let lock = NSLock()

    func start(signals: [Int32], onSignal: @escaping @Sendable (Int32) -> Void) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                let first = lock.withLock {
                    defer { fired = true }
                    return !fired
                }
                if first { onSignal(number) }
            }
            source.resume()
            sources.append(source)
        }
    }
}
