import ExportCore
import Testing

@testable import ExportSources

struct DecompressionBudgetTests {
    @Test func defaultsMatchTheDocumentedValues() {
        let limits = DecompressionLimits()
        #expect(limits.maxBytesPerEntry == 8 << 30)
        #expect(limits.maxBytesPerRun == 64 << 30)
        #expect(limits.maxRatio == 1000)
    }

    @Test func chargesUntilTheRunLimit() throws {
        let budget = DecompressionBudget()
        let limits = DecompressionLimits(maxBytesPerRun: 100)
        try budget.charge(60, limits: limits, name: "a.gz")
        try budget.charge(40, limits: limits, name: "b.gz")
        #expect(budget.bytes == 100)
        #expect(throws: ExportError.self) { try budget.charge(1, limits: limits, name: "c.gz") }
    }

    @Test func meterChecksRatioOnlyAfterTheGraceBytes() throws {
        let limits = DecompressionLimits(maxRatio: 10, ratioCheckAfterBytes: 1000)
        var meter = DecompressionMeter(limits: limits, budget: DecompressionBudget(), name: "x.gz")
        try meter.record(999, compressed: 1)
        #expect(throws: ExportError.self) { try meter.record(1, compressed: 1) }
        var stored = DecompressionMeter(limits: limits, budget: DecompressionBudget(), name: "x.tar")
        try stored.record(10_000, compressed: nil)
    }
}
