import ArgumentParser

/// `omnisend-export check`: Check a pipeline and its mapping against the inputs, and preview mapped contacts.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Check a pipeline and its mapping against the inputs, and preview mapped contacts.")

    func run() async throws {
        throw ValidationError("'check' is not implemented yet")
    }
}
