import Crypto
import ExportCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One `run` per pipeline and destination at a time: an exclusive `flock` on
/// `STATE_DIR/locks/run-<hash>.lock`, where the hash covers the pipeline file's resolved path and
/// the destination identity. The file names the holder (pid, start time, run folder); the kernel
/// drops the lock when the holder dies.
public final class PipelineRunLock: Sendable {
    private let file: HeldFileLock
    private let header: String

    /// Takes the lock without waiting.
    /// - Parameters:
    ///   - pipeline: the pipeline file as the user named it.
    ///   - destination: the destination identity, or `nil` for a rehearsal.
    /// - Throws: `UploadError.runInProgress` naming the holder; `ExportError.cannotCreate` when
    ///   the lock file cannot be opened.
    public init(state: StateDirectory, pipeline: String, destination: DestinationIdentity?) throws {
        let folder = try state.create("locks")
        let resolved = DestinationIdentity.absolute(pipeline)
        let identity = destination.map { "\($0.baseURL ?? "")|\($0.apiVersion)|\($0.keyFingerprint ?? "")" } ?? "rehearsal"
        let digest = SHA256.hash(data: Array("\(resolved)\n\(identity)".utf8)).map { String(format: "%02x", $0) }.joined()
        let path = "\(folder)/run-\(digest.prefix(24)).lock"
        let named = destination?.description ?? "the bundled simulator (rehearsal)"
        switch try HeldFileLock.attempt(path: path, what: "run lock") {
        case .busy(let holder):
            throw UploadError.runInProgress(pipeline: pipeline, destination: named, holder: holder.isEmpty ? "another process" : holder)
        case .held(let file):
            self.file = file
        }
        header = "process \(getpid()), started \(ISO8601DateFormatter().string(from: Date()))"
        file.describe(header)
    }

    /// Adds the run folder to the holder's description, once prepare has named it.
    public func note(runDirectory: String) {
        file.describe("\(header), run folder \(runDirectory)")
    }

    /// Releases the lock (also done when the object goes away or the process dies).
    public func release() { file.release() }
}
