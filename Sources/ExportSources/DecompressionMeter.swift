import ExportCore

/// Checks one decompressing stream against the per-entry and ratio limits and charges the run budget.
struct DecompressionMeter {
    let limits: DecompressionLimits
    let budget: DecompressionBudget
    /// What errors print: the file, or `file:member`.
    let name: String
    /// Bytes produced so far by this stream.
    private(set) var produced: Int64 = 0

    init(limits: DecompressionLimits, budget: DecompressionBudget, name: String) {
        self.limits = limits
        self.budget = budget
        self.name = name
    }

    /// Records `count` more output bytes; `compressed` is the input consumed so far, or nil
    /// when the stream is not compressed (no ratio check).
    mutating func record(_ count: Int, compressed: Int64?) throws {
        guard count > 0 else { return }
        produced += Int64(count)
        if produced > limits.maxBytesPerEntry {
            throw ExportError(
                .limitExceeded,
                "decompressed more than \(limits.maxBytesPerEntry) bytes from one stream (a decompression bomb?); "
                    + "raise \(DecompressionLimits.settingForEntry) in the pipeline if the input is genuine",
                path: name)
        }
        if let compressed, produced >= limits.ratioCheckAfterBytes,
            produced / max(compressed, 1) > limits.maxRatio
        {
            throw ExportError(
                .limitExceeded,
                "compression ratio above \(limits.maxRatio):1 (\(produced) bytes from \(compressed); "
                    + "a decompression bomb?); raise \(DecompressionLimits.settingForRatio) in the pipeline "
                    + "if the input is genuine",
                path: name)
        }
        try budget.charge(count, limits: limits, name: name)
    }
}
