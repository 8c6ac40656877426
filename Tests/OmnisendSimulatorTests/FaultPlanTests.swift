import Testing
@testable import OmnisendSimulator

@Suite("FaultPlan")
struct FaultPlanTests {
    @Test func parsesRatesAndSchedules() throws {
        let plan = try FaultPlan(parsing: "500:0.05, 503:0.02,429@10-30,stopped@2,partial%3,drop-after:0.01")
        #expect(plan.rules == [
            .init(kind: .status500, trigger: .probability(0.05)),
            .init(kind: .status503, trigger: .probability(0.02)),
            .init(kind: .status429, trigger: .events(10...30)),
            .init(kind: .stopped, trigger: .events(2...2)),
            .init(kind: .partial, trigger: .every(3)),
            .init(kind: .dropAfter, trigger: .probability(0.01)),
        ])
        #expect(try FaultPlan(parsing: plan.description) == plan)
    }

    @Test func emptyAndNoneMeanNoFaults() throws {
        #expect(try FaultPlan(parsing: "") == .none)
        #expect(try FaultPlan(parsing: "none") == .none)
        #expect(FaultPlan.none.description == "none")
    }

    @Test(arguments: ["418:0.1", "500", "500:2", "500@0", "500@5-3", "slow%0", "500:0.6,503:0.6", "500:x"])
    func rejectsBadRules(_ spec: String) {
        #expect(throws: FaultPlanError.self) { try FaultPlan(parsing: spec) }
    }
}
