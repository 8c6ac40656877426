import Hummingbird
import NIOCore

/// The request context of the simulator: Hummingbird's core context plus the connection's
/// channel, so a fault can close the connection without answering.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Bodies are capped by the simulator itself (``SimulatorConfiguration/maxBodyBytes``).
    var maxUploadSize: Int { 64 << 20 }
}
