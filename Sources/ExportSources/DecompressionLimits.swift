/// Ceilings on decompressed output that no honest export reaches; a bomb stops the run.
///
/// Passing one throws `ExportError(.limitExceeded)` whose message names the pipeline setting
/// that raises it (`settingForEntry`, `settingForRun`, `settingForRatio`).
public struct DecompressionLimits: Sendable, Equatable {
    /// Most bytes one gzip stream or archive member may decompress to (default 8 GiB).
    public var maxBytesPerEntry: Int64
    /// Most decompressed bytes in the whole run, all inputs together (default 64 GiB).
    public var maxBytesPerRun: Int64
    /// Largest accepted ratio of decompressed to compressed bytes (default 1000, i.e. 1000:1).
    public var maxRatio: Int64
    /// The ratio is only checked once a stream has produced this many bytes (default 16 MiB),
    /// so tiny, highly repetitive files are never refused.
    public var ratioCheckAfterBytes: Int64

    /// The pipeline setting that raises `maxBytesPerEntry`.
    public static let settingForEntry = "limits.max_entry_bytes"
    /// The pipeline setting that raises `maxBytesPerRun`.
    public static let settingForRun = "limits.max_run_bytes"
    /// The pipeline setting that raises `maxRatio`.
    public static let settingForRatio = "limits.max_ratio"

    /// Creates limits; every argument defaults to the documented default.
    public init(
        maxBytesPerEntry: Int64 = 8 << 30, maxBytesPerRun: Int64 = 64 << 30, maxRatio: Int64 = 1000,
        ratioCheckAfterBytes: Int64 = 16 << 20
    ) {
        self.maxBytesPerEntry = maxBytesPerEntry
        self.maxBytesPerRun = maxBytesPerRun
        self.maxRatio = maxRatio
        self.ratioCheckAfterBytes = ratioCheckAfterBytes
    }
}
