import Foundation

/// Decides, event by event, which fault of a ``FaultPlan`` fires. Thread-safe and seeded, so the
/// same plan and seed give the same sequence of faults for the same sequence of events.
final class FaultInjector: @unchecked Sendable {
    private let plan: FaultPlan
    private let lock = NSLock()
    private var requestGenerator: SeededGenerator
    private var batchGenerator: SeededGenerator
    private var requestCount = 0
    private var batchCount = 0

    init(plan: FaultPlan, seed: UInt64) {
        self.plan = plan
        requestGenerator = SeededGenerator(seed: seed)
        batchGenerator = SeededGenerator(seed: seed ^ 0x5EED_BA7C_0000_0001)
    }

    /// The fault for the next API request, if any.
    func nextRequestFault() -> FaultPlan.Kind? {
        lock.withLock {
            requestCount += 1
            return Self.decide(plan.rules.filter { !$0.kind.isBatchFault }, index: requestCount, generator: &requestGenerator)
        }
    }

    /// The fault for the next accepted batch, if any.
    func nextBatchFault() -> FaultPlan.Kind? {
        lock.withLock {
            batchCount += 1
            return Self.decide(plan.rules.filter { $0.kind.isBatchFault }, index: batchCount, generator: &batchGenerator)
        }
    }

    private static func decide(_ rules: [FaultPlan.Rule], index: Int, generator: inout SeededGenerator) -> FaultPlan.Kind? {
        if rules.isEmpty { return nil }
        for rule in rules {
            switch rule.trigger {
            case .events(let range) where range.contains(index): return rule.kind
            case .every(let n) where index % n == 0: return rule.kind
            default: continue
            }
        }
        let draw = generator.nextUnit()
        var cumulative = 0.0
        for rule in rules {
            guard case .probability(let p) = rule.trigger else { continue }
            cumulative += p
            if draw < cumulative { return rule.kind }
        }
        return nil
    }
}
