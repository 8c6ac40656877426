import Foundation
import Hummingbird
import NIOCore

/// Starts local Omnisend simulators.
public enum Simulator {
    /// Opens the state, binds the address and starts the batch worker; returns once listening.
    /// Throws when the state cannot be opened or the address cannot be bound.
    public static func start(_ configuration: SimulatorConfiguration) async throws -> RunningSimulator {
        let store = try SimulatorStore(directory: configuration.stateDirectory)
        let router = Router(context: SimulatorRequestContext.self)
        let requestLog = RequestLog()
        SimulatorAPI(configuration: configuration, store: store, requestLog: requestLog).register(on: router)
        LedgerRoutes(store: store, requestLog: requestLog).register(on: router)

        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: configuration.logger)
        let serverTask = Task<Void, any Error> {
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await serverTask.value
            throw CancellationError()
        }
        let worker = BatchWorker(store: store, configuration: configuration)
        let workerTask = Task { await worker.run() }
        return RunningSimulator(
            host: configuration.host, port: port, keys: configuration.allKeys, serverTask: serverTask, workerTask: workerTask)
    }
}
