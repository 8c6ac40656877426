import Testing
@testable import OmnisendSimulator

@Suite("FaultInjector")
struct FaultInjectorTests {
    @Test func sameSeedGivesSameFaults() throws {
        let plan = try FaultPlan(parsing: "500:0.1,503:0.1,slow:0.1")
        let a = FaultInjector(plan: plan, seed: 42)
        let b = FaultInjector(plan: plan, seed: 42)
        let first = (0..<500).map { _ in a.nextRequestFault() }
        let second = (0..<500).map { _ in b.nextRequestFault() }
        #expect(first == second)
        let other = FaultInjector(plan: plan, seed: 43)
        #expect((0..<500).map { _ in other.nextRequestFault() } != first)
    }

    @Test func ratesHoldWithinBounds() throws {
        let injector = FaultInjector(plan: try FaultPlan(parsing: "500:0.05,503:0.02,429:0.02,drop-before:0.01,drop-after:0.01,slow:0.05"), seed: 1)
        var counts: [FaultPlan.Kind: Int] = [:]
        for _ in 0..<20_000 {
            if let kind = injector.nextRequestFault() { counts[kind, default: 0] += 1 }
        }
        // Expected 1000, 400, 400, 200, 200, 1000 of 20000; allow about 4 standard deviations.
        #expect((870...1130).contains(counts[.status500] ?? 0))
        #expect((320...480).contains(counts[.status503] ?? 0))
        #expect((320...480).contains(counts[.status429] ?? 0))
        #expect((145...255).contains(counts[.dropBefore] ?? 0))
        #expect((145...255).contains(counts[.dropAfter] ?? 0))
        #expect((870...1130).contains(counts[.slow] ?? 0))
    }

    @Test func schedulesFireExactly() throws {
        let injector = FaultInjector(plan: try FaultPlan(parsing: "429@3-5,408%4,stopped@2"), seed: 9)
        let faults = (1...8).map { _ in injector.nextRequestFault() }
        #expect(faults == [nil, nil, .status429, .status429, .status429, nil, nil, .status408])
        #expect(injector.nextBatchFault() == nil)
        #expect(injector.nextBatchFault() == .stopped)
        #expect(injector.nextBatchFault() == nil)
    }
}
