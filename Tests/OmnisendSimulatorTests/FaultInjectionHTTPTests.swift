import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

/// Each fault, as a client sees it over real HTTP, at its configured rate or schedule.
@Suite("Fault injection over HTTP")
struct FaultInjectionHTTPTests {
    @Test(arguments: [("500", 500), ("503", 503), ("408", 408), ("429", 429)])
    func statusFaultsAnswerWithoutProcessing(_ kind: String, _ status: Int) async throws {
        let simulator = try await TestHTTP.start { $0.faults = try! FaultPlan(parsing: "\(kind)@1") }
        defer { Task { try await simulator.stop() } }
        let url = simulator.baseURL(for: "v3") + "/batches"
        let faulted = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v3), body: TestHTTP.batch([TestHTTP.contact("f@example.com")]))
        #expect(faulted.status == status)
        #expect(faulted.object["error"] is String)
        let next = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v3), body: TestHTTP.batch([TestHTTP.contact("f@example.com")]))
        #expect(next.status == 200)
        let stats = try await Self.stats(simulator)
        #expect(stats.batchesReceived == 1)
        #expect(stats.requestsByStatus[String(status)] == 1)
    }

    @Test func statusFaultsHappenAtTheirRate() async throws {
        let simulator = try await TestHTTP.start {
            $0.faults = try! FaultPlan(parsing: "500:0.1,503:0.1,408:0.05")
            $0.seed = 3
        }
        defer { Task { try await simulator.stop() } }
        var counts: [Int: Int] = [:]
        for _ in 0..<400 {
            let answer = try await TestHTTP.send(.GET, simulator.baseURL(for: "v5") + "/contacts?limit=1", headers: TestHTTP.auth(.v5))
            counts[answer.status, default: 0] += 1
        }
        // Expected 40, 40, 20 of 400 (about 4 standard deviations of slack).
        #expect((16...64).contains(counts[500] ?? 0))
        #expect((16...64).contains(counts[503] ?? 0))
        #expect((4...38).contains(counts[408] ?? 0))
        #expect(counts.values.reduce(0, +) == 400)
        let stats = try await Self.stats(simulator)
        #expect(stats.requestsByStatus["500"] == counts[500])
    }

    @Test func sameSeedRepeatsTheSameFaults() async throws {
        var runs: [[Int]] = []
        for _ in 0..<2 {
            let simulator = try await TestHTTP.start {
                $0.faults = try! FaultPlan(parsing: "500:0.3")
                $0.seed = 11
            }
            var statuses: [Int] = []
            for _ in 0..<30 {
                statuses.append(try await TestHTTP.send(.GET, simulator.baseURL(for: "v3") + "/contacts", headers: TestHTTP.auth(.v3)).status)
            }
            runs.append(statuses)
            try await simulator.stop()
        }
        #expect(runs[0] == runs[1])
        #expect(runs[0].contains(500) && runs[0].contains(200))
    }

    @Test func stormOf429IsScheduled() async throws {
        let simulator = try await TestHTTP.start {
            $0.faults = try! FaultPlan(parsing: "429@3-6")
            $0.faultRetryAfterSeconds = 2
        }
        defer { Task { try await simulator.stop() } }
        var answers: [HTTPAnswer] = []
        for _ in 0..<8 {
            answers.append(try await TestHTTP.send(.GET, simulator.baseURL(for: "api") + "/contacts", headers: TestHTTP.auth(.v2026_03_15)))
        }
        #expect(answers.map(\.status) == [200, 200, 429, 429, 429, 429, 200, 200])
        #expect(answers[2].object["retryAfter"] as? Int == 2)
    }

    @Test func dropBeforeClosesTheConnectionAndStoresNothing() async throws {
        let simulator = try await TestHTTP.start { $0.faults = try! FaultPlan(parsing: "drop-before@1") }
        defer { Task { try await simulator.stop() } }
        await #expect(throws: (any Error).self) {
            _ = try await TestHTTP.send(.POST, simulator.baseURL(for: "v3") + "/batches", headers: TestHTTP.auth(.v3), body: TestHTTP.batch([TestHTTP.contact("d@example.com")]))
        }
        let stats = try await Self.stats(simulator)
        #expect(stats.batchesReceived == 0)
        #expect(stats.requestsByStatus["dropped"] == 1)
    }

    @Test func dropAfterClosesTheConnectionButTheBatchExists() async throws {
        let simulator = try await TestHTTP.start { $0.faults = try! FaultPlan(parsing: "drop-after@1") }
        defer { Task { try await simulator.stop() } }
        let base = simulator.baseURL(for: "v3")
        await #expect(throws: (any Error).self) {
            _ = try await TestHTTP.send(.POST, base + "/batches", headers: TestHTTP.auth(.v3), body: TestHTTP.batch([TestHTTP.contact("d@example.com")]))
        }
        let list = try await TestHTTP.send(.GET, base + "/batches?endpoint=contacts", headers: TestHTTP.auth(.v3))
        let batches = try #require(list.object["batches"] as? [[String: Any]])
        #expect(batches.count == 1)
        _ = try await TestHTTP.waitForBatch(simulator, .v3, try #require(batches.first?["batchID"] as? String))
        let stats = try await Self.stats(simulator)
        #expect(stats.contactsStored == 1)
        #expect(stats.requestsByStatus["dropped"] == 1)
    }

    @Test func dropsHappenAtTheirRate() async throws {
        let simulator = try await TestHTTP.start {
            $0.faults = try! FaultPlan(parsing: "drop-before:0.1,drop-after:0.1")
            $0.seed = 5
        }
        defer { Task { try await simulator.stop() } }
        var failures = 0
        for n in 0..<200 {
            do {
                _ = try await TestHTTP.send(.POST, simulator.baseURL(for: "v3") + "/contacts", headers: TestHTTP.auth(.v3), body: TestHTTP.contact("r\(n)@example.com"))
            } catch {
                failures += 1
            }
        }
        let stats = try await Self.stats(simulator)
        #expect(stats.requestsByStatus["dropped"] == failures)
        // Expected 40 of 200; drop-after requests were processed, drop-before ones were not.
        #expect((20...60).contains(failures))
        #expect(stats.contactsStored > 200 - failures && stats.contactsStored < 200)
    }

    @Test func slowDelaysTheAnswer() async throws {
        let simulator = try await TestHTTP.start {
            $0.faults = try! FaultPlan(parsing: "slow@1")
            $0.slowResponseDelay = .milliseconds(1500)
        }
        defer { Task { try await simulator.stop() } }
        let clock = ContinuousClock()
        let start = clock.now
        let slow = try await TestHTTP.send(.GET, simulator.baseURL(for: "v3") + "/contacts", headers: TestHTTP.auth(.v3))
        let slowTime = clock.now - start
        #expect(slow.status == 200)
        #expect(slowTime >= .milliseconds(1500))
        let fastStart = clock.now
        _ = try await TestHTTP.send(.GET, simulator.baseURL(for: "v3") + "/contacts", headers: TestHTTP.auth(.v3))
        #expect(clock.now - fastStart < .milliseconds(1500))
    }

    @Test func stoppedBatchEndsEarly() async throws {
        let simulator = try await TestHTTP.start {
            $0.faults = try! FaultPlan(parsing: "stopped@1")
            $0.batchSliceSize = 3
        }
        defer { Task { try await simulator.stop() } }
        let created = try await TestHTTP.send(
            .POST, simulator.baseURL(for: "v3") + "/batches", headers: TestHTTP.auth(.v3),
            body: TestHTTP.batch((0..<10).map { TestHTTP.contact("s\($0)@example.com") }))
        let batch = try await TestHTTP.waitForBatch(simulator, .v3, try #require(created.object["batchID"] as? String))
        #expect(batch["status"] as? String == "stopped")
        #expect(batch["finishedCount"] as? Int == 5)
        #expect(batch["endedAt"] is String)
        let stats = try await Self.stats(simulator)
        #expect(stats.batchesByStatus["stopped"] == 1)
        #expect(stats.contactsStored == 5)
    }

    @Test func tooManyItemErrorsStopTheBatch() async throws {
        let simulator = try await TestHTTP.start {
            $0.batchSliceSize = 10
            $0.stopMinimumItems = 10
        }
        defer { Task { try await simulator.stop() } }
        let created = try await TestHTTP.send(
            .POST, simulator.baseURL(for: "v3") + "/batches", headers: TestHTTP.auth(.v3),
            body: TestHTTP.batch((0..<30).map { _ in #"{"identifiers":[]}"# }))
        let batch = try await TestHTTP.waitForBatch(simulator, .v3, try #require(created.object["batchID"] as? String))
        #expect(batch["status"] as? String == "stopped")
        #expect(batch["finishedCount"] as? Int == 10)
        #expect(batch["errorsCount"] as? Int == 10)
    }

    @Test func partialBatchFailsAShareOfItems() async throws {
        let simulator = try await TestHTTP.start {
            $0.faults = try! FaultPlan(parsing: "partial%1")
            $0.partialFailureShare = 0.2
            $0.stopErrorShare = 1
        }
        defer { Task { try await simulator.stop() } }
        let created = try await TestHTTP.send(
            .POST, simulator.baseURL(for: "v3") + "/batches", headers: TestHTTP.auth(.v3),
            body: TestHTTP.batch((0..<500).map { TestHTTP.contact("q\($0)@example.com") }))
        let id = try #require(created.object["batchID"] as? String)
        let batch = try await TestHTTP.waitForBatch(simulator, .v3, id)
        #expect(batch["status"] as? String == "finished")
        let errors = try #require(batch["errorsCount"] as? Int)
        // Expected 100 of 500.
        #expect((65...135).contains(errors))
        let items = try await TestHTTP.send(.GET, simulator.baseURL(for: "v3") + "/batches/\(id)/items", headers: TestHTTP.auth(.v3))
        let failed = try #require(items.object["errors"] as? [[String: Any]])
        #expect(failed.count == errors)
        #expect(failed.allSatisfy { $0["responseCode"] as? Int == 500 })
        #expect(try await Self.stats(simulator).contactsStored == 500 - errors)
    }

    static func stats(_ simulator: RunningSimulator) async throws -> SimulatorStats {
        let answer = try await TestHTTP.send(.GET, simulator.rootURL + "/__simulator/stats")
        return try JSONDecoder().decode(SimulatorStats.self, from: Data(answer.body.utf8))
    }
}
