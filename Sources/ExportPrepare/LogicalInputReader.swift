import ExportCore
import ExportFormats
import ExportSources
import ExportStages

/// The record reader for one logical input that `InputWalker.walk` hands out: a CSV reader with
/// the input's dialect and encoding, or an NDJSON reader, both bounded by the pipeline's field
/// limit. What `check` uses to open inputs exactly as `prepare` does.
struct LogicalInputReader: RecordReader {
    // Two optionals rather than an enum with payloads: mutating `csv!` works in place, where
    // taking a reader out of an enum case would copy its buffer on every row.
    private var csv: CSVReader<AnyByteSource>?
    private var ndjson: NDJSONReader<AnyByteSource>?

    /// Opens `source` (the payload of `logical`) as `input` says; `file` names it in origins.
    init(
        source: any ByteSource, logical: LogicalInput, input: ResolvedInput, file: String, limits: InputLimits
    ) {
        switch logical.format {
        case .csv:
            var options = input.csv
            options.maxFieldBytes = limits.maxFieldBytes
            options.maxRecordBytes = limits.maxRecordBytes
            csv = CSVReader(source: AnyByteSource(source), file: file, member: logical.member, options: options)
        case .ndjson:
            ndjson = NDJSONReader(
                source: AnyByteSource(source), file: file, member: logical.member, maxLineBytes: limits.maxFieldBytes)
        }
    }

    /// The CSV header (read now if needed); `nil` for NDJSON, whose rows each name their keys,
    /// and for an empty CSV input.
    mutating func readHeader() throws -> Header? {
        csv == nil ? nil : try csv!.readHeader()
    }

    mutating func next() throws -> ReadOutcome? {
        csv != nil ? try csv!.next() : try ndjson!.next()
    }
}

extension DecompressionLimits {
    /// The decompression ceilings a pipeline's `limits:` set.
    init(_ limits: InputLimits) {
        self.init(
            maxBytesPerEntry: limits.maxDecompressedBytesPerEntry, maxBytesPerRun: limits.maxDecompressedBytesPerRun,
            maxRatio: limits.maxCompressionRatio)
    }
}
