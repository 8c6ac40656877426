import ExportCore
import ExportFormats
import ExportSources
import ExportStages

/// The first stage of the record path: reads every input in order (decompressing, parsing) and
/// maps each record, handing the results on in batches through a bounded queue, so that the
/// writing stage (dedupe, chunks, side files) runs on another core at the same time.
struct RowProducer: Sendable {
    let pipeline: Pipeline
    let inputs: [ResolvedInput]
    let mapper: ContactMapper

    /// Reads everything into `queue` (which the caller closes) and returns the inputs' identities
    /// and which mapped columns the rows had. Rows read before an error are pushed before it is
    /// rethrown.
    ///
    /// The consumer hands handled batches back through `returned`: they are emptied here, so that
    /// the rows' strings and arrays are freed by the thread that allocated them (a free from
    /// another thread takes the allocator's lock of this one; on ten million rows that contention
    /// cost seconds) and the batch's storage is reused.
    func run(into queue: BatchQueue<RowBatch>, returned: BatchQueue<RowBatch>) throws -> RecordRun.ReadSummary {
        let sink = BatchSink(queue: queue, returned: returned)
        let summary: RecordRun.ReadSummary
        do {
            summary = try readAll(into: sink)
        } catch {
            if !(error is BatchSink.Cancelled) { try? sink.flush() }
            throw error
        }
        try sink.flush()
        return summary
    }

    /// Reads every input in order: `sink` hears of each file or bundle member before its rows,
    /// then gets each row, mapped.
    private func readAll(into sink: BatchSink) throws -> RecordRun.ReadSummary {
        var identities: [RecordRun.InputIdentity] = []
        var presence = ColumnPresence(pipeline.mapping)
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
            var skipped: [String] = []
            do {
                container = try walk(
                    input, index: index, forced: forced, limits: limits, budget: budget, presence: &presence,
                    skipped: &skipped, into: sink)
            } catch {
                _ = try fingerprint.join()  // a hashing error comes first, as when hashing ran before reading
                throw error
            }
            let (bytes, sha256) = try fingerprint.join()
            let isBundle = container.hasPrefix("zip") || container.hasPrefix("tar")
            identities.append(RecordRun.InputIdentity(
                path: input.path, bytes: bytes, sha256: sha256, format: container,
                skippedMembers: isBundle ? skipped : nil))
        }
        return RecordRun.ReadSummary(identities: identities, presence: presence)
    }

    /// Reads one input (every member of a bundle) with the reader its format needs, and maps its
    /// rows through a `ByteMapping` when the mapping compiles to one (CSV rows straight from the
    /// parser's bytes), else through the `ContactMapper`.
    private func walk(
        _ input: ResolvedInput, index: Int, forced: ForcedFormat, limits: DecompressionLimits,
        budget: DecompressionBudget, presence: inout ColumnPresence, skipped: inout [String], into sink: BatchSink
    ) throws -> String {
        var bound: BoundMapping?
        func visit(_ outcome: ReadOutcome) throws {
            switch outcome {
            case .malformed(let rejection):
                try sink.emit(.malformed(rejection))
            case .record(let record):
                presence.observe(record)
                if bound?.header !== record.header { bound = mapper.plan.bind(record.header) }
                try sink.emit(.mapped(record.origin, mapper.map(record, bound: bound!)))
            }
        }
        return try InputWalker.walk(
            path: input.path, displayName: input.path, forced: forced, limits: limits, budget: budget,
            warn: { message in try? sink.emit(.warning(message)) }, members: input.members,
            skipped: { name, _ in skipped.append(name) }
        ) { logical, source in
            try sink.emit(.start(RecordRun.InputPosition(input: index, member: logical.member, memberFormat: logical.formatName)))
            switch logical.format {
            case .csv:
                var options = input.csv
                options.maxFieldBytes = pipeline.limits.maxFieldBytes
                options.maxRecordBytes = pipeline.limits.maxRecordBytes
                var reader = CSVReader(
                    source: AnyByteSource(source), file: input.path, member: logical.member, options: options)
                if let byteMapping = mapper.byteMapping {
                    try Self.map(&reader, with: byteMapping, presence: &presence, into: sink)
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
                            try sink.emit(.malformed(rejection))
                        case .record(let record):
                            presence.observe(record)
                            if bound?.header !== record.header { bound = mapper.plan.bind(record.header) }
                            if let outcome = byteMapping.pack(record, bound: bound!, scratch: &scratch, into: sink.arena) {
                                try sink.emit(outcome, origin: record.origin)
                            } else {
                                try sink.emit(.mapped(record.origin, mapper.map(record, bound: bound!)))
                            }
                        case .fields(let origin):
                            // A flat line with the previous line's keys: mapped on its bytes, no Record.
                            if let header = reader.header, columns?.header !== header {
                                columns = byteMapping.bind(header)
                                presence.observe(header)
                            }
                            let outcome = reader.withCurrentFields {
                                byteMapping.pack($0, columns: columns!, into: sink.arena)
                            }
                            try sink.emit(outcome, origin: origin)
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
        _ reader: inout CSVReader<AnyByteSource>, with byteMapping: ByteMapping, presence: inout ColumnPresence,
        into sink: BatchSink
    ) throws {
        var columns: ByteMapping.Columns?
        while let outcome = try reader.nextRaw() {
            switch outcome {
            case .malformed(let rejection):
                try sink.emit(.malformed(rejection))
            case .fields(let origin):
                if let header = reader.header, columns?.header !== header {
                    columns = byteMapping.bind(header)
                    presence.observe(header)
                }
                let outcome = reader.withCurrentFields { byteMapping.pack($0, columns: columns!, into: sink.arena) }
                try sink.emit(outcome, origin: origin)
            }
        }
    }
}

/// The reading stage's end of the queue: collects events into batches of `batchSize`, pushes
/// full ones, and reuses the batches the writing stage hands back.
final class BatchSink {
    /// Rows per batch: large enough that the queue's lock is cold, small enough to bound memory.
    static let batchSize = 4096

    /// Thrown when the consumer cancelled the queue.
    struct Cancelled: Error {}

    private let queue: BatchQueue<RowBatch>
    private let returned: BatchQueue<RowBatch>
    private var batch = RowBatch()

    init(queue: BatchQueue<RowBatch>, returned: BatchQueue<RowBatch>) {
        self.queue = queue
        self.returned = returned
        batch.events.reserveCapacity(Self.batchSize)
    }

    /// Where a packed contact goes: the arena of the batch its event will join.
    var arena: ByteArena { batch.arena }

    /// Adds `event` to the batch, pushing the batch when it is full.
    func emit(_ event: RowEvent) throws {
        batch.events.append(event)
        if batch.events.count == Self.batchSize { try flush() }
    }

    /// Adds what `ByteMapping.pack` made of the row at `origin`.
    func emit(_ outcome: ByteMapping.PackOutcome, origin: RecordOrigin) throws {
        switch outcome {
        case .packed(let contact): try emit(.packed(contact, line: origin.line, index: origin.index))
        case .mapped(let result): try emit(.mapped(origin, result))
        }
    }

    /// Pushes the batch (when it has rows) and starts the next, reusing a handed-back one.
    func flush() throws {
        guard !batch.events.isEmpty else { return }
        let full = batch
        if var reused = returned.poll() {
            reused.removeAll()
            batch = reused
        } else {
            batch = RowBatch()
            batch.events.reserveCapacity(Self.batchSize)
        }
        guard queue.push(full) else { throw Cancelled() }
    }
}
