import ArgumentParser

/// `omnisend-export inspect`: Look inside a run folder: chunks, one contact's path, rejects and failures.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Look inside a run folder: chunks, one contact's path, rejects and failures.")

    func run() async throws {
        throw ValidationError("'inspect' is not implemented yet")
    }
}
