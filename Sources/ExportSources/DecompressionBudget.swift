import ExportCore
import Foundation

/// The run-wide count of decompressed bytes, shared by every decompressing source of one run.
///
/// Thread-safe (a lock around one counter), so one budget may serve inputs read on several threads.
public final class DecompressionBudget: @unchecked Sendable {
    private let lock = NSLock()
    private var total: Int64 = 0

    /// Creates an empty budget (nothing decompressed yet).
    public init() {}

    /// Decompressed bytes charged so far.
    public var bytes: Int64 { lock.withLock { total } }

    /// Adds `count` bytes produced while reading `name`.
    /// - Throws: `ExportError(.limitExceeded)` once the run total passes `limits.maxBytesPerRun`.
    func charge(_ count: Int, limits: DecompressionLimits, name: String) throws {
        let after = lock.withLock {
            total += Int64(count)
            return total
        }
        guard after > limits.maxBytesPerRun else { return }
        throw ExportError(
            .limitExceeded,
            "the run decompressed more than \(limits.maxBytesPerRun) bytes in total (a decompression bomb?); "
                + "raise \(DecompressionLimits.settingForRun) in the pipeline if the inputs are genuine",
            path: name)
    }
}
