import ExportChunks
import ExportContactRules
import ExportCore
import ExportPipeline
import ExportRunFolder
import ExportRuntime
import Foundation

/// One execution of the record path over every input: read → map (validates the email) →
/// dedupe → chunk, with every row accounted for.
///
/// Two stages on two threads: a `RowProducer` reads, parses and maps on a worker thread, and
/// hands batches of results through a bounded `BoundedQueue` to this thread, which deduplicates
/// and writes. Rows keep their input order, so the output is the same as a serial run's.
///
/// Policy `first` needs one pass. Policies `last` and `newest` need to know the winner of each
/// email before the first contact is written (chunks are numbered in input order): the one
/// reading pass finds the winners while it spills its events to a temporary file in the run
/// folder (`EventSpill`), and the writing stage then replays that file, so each input is read,
/// inflated, parsed, mapped and hashed once.
struct RecordRun {
    let pipeline: Pipeline
    let runDirectory: String
    let runDate: String
    let log: (String) -> Void
    /// The destination state to diff against (`sync:`); `nil` without one.
    var syncPlan: SyncPlan? = nil

    init(pipeline: Pipeline, runDirectory: String, runDate: String, log: @escaping (String) -> Void) {
        self.pipeline = pipeline
        self.runDirectory = runDirectory
        self.runDate = runDate
        self.log = log
    }

    /// Reads everything, writes the run folder and returns the manifest it wrote.
    mutating func execute(inputs: [ResolvedInput], pipelineBytes: [UInt8]) throws -> RunManifest {
        let program = MappingProgram(plan: pipeline.mapping, apiVersion: pipeline.destination.apiVersion, runDate: runDate)
        // The diff must own the state snapshot alone: a second owner would make its first change
        // copy it (tens of megabytes for a million contacts).
        let plan = syncPlan
        syncPlan = nil
        switch pipeline.dedupe {
        case .first:
            return try write(inputs: inputs, winners: nil, spill: nil, syncPlan: consume plan, pipelineBytes: pipelineBytes) { prepare, handle in
                try stream(inputs: inputs, program: program, prepare: prepare, handle: handle)
            }
        case .last, .newest:
            // One reading pass finds the winners and spills its events; the writing stage replays them.
            let spill = try EventSpill(runDirectory: runDirectory)
            defer { spill.remove() }
            let (winners, summary) = try findWinners(inputs: inputs, program: program, spill: spill)
            try spill.finishWriting()
            return try write(inputs: inputs, winners: winners, spill: spill, syncPlan: consume plan, pipelineBytes: pipelineBytes) { _, handle in
                try spill.replay(handle)
                return summary
            }
        }
    }

    // MARK: - The reading pass of policies `last` and `newest`

    /// The deduper after the reading pass (it knows each email's winning row) and the origin of every row,
    /// indexed by the row's sequence number, so a duplicate can name a winner that comes later.
    struct Winners {
        var deduper: EmailDeduper
        var origins = OriginTable()
    }

    /// Reads every input once: offers each contact to the deduper and writes every event to `spill`.
    private func findWinners(
        inputs: [ResolvedInput], program: MappingProgram, spill: EventSpill
    ) throws -> (Winners, ReadSummary) {
        var winners = Winners(deduper: EmailDeduper(policy: pipeline.dedupe, expectedCount: Self.expectedRows(inputs)))
        var sequence = 0
        var current = RecordOrigin(file: "", line: 0, index: 0)
        let summary = try stream(
            inputs: inputs, program: program, prepare: { winners.deduper.prefetch(keys: $0.contactKeys(in: $1)) }
        ) { event, arena in
            try spill.append(event, arena: arena)
            switch event {
            case .start(let position):
                current = RecordOrigin(file: inputs[position.input].path, member: position.member, line: 0, index: 0)
                return
            case .warning:
                return
            case .malformed(let rejection):
                _ = winners.origins.append(rejection.origin)
            case .mapped(let origin, let result):
                _ = winners.origins.append(origin)
                if case .contact(let contact) = result {
                    winners.deduper.offer(key: contact.key, row: sequence, date: contact.dedupeDate)
                }
            case .packed(let contact, let line, let index):
                current.line = line
                current.index = index
                _ = winners.origins.append(current)
                winners.deduper.offer(key: contact.key, row: sequence, sortableDate: contact.sortableDate)
            }
            sequence += 1
        }
        return (winners, summary)
    }

    // MARK: - The writing pass

    /// Writes the run folder from the events `read` hands out in input order (each run of events
    /// announced to its `prepare` first, see `stream`), and removes `spill` before the manifest.
    private func write(
        inputs: [ResolvedInput], winners: Winners?, spill: EventSpill?, syncPlan: consuming SyncPlan?, pipelineBytes: [UInt8],
        read: (_ prepare: (RowBatch, Range<Int>) -> Void, _ handle: (RowEvent, ByteArena) throws -> Void) throws
            -> ReadSummary
    ) throws -> RunManifest {
        // Hashing and writing the chunks and side files runs on a third thread.
        let io = FileWorkQueue(name: "prepare-write")
        defer { io.close() }
        var chunkWriter = ChunkWriter(
            runDirectory: runDirectory, maxItems: pipeline.maxItemsPerChunk, maxBytes: pipeline.maxBytesPerChunk, io: io)
        var rejects = try SideFileWriter(runDirectory: runDirectory, name: RunFolderLayout.rejects, io: io)
        var duplicates = try SideFileWriter(runDirectory: runDirectory, name: RunFolderLayout.duplicates, io: io)
        var contacts = try SideFileWriter(runDirectory: runDirectory, name: RunFolderLayout.contacts, io: io)
        var warnings = try SideFileWriter(runDirectory: runDirectory, name: RunFolderLayout.warnings, io: io)
        var sync = try (consume syncPlan).map {
            try SyncDiff(
                plan: $0, mapping: pipeline.mapping, apiVersion: pipeline.destination.apiVersion, pipelineName: pipeline.name,
                runDirectory: runDirectory, io: io)
        }
        var deduper = EmailDeduper(expectedCount: Self.expectedRows(inputs))
        var keptOrigins = OriginTable()
        var tally = Tally()
        var progress = ProgressTicker(log: log)
        var fill = FillCounter()
        if sync?.incremental == true { tally.showUnchanged() }

        func reject(_ rejection: Rejection) throws {
            try rejects.reject(rejection)
            if let email = rejection.email { sync?.markSeen(rawEmail: email) }
            tally.count(\.rejected)
            tally.rejectReasons[rejection.reason, default: 0] += 1
        }

        var sequence = -1
        // If an input turns out unusable half way, say what became of the rows read before the
        // damage: they are accounted for even though no manifest is written.
        var completed = false
        defer {
            if !completed && tally.total.rows > 0 {
                let c = tally.total
                log("before stopping: rows \(c.rows) = kept \(c.kept) + rejected \(c.rejected) + duplicates \(c.duplicates) + filtered \(c.filtered); no manifest was written, so this run folder is not complete")
            }
        }
        /// Dedupes one contact and writes it to a chunk (or a duplicate to its side file).
        func keep(
            origin: RecordOrigin, key: EmailKey, email: UnsafeBufferPointer<UInt8>, item: UnsafeBufferPointer<UInt8>,
            sortableDate: Int64? = nil
        ) throws {
            guard chunkWriter.fitsAlone(item.count) else {
                return try reject(Rejection(
                    origin: origin, reason: "contact_too_large",
                    detail: "the contact is \(item.count) bytes, over the chunk limit of \(pipeline.maxBytesPerChunk)",
                    email: String(decoding: email, as: UTF8.self)))
            }
            if let winners {
                // Two-pass policies: pass 1 chose the winner of every email.
                let winner = winners.deduper.winner(of: key)!
                if winner != sequence {
                    let kept = winners.origins[winner]
                    let because: SideFileWriter.KeptBecause
                    if case .newest = pipeline.dedupe {
                        because = .newest(
                            date: sortableDate.map(DedupeDateText.iso),
                            keptDate: winners.deduper.winnerDate(of: key).map(DedupeDateText.iso))
                    } else {
                        because = .last
                    }
                    try duplicates.duplicate(
                        origin: origin, email: email, keptInput: kept.input, keptLine: kept.line, because: because)
                    return tally.count(\.duplicates)
                }
            } else if let keptSlot = deduper.firstSeen(key: key, row: keptOrigins.count) {
                let kept = keptOrigins[keptSlot]
                try duplicates.duplicate(origin: origin, email: email, keptInput: kept.input, keptLine: kept.line)
                return tally.count(\.duplicates)
            } else {
                _ = keptOrigins.append(origin)
            }
            // Incremental sync: a contact whose payload the destination state holds is not sent.
            switch try sync?.decide(email: email, item: item, origin: origin) {
            case .unchanged?:
                tally.count(\.kept)
                return tally.countUnchanged()
            case .reject(let reason, let detail)?:
                return try reject(Rejection(origin: origin, reason: reason, detail: detail, email: String(decoding: email, as: UTF8.self)))
            case .send?, nil:
                break
            }
            fill.count(item)
            let (chunk, position) = try chunkWriter.append(item)
            try contacts.contact(email: email, chunk: chunk, item: position, origin: origin)
            tally.count(\.kept)
        }

        // The origin of packed rows: the current input's, with each row's line and index.
        var current = RecordOrigin(file: "", line: 0, index: 0)
        let summary = try read({ if winners == nil { deduper.prefetch(keys: $0.contactKeys(in: $1)) } }) { event, arena in
            switch event {
            case .start(let position):
                current = RecordOrigin(file: inputs[position.input].path, member: position.member, line: 0, index: 0)
                return tally.begin(position)
            case .warning(let message):
                log("warning: " + message)
                tally.warnings["input_skipped", default: 0] += 1
                return
            case .malformed(let rejection):
                sequence += 1
                tally.count(\.rows)
                progress.tick(rows: tally.total.rows)
                return try reject(rejection)
            case .packed(let contact, let line, let index):
                sequence += 1
                tally.count(\.rows)
                progress.tick(rows: tally.total.rows)
                current.line = line
                current.index = index
                return try keep(
                    origin: current, key: contact.key, email: arena.bytes(contact.emailRange),
                    item: arena.bytes(contact.itemRange), sortableDate: contact.sortableDate)
            case .mapped(let origin, let result):
                sequence += 1
                tally.count(\.rows)
                progress.tick(rows: tally.total.rows)
                switch result {
                case .rejected(let reason, let detail, let email):
                    return try reject(Rejection(origin: origin, reason: reason, detail: detail, email: email))
                case .filtered:
                    return tally.count(\.filtered)
                case .contact(let contact):
                    for warning in contact.warnings {
                        tally.warnings[warning.code, default: 0] += 1
                        try warnings.warning(origin: origin, field: warning.field, code: warning.code, email: contact.email)
                    }
                    var email = contact.email
                    try email.withUTF8 { email in
                        try contact.json.withUnsafeBufferPointer { item in
                            try keep(
                                origin: origin, key: contact.key, email: email, item: item,
                                sortableDate: contact.dedupeDate.flatMap(SortableDate.parse))
                        }
                    }
                }
            }
        }

        guard tally.total.isBalanced else {
            throw ExportError(.internal, "row accounting does not balance: \(tally.total)")
        }
        let leavers = try sync.map { try SyncRun.writeLeavers($0, chunkWriter: &chunkWriter, runDirectory: runDirectory, io: io, log: log) }
        let chunks = try chunkWriter.finish()
        var files = [try rejects.commit(), try duplicates.commit(), try contacts.commit(), try warnings.commit()]
        if let leavers { files += try [sync!.unchangedFile.commit(), leavers.file] }
        // The side files stay for inspection; without a manifest nothing uploads this folder.
        try RunChecks.requireMappedKeys(summary.presence, counts: tally.total, runDirectory: runDirectory)
        try RunChecks.requireLimits(
            pipeline.runLimits, counts: tally.total, rejectReasons: tally.rejectReasons, runDirectory: runDirectory)
        try AtomicFileWriter.write(pipelineBytes, to: runDirectory + "/" + RunFolderLayout.pipelineCopy)
        let pipelineHash = FileHasher.sha256(pipelineBytes)
        let mappingFingerprint: RunManifest.FileFingerprint
        if let mappingPath = pipeline.mappingPath {
            mappingFingerprint = .init(path: mappingPath, sha256: FileHasher.sha256(try PrepareJob.readFile(mappingPath)))
        } else {
            mappingFingerprint = .init(path: pipeline.path, sha256: pipelineHash)
        }
        let manifest = RunManifest(
            pipeline: .init(path: pipeline.path, sha256: pipelineHash),
            mapping: mappingFingerprint,
            destination: pipeline.destination,
            inputs: tally.inputEntries(summary.identities),
            counts: tally.total,
            rejectReasons: tally.rejectReasons,
            warnings: tally.warnings,
            chunks: chunks,
            files: files,
            fillCounts: fill.fields,
            sync: sync.map { SyncRun.record($0, mapping: pipeline.mapping, leavers: leavers?.count ?? 0) })
        spill?.remove()
        try ManifestFile.write(manifest, runDirectory: runDirectory)
        completed = true
        try FileSystem.syncDirectory(runDirectory + "/" + RunFolderLayout.chunksDirectory)
        try FileSystem.syncDirectory(runDirectory)
        return manifest
    }

    /// A guess at how many rows `inputs` hold, to size the dedupe table once instead of
    /// doubling it all along: about 256 bytes a row (the benchmark's CSV has 192), compressed
    /// files counted three times their size (the benchmark's NDJSON.gz inflates 4.2 times: better
    /// a guess too low, which costs one resize, than a table twice too large).
    static func expectedRows(_ inputs: [ResolvedInput]) -> Int {
        var bytes = 0
        for input in inputs {
            let size = (try? FileManager.default.attributesOfItem(atPath: input.path)[.size] as? Int) ?? nil
            let lower = input.path.lowercased()
            let compressed = [".gz", ".tgz", ".zip"].contains { lower.hasSuffix($0) }
            bytes += (size ?? 0) * (compressed ? 3 : 1)
        }
        return bytes / 256
    }

    // MARK: - Reading

    /// What one input file is, for the manifest.
    struct InputIdentity {
        var path: String
        var bytes: Int
        var sha256: String
        var format: String
        /// Bundle members skipped by name (`nil` for a plain file).
        var skippedMembers: [String]? = nil
    }

    /// What the reading stage reports at its end: each input, and which mapped columns the rows had.
    struct ReadSummary {
        var identities: [InputIdentity]
        var presence: ColumnPresence
    }

    /// Where the current row comes from: the input's position in the run and the member.
    struct InputPosition {
        var input: Int
        var member: String?
        var memberFormat: String
    }

    /// Runs the reading stage (`RowProducer`) on its own thread and hands each event, in input
    /// order, with its batch's arena, to `handle` on this thread, each run of `prefetchRun`
    /// events announced to `prepare` first (so that their dedupe slots load in parallel and stay
    /// cached), then hands each handled batch back to the reading thread, which frees its rows
    /// (see `RowProducer.run`). An error on either side stops both; the reader's rows that came
    /// before its error are handled first.
    /// Events announced to `prepare` at a time: enough loads in flight, few enough that their
    /// cache lines are still there when the events are handled.
    private static let prefetchRun = 32

    @discardableResult
    private func stream(
        inputs: [ResolvedInput], program: MappingProgram, prepare: (RowBatch, Range<Int>) -> Void,
        handle: (RowEvent, ByteArena) throws -> Void
    ) throws -> ReadSummary {
        let queue = BoundedQueue<RowBatch>(capacity: 4)
        let returned = BoundedQueue<RowBatch>(capacity: 4)
        let producer = RowProducer(pipeline: pipeline, inputs: inputs, program: program)
        let reader = WorkerThread(name: "prepare-read") {
            defer { queue.close() }
            return try producer.run(into: queue, returned: returned)
        }
        do {
            while let batch = queue.pop() {
                var start = 0
                while start < batch.events.count {
                    let run = start..<min(start + Self.prefetchRun, batch.events.count)
                    prepare(batch, run)
                    for index in run { try handle(batch.events[index], batch.arena) }
                    start = run.upperBound
                }
                _ = returned.offer(consume batch)  // when the reader is behind, freed here instead
            }
        } catch {
            queue.cancel()
            _ = try? reader.join()
            throw error
        }
        return try reader.join()
    }
}
