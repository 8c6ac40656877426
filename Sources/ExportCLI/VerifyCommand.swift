import ArgumentParser

/// `omnisend-export verify`: Read uploaded contacts back from Omnisend and report those that differ from what was sent.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Read uploaded contacts back from Omnisend and report those that differ from what was sent.")

    func run() async throws {
        throw ValidationError("'verify' is not implemented yet")
    }
}
