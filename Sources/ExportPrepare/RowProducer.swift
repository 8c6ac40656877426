import ExportCore
import ExportFormats
import ExportPipeline
import ExportRuntime
import ExportSources

/// The first stage of the record path: reads every input in order (decompressing, parsing) and
/// maps each record, handing the results on in batches through a bounded queue, so that the
/// writing stage (dedupe, chunks, side files) runs on another core at the same time.
struct RowProducer: Sendable {
    let pipeline: Pipeline
    let inputs: [ResolvedInput]
    let program: MappingProgram

    /// Reads everything into `queue` (which the caller closes) and returns the inputs' identities
    /// and which mapped columns the rows had. Rows read before an error are pushed before it is
    /// rethrown.
    ///
    /// The consumer hands handled batches back through `returned`: they are emptied here, so that
    /// the rows' strings and arrays are freed by the thread that allocated them (a free from
    /// another thread takes the allocator's lock of this one; on ten million rows that contention
    /// cost seconds) and the batch's storage is reused.
    func run(into queue: BoundedQueue<RowBatch>, returned: BoundedQueue<RowBatch>) throws -> RecordRun.ReadSummary {
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
            let forced = input.format
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
    /// rows through the `MappingProgram`: CSV rows and flat NDJSON lines straight from the
    /// parser's bytes, NDJSON lines with nested values from their `Record`.
    private func walk(
        _ input: ResolvedInput, index: Int, forced: InputFormat, limits: DecompressionLimits,
        budget: DecompressionBudget, presence: inout ColumnPresence, skipped: inout [String], into sink: BatchSink
    ) throws -> String {
        try InputWalker.walk(
            path: input.path, displayName: input.path, forced: forced, limits: limits, budget: budget,
            warn: { message in try? sink.emit(.warning(message)) }, members: input.members,
            skipped: { name, _ in skipped.append(name) }
        ) { logical, source in
            try sink.emit(.start(RecordRun.InputPosition(input: index, member: logical.member, memberFormat: logical.formatName)))
            var reader = LogicalInputReader(
                source: source, logical: logical, input: input, file: input.path, limits: pipeline.limits)
            try Self.map(&reader, with: program, presence: &presence, into: sink)
        }
    }

    /// Reads and maps every row of `reader`, on its bytes when the reader lends them (no `Record`
    /// is built), else from the record it parsed.
    static func map(
        _ reader: inout LogicalInputReader, with program: MappingProgram, presence: inout ColumnPresence,
        into sink: BatchSink
    ) throws {
        var columns: MappingProgram.Columns?
        var bound: BoundMapping?
        var scratch = MappingProgram.Scratch()
        while let outcome = try reader.nextRaw() {
            switch outcome {
            case .malformed(let rejection):
                try sink.emit(.malformed(rejection))
            case .record(let record):
                presence.observe(record)
                if bound?.header !== record.header { bound = program.plan.bind(record.header) }
                try sink.emit(
                    program.pack(record, bound: bound!, scratch: &scratch, into: sink.arena), origin: record.origin)
            case .fields(let origin):
                if let header = reader.header, columns?.header !== header {
                    columns = program.bind(header)
                    presence.observe(header)
                }
                let outcome = reader.withCurrentFields {
                    program.pack($0, columns: columns!, origin: origin, into: sink.arena)
                }
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

    private let queue: BoundedQueue<RowBatch>
    private let returned: BoundedQueue<RowBatch>
    private var batch = RowBatch()

    init(queue: BoundedQueue<RowBatch>, returned: BoundedQueue<RowBatch>) {
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

    /// Adds what `MappingProgram.pack` made of the row at `origin`.
    func emit(_ outcome: MappingProgram.PackOutcome, origin: RecordOrigin) throws {
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
