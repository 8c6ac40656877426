import ExportCore

/// A stream with its gzip layers removed and its first bytes sniffed.
struct PeeledStream {
    /// How many gzip layers deep the payload is nested before unwrapping gives up.
    static let maxGzipLayers = 3

    /// The payload, positioned at its first byte.
    var source: PeekableSource<AnyByteSource>
    /// How many gzip layers were removed.
    var gzipLayers: Int
    /// What the payload's first bytes look like (never `.gzip`).
    var sniffed: SniffedFormat

    /// `.gz` once per removed layer, for format names.
    var gzipSuffix: String { String(repeating: ".gz", count: gzipLayers) }

    /// Peels every gzip layer off `source`; `name` is what errors print.
    init(_ source: any ByteSource, name: String, limits: DecompressionLimits, budget: DecompressionBudget) throws {
        var current = PeekableSource(AnyByteSource(source))
        var layers = 0
        var format = SniffedFormat.sniff(try current.peek(SniffedFormat.prefixLength))
        while format == .gzip {
            layers += 1
            guard layers <= Self.maxGzipLayers else {
                throw ExportError(
                    .corruptInput,
                    "gzip nested more than \(Self.maxGzipLayers) layers deep (a recursive gzip?); not read",
                    path: name)
            }
            let gzip = try GzipSource(current, name: name, limits: limits, budget: budget)
            current = PeekableSource(AnyByteSource(gzip))
            format = SniffedFormat.sniff(try current.peek(SniffedFormat.prefixLength))
        }
        self.source = current
        self.gzipLayers = layers
        self.sniffed = format
    }
}
