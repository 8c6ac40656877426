import ArgumentParser

/// The destination options of every command that talks to Omnisend (`upload`, `run`,
/// `check --destination`, `verify`, `state rebuild`): another base URL, and the share of the
/// brand's rate budget this machine may spend.
struct DestinationFlags: ParsableArguments {
    @Option(help: "Use this base URL instead of the pipeline's destination (e.g. http://127.0.0.1:8089/v5).")
    var baseURL: String?

    @Option(help: "Share of the brand's rate limit to use, shared with the uploads and reads of the same destination on this machine (other integrations take the rest).")
    var rateShare: Double = 0.8

    @Option(help: "The brand's requests a minute, until Omnisend's X-Rate-Limit-Limit header says otherwise (0: no limit, for a simulator without one).")
    var rateLimit: Int = 400

    func validate() throws {
        guard rateShare > 0, rateShare <= 1 else { throw ValidationError("--rate-share: expected a number above 0 and at most 1") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit: expected 0 or more requests a minute") }
    }
}
