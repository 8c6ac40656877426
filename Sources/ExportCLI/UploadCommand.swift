import ArgumentParser

/// `omnisend-export upload`: Upload a prepared run folder's chunks to Omnisend, resuming where a previous upload stopped.
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upload", abstract: "Upload a prepared run folder's chunks to Omnisend, resuming where a previous upload stopped.")

    func run() async throws {
        throw ValidationError("'upload' is not implemented yet")
    }
}
