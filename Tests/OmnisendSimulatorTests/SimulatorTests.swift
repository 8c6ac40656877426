import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

@Suite("Simulator")
struct SimulatorTests {
    @Test func startsOnEphemeralPortAndProcessesABatch() async throws {
        let simulator = try await TestHTTP.start()
        #expect(simulator.port > 0)
        #expect(simulator.baseURL(for: "v3") == "http://127.0.0.1:\(simulator.port)/v3")
        #expect(simulator.baseURL(for: "2026-03-15") == "http://127.0.0.1:\(simulator.port)/api")
        let created = try await TestHTTP.send(
            .POST, simulator.baseURL(for: "v5") + "/batches", headers: TestHTTP.auth(.v5),
            body: TestHTTP.batch([TestHTTP.contact("a@example.com"), TestHTTP.contact("b@example.com")]))
        #expect(created.status == 200)
        let id = try #require(created.object["batchID"] as? String)
        #expect(created.object["totalCount"] as? Int == 2)
        let batch = try await TestHTTP.waitForBatch(simulator, .v5, id)
        #expect(batch["status"] as? String == "finished")
        #expect(batch["finishedCount"] as? Int == 2)
        let stats = try await TestHTTP.send(.GET, simulator.rootURL + "/__simulator/stats")
        #expect(stats.object["contactsStored"] as? Int == 2)
        try await simulator.stop()
    }

    @Test func stopsAndRestartsOnTheSameState() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try await TestHTTP.start { $0.stateDirectory = folder }
        let created = try await TestHTTP.send(
            .POST, first.baseURL(for: "v3") + "/batches", headers: TestHTTP.auth(.v3), body: TestHTTP.batch([TestHTTP.contact("x@example.com")]))
        let id = try #require(created.object["batchID"] as? String)
        _ = try await TestHTTP.waitForBatch(first, .v3, id)
        try await first.stop()

        let second = try await TestHTTP.start { $0.stateDirectory = folder }
        let batch = try await TestHTTP.send(.GET, second.baseURL(for: "v3") + "/batches/\(id)", headers: TestHTTP.auth(.v3))
        #expect(batch.status == 200)
        #expect(batch.object["status"] as? String == "finished")
        let contacts = try await TestHTTP.send(.GET, second.baseURL(for: "v3") + "/contacts?email=x@example.com", headers: TestHTTP.auth(.v3))
        #expect((contacts.object["contacts"] as? [Any])?.count == 1)
        try await second.stop()
    }
}
