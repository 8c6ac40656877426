import OmnisendSimulator

/// The in-process simulator of the process tests: a free loopback port, one key, no rate limit,
/// batches processed within 5 ms, and the given faults.
enum TestSimulator {
    static func start(
        key: String, faults: String = "none", configure: (inout SimulatorConfiguration) -> Void = { _ in }
    ) async throws -> RunningSimulator {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.apiKeys = [key]
        configuration.rateLimitPerMinute = 0
        configuration.faults = try FaultPlan(parsing: faults)
        configuration.batchProcessingDelay = .milliseconds(5)
        configure(&configuration)
        return try await Simulator.start(configuration)
    }
}
