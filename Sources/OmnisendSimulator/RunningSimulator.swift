import Foundation

/// A simulator that is listening. Stop it with ``stop()``; its state stays in the state folder
/// (when one was given), so a new simulator on the same folder carries on.
public final class RunningSimulator: Sendable {
    /// The address it listens on.
    public let host: String
    /// The port it listens on (the chosen one when the configuration asked for 0).
    public let port: Int
    /// The accepted keys (their brands and permissions).
    public let keys: [SimulatorKey]
    private let serverTask: Task<Void, any Error>
    private let workerTask: Task<Void, Never>

    init(host: String, port: Int, keys: [SimulatorKey], serverTask: Task<Void, any Error>, workerTask: Task<Void, Never>) {
        self.host = host
        self.port = port
        self.keys = keys
        self.serverTask = serverTask
        self.workerTask = workerTask
    }

    /// `http://HOST:PORT`, without a version prefix (the ledger routes live under it).
    public var rootURL: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(shownHost):\(port)"
    }

    /// The base URL of a version, to which `/batches` or `/contacts` is appended:
    /// `…/v3` for `"v3"`, `…/v5` for `"v5"`, `…/api` for `"2026-03-15"` (or `"api"`).
    /// An unknown name gives `…/v5`.
    public func baseURL(for version: String) -> String {
        let resolved = SimulatorAPIVersion(name: version) ?? .v5
        return "\(rootURL)/\(resolved.pathPrefix)"
    }

    /// The base URL of a version.
    public func baseURL(for version: SimulatorAPIVersion) -> String {
        "\(rootURL)/\(version.pathPrefix)"
    }

    /// Stops the worker and the server and waits for both; open connections are closed.
    public func stop() async throws {
        workerTask.cancel()
        serverTask.cancel()
        await workerTask.value
        let result = await serverTask.result
        if case .failure(let error) = result, !(error is CancellationError) {
            throw error
        }
    }
}
