import ArgumentParser

/// `omnisend-export run`: Prepare, then upload, in one command.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Prepare, then upload, in one command.")

    func run() async throws {
        throw ValidationError("'run' is not implemented yet")
    }
}
