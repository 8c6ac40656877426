import ArgumentParser

/// `omnisend-export prepare`: Read, validate, deduplicate and map segment exports into a run folder of chunk files.
struct PrepareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prepare", abstract: "Read, validate, deduplicate and map segment exports into a run folder of chunk files.")

    func run() async throws {
        throw ValidationError("'prepare' is not implemented yet")
    }
}
