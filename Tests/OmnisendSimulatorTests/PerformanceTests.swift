import AsyncHTTPClient
import Foundation
import Testing
@testable import OmnisendSimulator

/// Throughput with the rate limit off. The full million (1000 batches of 1000) runs when
/// `SIMULATOR_MILLION=1` is set; by default 100 batches of 1000 must take under a tenth of the
/// 60-second budget in a release build (`swift test -c release`), and under five times that in a
/// debug build, whose unoptimised Swift is several times slower (and the machine may be shared).
@Suite("Performance")
struct PerformanceTests {
    @Test func batchesOfAThousandUploadAndProcessFast() async throws {
        let million = ProcessInfo.processInfo.environment["SIMULATOR_MILLION"] == "1"
        let batches = million ? 1000 : 100
        let simulator = try await TestHTTP.start()
        defer { Task { try await simulator.stop() } }
        let clock = ContinuousClock()
        let start = clock.now
        let url = simulator.baseURL(for: "v3") + "/batches"
        var last = ""
        try await withThrowingTaskGroup(of: String.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var id = ""
                    for b in stride(from: worker, to: batches, by: 4) {
                        let items = (0..<1000).map { i in
                            TestHTTP.contact("user\(b * 1000 + i)@example.com", extra: #","firstName":"First","lastName":"Last","tags":["import"]"#)
                        }
                        let answer = try await TestHTTP.send(.POST, url, headers: TestHTTP.auth(.v3), body: TestHTTP.batch(items))
                        #expect(answer.status == 200)
                        id = answer.object["batchID"] as? String ?? ""
                    }
                    return id
                }
            }
            for try await id in group where id > last { last = id }
        }
        var stats = try await FaultInjectionHTTPTests.stats(simulator)
        while stats.itemsProcessed < batches * 1000 && clock.now - start < .seconds(120) {
            try await Task.sleep(for: .milliseconds(100))
            stats = try await FaultInjectionHTTPTests.stats(simulator)
        }
        let elapsed = clock.now - start
        #expect(stats.contactsStored == batches * 1000)
        #if DEBUG
        let budget = Duration.seconds(500) * (Double(batches) / 1000)
        #else
        let budget = Duration.seconds(60) * (Double(batches) / 1000)
        #endif
        #expect(elapsed < budget)
        print("Performance: \(batches) batches of 1000 stored and processed in \(elapsed)")
    }
}
