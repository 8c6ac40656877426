import ArgumentParser

/// `omnisend-export status`: Show where an upload stands, from the checkpoint alone.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show where an upload stands, from the checkpoint alone.")

    func run() async throws {
        throw ValidationError("'status' is not implemented yet")
    }
}
