import Foundation

/// Why an upload stopped before finishing every chunk.
public enum StopReason: String, Sendable, Codable {
    /// SIGINT (Ctrl-C).
    case interrupted
    /// SIGTERM.
    case terminated
    /// `--max-duration` reached.
    case deadline
    /// Omnisend stayed unreachable or rate limited for too long.
    case unreachable
    /// The API key was refused (401/403).
    case keyRejected = "key_rejected"
    /// An error stopped the run (a changed file, an unwritable checkpoint).
    case error
}

/// A thread-safe, first-reason-wins stop flag shared by the signal handlers and the workers.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: StopReason?
    private var storedMessage: String?

    /// A flag not yet raised.
    public init() {}

    /// Raises the flag (the first reason is kept).
    public func request(_ reason: StopReason, message: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        if stored == nil {
            stored = reason
            storedMessage = message
        }
    }

    /// The reason, once raised.
    public var reason: StopReason? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    /// The message given with the reason.
    public var message: String? {
        lock.lock()
        defer { lock.unlock() }
        return storedMessage
    }

    /// Whether the flag is raised.
    public var isRaised: Bool { reason != nil }
}
