import ExportCore
import ExportFormats
import ExportSources
import ExportStages

/// What the reading stage hands the writing stage, in input order.
enum RowEvent: Sendable {
    /// The rows that follow belong to this file or bundle member.
    case start(RecordRun.InputPosition)
    /// An input or member was skipped (the text names it).
    case warning(String)
    /// A row the reader could not parse.
    case malformed(Rejection)
    /// A parsed row and what the mapper made of it.
    case mapped(RecordOrigin, MappingResult)
}

/// The first stage of the record path: reads every input in order (decompressing, parsing) and
/// maps each record, handing the results on in batches through a bounded queue, so that the
/// writing stage (dedupe, chunks, side files) runs on another core at the same time.
struct RowProducer: Sendable {
    let pipeline: Pipeline
    let inputs: [ResolvedInput]
    let mapper: ContactMapper

    /// Rows per batch: large enough that the queue's lock is cold, small enough to bound memory.
    static let batchSize = 4096

    /// Thrown inside the producer when the consumer cancelled the queue.
    private struct Cancelled: Error {}

    /// Reads everything into `queue` (which the caller closes) and returns the inputs' identities.
    /// Rows read before an error are pushed before it is rethrown.
    ///
    /// The consumer hands handled batches back through `returned`: they are emptied here, so that
    /// the rows' strings and arrays are freed by the thread that allocated them (a free from
    /// another thread takes the allocator's lock of this one; on ten million rows that contention
    /// cost seconds) and the batch's storage is reused.
    func run(into queue: BatchQueue<[RowEvent]>, returned: BatchQueue<[RowEvent]>) throws -> [RecordRun.InputIdentity] {
        var batch: [RowEvent] = []
        batch.reserveCapacity(Self.batchSize)
        func flush() throws {
            guard !batch.isEmpty else { return }
            let full = batch
            if var reused = returned.poll() {
                reused.removeAll(keepingCapacity: true)
                batch = reused
            } else {
                batch = []
                batch.reserveCapacity(Self.batchSize)
            }
            guard queue.push(full) else { throw Cancelled() }
        }
        func emit(_ event: RowEvent) throws {
            batch.append(event)
            if batch.count == Self.batchSize { try flush() }
        }
        let identities: [RecordRun.InputIdentity]
        do {
            identities = try readAll(
                warn: { message in try? emit(.warning(message)) },
                start: { position in try emit(.start(position)) },
                emit: emit)
        } catch {
            if !(error is Cancelled) { try? flush() }
            throw error
        }
        try flush()
        return identities
    }

    /// Reads every input in order: `start` hears of each file or bundle member before its rows,
    /// and `emit` gets each row, mapped.
    private func readAll(
        warn: (String) -> Void, start: (RecordRun.InputPosition) throws -> Void,
        emit: (RowEvent) throws -> Void
    ) throws -> [RecordRun.InputIdentity] {
        var identities: [RecordRun.InputIdentity] = []
        let budget = DecompressionBudget()
        let limits = DecompressionLimits(
            maxBytesPerEntry: pipeline.limits.maxDecompressedBytesPerEntry,
            maxBytesPerRun: pipeline.limits.maxDecompressedBytesPerRun,
            maxRatio: pipeline.limits.maxCompressionRatio)
        for (index, input) in inputs.enumerated() {
            // The input's SHA-256 is a second, independent read: it runs on its own thread.
            let path = input.path
            let fingerprint = WorkerThread(name: "prepare-hash") { try FileHasher.fingerprint(path) }
            let forced = ForcedFormat(rawValue: input.format) ?? .auto
            let container: String
            do {
                container = try walk(input, index: index, forced: forced, limits: limits, budget: budget,
                    warn: warn, start: start, emit: emit)
            } catch {
                _ = try fingerprint.join()  // a hashing error comes first, as when hashing ran before reading
                throw error
            }
            let (bytes, sha256) = try fingerprint.join()
            identities.append(RecordRun.InputIdentity(path: input.path, bytes: bytes, sha256: sha256, format: container))
        }
        return identities
    }

    /// Reads one input (every member of a bundle) with the reader its format needs, and maps its
    /// rows through a `ByteMapping` when the mapping compiles to one (CSV rows straight from the
    /// parser's bytes), else through the `ContactMapper`.
    private func walk(
        _ input: ResolvedInput, index: Int, forced: ForcedFormat, limits: DecompressionLimits,
        budget: DecompressionBudget, warn: (String) -> Void, start: (RecordRun.InputPosition) throws -> Void,
        emit: (RowEvent) throws -> Void
    ) throws -> String {
        var bound: BoundMapping?
        func visit(_ outcome: ReadOutcome) throws {
            switch outcome {
            case .malformed(let rejection):
                try emit(.malformed(rejection))
            case .record(let record):
                if bound?.header !== record.header { bound = mapper.plan.bind(record.header) }
                try emit(.mapped(record.origin, mapper.map(record, bound: bound!)))
            }
        }
        return try InputWalker.walk(
            path: input.path, displayName: input.path, forced: forced, limits: limits, budget: budget, warn: warn
        ) { logical, source in
            try start(RecordRun.InputPosition(input: index, member: logical.member, memberFormat: logical.formatName))
            switch logical.format {
            case .csv:
                var options = input.csv
                options.maxFieldBytes = pipeline.limits.maxFieldBytes
                options.maxRecordBytes = pipeline.limits.maxRecordBytes
                var reader = CSVReader(
                    source: AnyByteSource(source), file: input.path, member: logical.member, options: options)
                if let byteMapping = mapper.byteMapping {
                    try Self.map(&reader, with: byteMapping, emit: emit)
                } else {
                    while let outcome = try reader.next() { try visit(outcome) }
                }
            case .ndjson:
                var reader = NDJSONReader(
                    source: AnyByteSource(source), file: input.path, member: logical.member,
                    maxLineBytes: pipeline.limits.maxFieldBytes)
                if let byteMapping = mapper.byteMapping {
                    var scratch = ByteMapping.Scratch()
                    var columns: ByteMapping.Columns?
                    while let outcome = try reader.nextRaw() {
                        switch outcome {
                        case .malformed(let rejection):
                            try emit(.malformed(rejection))
                        case .record(let record):
                            if bound?.header !== record.header { bound = mapper.plan.bind(record.header) }
                            let result = byteMapping.map(record, bound: bound!, scratch: &scratch)
                                ?? mapper.map(record, bound: bound!)
                            try emit(.mapped(record.origin, result))
                        case .fields(let origin):
                            // A flat line with the previous line's keys: mapped on its bytes, no Record.
                            if let header = reader.header, columns?.header !== header { columns = byteMapping.bind(header) }
                            try emit(.mapped(origin, reader.withCurrentFields {
                                byteMapping.map($0, columns: columns!, scratch: &scratch)
                            }))
                        }
                    }
                } else {
                    while let outcome = try reader.next() { try visit(outcome) }
                }
            }
        }
    }

    /// Reads and maps every row of `reader` on its bytes (no `Record` is built).
    private static func map(
        _ reader: inout CSVReader<AnyByteSource>, with byteMapping: ByteMapping, emit: (RowEvent) throws -> Void
    ) throws {
        var columns: ByteMapping.Columns?
        var scratch = ByteMapping.Scratch()
        while let outcome = try reader.nextRaw() {
            switch outcome {
            case .malformed(let rejection):
                try emit(.malformed(rejection))
            case .fields(let origin):
                if let header = reader.header, columns?.header !== header { columns = byteMapping.bind(header) }
                let result = reader.withCurrentFields { byteMapping.map($0, columns: columns!, scratch: &scratch) }
                try emit(.mapped(origin, result))
            }
        }
    }
}
