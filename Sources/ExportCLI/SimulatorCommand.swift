import ArgumentParser

/// `omnisend-export simulator`: Run a local Omnisend API simulator (faults included) for rehearsals and tests.
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulator", abstract: "Run a local Omnisend API simulator (faults included) for rehearsals and tests.")

    func run() async throws {
        throw ValidationError("'simulator' is not implemented yet")
    }
}
