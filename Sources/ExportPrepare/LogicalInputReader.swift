import ExportCore
import ExportFormats
import ExportPipeline
import ExportSources

/// The record reader for one logical input that `InputWalker.walk` hands out: a CSV reader with
/// the input's dialect and encoding, or an NDJSON reader, both bounded by the pipeline's field
/// limit. The one input opener of `prepare`, `run` and `check`.
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

    /// What `nextRaw()` found: a row that cannot be a record, a parsed record, or a row whose
    /// fields `withCurrentFields(_:)` now lends out as bytes.
    enum RawOutcome {
        case malformed(Rejection)
        case record(Record)
        case fields(RecordOrigin)
    }

    /// The next row, lent as bytes when the reader can (every CSV row, NDJSON lines with scalar
    /// values, read by key), else as a record.
    mutating func nextRaw() throws -> RawOutcome? {
        if csv != nil {
            switch try csv!.nextRaw() {
            case nil: return nil
            case .malformed(let rejection)?: return .malformed(rejection)
            case .fields(let origin)?: return .fields(origin)
            }
        }
        switch try ndjson!.nextRaw() {
        case nil: return nil
        case .malformed(let rejection)?: return .malformed(rejection)
        case .record(let record)?: return .record(record)
        case .fields(let origin)?: return .fields(origin)
        }
    }

    /// The names of the fields `withCurrentFields(_:)` lends (for NDJSON, every key read so far).
    var header: Header? { csv != nil ? csv!.header : ndjson!.fieldsHeader }

    /// Calls `body` with the fields of the row `nextRaw()` last returned as `.fields`.
    func withCurrentFields<R>(_ body: (RawFields) throws -> R) rethrows -> R {
        csv != nil ? try csv!.withCurrentFields(body) : try ndjson!.withCurrentFields(body)
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
