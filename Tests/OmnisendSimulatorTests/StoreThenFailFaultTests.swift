import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

/// The faults that store a batch and then hide that from the client: a gateway's 502/504 after
/// the store, and `store-late` (no answer, and the batch listed only later).
@Suite("Store-then-fail faults over HTTP")
struct StoreThenFailFaultTests {
    private static func stats(_ simulator: RunningSimulator) async throws -> SimulatorStats {
        let answer = try await TestHTTP.send(.GET, simulator.rootURL + "/__simulator/stats")
        return try JSONDecoder().decode(SimulatorStats.self, from: Data(answer.body.utf8))
    }

    private static func listed(_ simulator: RunningSimulator) async throws -> [[String: Any]] {
        let list = try await TestHTTP.send(.GET, simulator.baseURL(for: "v5") + "/batches?endpoint=contacts", headers: TestHTTP.auth(.v5))
        return try #require(list.object["batches"] as? [[String: Any]])
    }

    @Test(arguments: [("store-502", 502), ("store-504", 504)])
    func aGatewayErrorFollowsAStoredBatch(_ kind: String, _ status: Int) async throws {
        let simulator = try await TestHTTP.start { $0.faults = try! FaultPlan(parsing: "\(kind)@1") }
        defer { Task { try await simulator.stop() } }
        let answer = try await TestHTTP.send(
            .POST, simulator.baseURL(for: "v5") + "/batches", headers: TestHTTP.auth(.v5), body: TestHTTP.batch([TestHTTP.contact("g@example.com")]))
        #expect(answer.status == status)
        #expect(answer.object["error"] is String)
        let batches = try await Self.listed(simulator)
        #expect(batches.count == 1)
        _ = try await TestHTTP.waitForBatch(simulator, .v5, try #require(batches.first?["batchID"] as? String))
        let stats = try await Self.stats(simulator)
        #expect(stats.contactsStored == 1 && stats.batchesReceived == 1)
        #expect(stats.requestsByStatus[String(status)] == 1)
    }

    @Test func aLateBatchIsStoredButListedOnlyAfterTheDelay() async throws {
        let simulator = try await TestHTTP.start {
            $0.faults = try! FaultPlan(parsing: "store-late@1")
            $0.storeLateDelay = .seconds(4)
        }
        defer { Task { try await simulator.stop() } }
        let posted = Date()
        await #expect(throws: (any Error).self) {
            _ = try await TestHTTP.send(
                .POST, simulator.baseURL(for: "v5") + "/batches", headers: TestHTTP.auth(.v5), body: TestHTTP.batch([TestHTTP.contact("l@example.com")]))
        }
        // (A loaded machine may take longer than the delay to get here; then it may be listed.)
        let early = try await Self.listed(simulator)
        #expect(early.isEmpty || Date().timeIntervalSince(posted) >= 4)
        // Stored (and processed) all along; only the list hides it.
        var stats = try await Self.stats(simulator)
        #expect(stats.batchesReceived == 1 && stats.requestsByStatus["dropped"] == 1)
        while try await Self.listed(simulator).isEmpty {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(Date().timeIntervalSince(posted) >= 3.9)
        stats = try await Self.stats(simulator)
        #expect(stats.contactsStored == 1)
    }

    @Test func theNewKindsParseAndPrintBack() throws {
        let plan = try FaultPlan(parsing: "store-502@1,store-504%3,store-late:0.1")
        #expect(plan.rules.map(\.kind) == [.store502, .store504, .storeLate])
        #expect(try FaultPlan(parsing: plan.description) == plan)
        #expect(!FaultPlan.Kind.storeLate.isBatchFault)
    }
}

@Suite("Work signal")
struct WorkSignalTests {
    @Test func aRingBeforeTheWaitIsNotLost() async {
        let signal = WorkSignal()
        signal.ring()
        await signal.wait()
    }

    @Test func theWaiterSleepsUntilARing() async throws {
        let signal = WorkSignal()
        let woke = Task { () -> Date in
            await signal.wait()
            return Date()
        }
        try await Task.sleep(for: .milliseconds(200))
        let rung = Date()
        signal.ring()
        #expect(await woke.value >= rung)
    }

    @Test func cancellingTheWaiterEndsTheWait() async throws {
        let signal = WorkSignal()
        let waiter = Task { await signal.wait() }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await waiter.value
    }
}
