/// Ceilings on input that protect memory and disk: field and record size, decompression (bomb).
public struct InputLimits: Sendable, Equatable {
    /// Largest CSV field or NDJSON line, in bytes, before the row is rejected (default 1 MiB).
    public var maxFieldBytes: Int
    /// Largest CSV record (all its fields), in bytes, before the row is rejected (default 16 MiB;
    /// never below `maxFieldBytes`).
    public var maxRecordBytes: Int
    /// Most bytes one gzip stream or archive member may decompress to (default 8 GiB).
    public var maxDecompressedBytesPerEntry: Int64
    /// Most decompressed bytes in the whole run (default 64 GiB).
    public var maxDecompressedBytesPerRun: Int64
    /// Largest accepted decompressed:compressed ratio (default 1000).
    public var maxCompressionRatio: Int64

    /// Creates limits; the defaults match `DecompressionLimits` of ExportSources.
    public init(
        maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 16 << 20, maxDecompressedBytesPerEntry: Int64 = 8 << 30,
        maxDecompressedBytesPerRun: Int64 = 64 << 30, maxCompressionRatio: Int64 = 1000
    ) {
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
        self.maxDecompressedBytesPerEntry = maxDecompressedBytesPerEntry
        self.maxDecompressedBytesPerRun = maxDecompressedBytesPerRun
        self.maxCompressionRatio = maxCompressionRatio
    }
}
