import ExportCore
import ExportUpload
import Foundation

/// Reads uploaded contacts back and reports those whose stored fields differ from what was sent:
/// Omnisend silently ignores some writes (an older status date, an identifier owned by another
/// contact), and people edit contacts in Omnisend.
///
/// Two ways to read, one comparison:
/// - `list`: one pass over the destination's contacts (`GET /contacts`, 250 a page, at the rate
///   share): 4,000 requests for a million contacts, whatever their number in the run;
/// - `lookup`: one `GET /contacts?email=` per contact, cheaper for a small `--sample`.
/// Stored contacts found are spooled to disk, then compared with the sent items chunk by chunk.
/// The read resumes after a stop: its progress and spool stay in the run folder
/// (``VerifyProgress``) until the comparison is done.
public struct ContactVerifier: Sendable {
    /// How the stored contacts are read.
    public enum ReadMethod: String, Sendable, CaseIterable {
        /// `list` for the whole run or a large sample, `lookup` when fewer lookups than pages.
        case auto
        /// One pass over `GET /contacts` pages.
        case list
        /// One `GET /contacts?email=` per contact.
        case lookup
    }

    /// One contact that differs, or is missing.
    public struct Difference: Sendable, Equatable {
        public var email: String
        public var chunk: Int
        public var item: Int
        /// The fields that differ, with both values; empty when `missing`.
        public var fields: [FieldDifference]
        /// Whether Omnisend holds no contact with this email.
        public var missing: Bool
        /// The item as sent (its JSON text in the chunk), for `--repair`.
        public var sentItem: String
    }

    /// The result.
    public struct Result: Sendable, Equatable {
        /// Contacts checked.
        public var checked = 0
        /// Contacts that differ or are missing.
        public var differing = 0
        /// Of those, contacts missing.
        public var missing = 0
        /// Contacts with a dated status that Omnisend kept because it had a later decision (the
        /// date rule at work, not a difference; statuses sent to be kept, dated 1970, not counted).
        public var keptByDateRule = 0
        /// The read used.
        public var method = ReadMethod.list
        /// Requests sent to the destination.
        public var requests = 0
        /// Stored contacts read (list) or found (lookup).
        public var storedRead = 0
        /// Whether this verify continued a stopped one (requests and contacts read count every session).
        public var resumed = false
    }

    let runDirectory: String
    let target: UploadTarget
    let network: NetworkSettings
    let settings: ContactPageReader.Settings

    /// Creates a verifier; `network` is the proxy and CA bundle of its HTTP client, `settings`
    /// the paging and rate share of its reads.
    public init(
        runDirectory: String, target: UploadTarget, network: NetworkSettings = .direct, settings: ContactPageReader.Settings = .init()
    ) {
        self.runDirectory = runDirectory
        self.target = target
        self.network = network
        self.settings = settings
    }

    /// Checks `sample` accepted contacts (all when `nil`), spread evenly over the run, calling
    /// `onDifference` for each one that differs, in run order.
    ///
    /// Continues a stopped verify of the same candidates, destination and method from its saved
    /// progress (saying so through `note`) unless `restart`; a finished one deletes its progress
    /// and spool. In a run folder it cannot write, the spool goes to the temporary folder and
    /// nothing is resumable.
    /// - Throws: `ExportError(.notReady)` when another verify of the run folder is running;
    ///   what the reader throws (the progress then stays for the next run).
    public func verify(
        sample: Int?, method: ReadMethod = .auto, restart: Bool = false, onDifference: (Difference) throws -> Void = { _ in },
        note: (String) -> Void = { _ in }
    ) async throws -> Result {
        let store = try CheckpointStore(runDirectory: runDirectory)
        let candidates = try VerifyCandidates(store: store, sample: sample)
        var result = Result(checked: candidates.count)
        guard candidates.count > 0 else { return result }
        result.method = Self.choose(method, candidates: candidates.count, runContacts: candidates.runContacts, pageSize: settings.pageSize)
        let lock = try lockRunFolder()
        defer { lock?.release() }
        let progressPath = VerifyProgress.path(runDirectory: runDirectory)
        var progress = VerifyProgress(target: target, method: result.method, candidates: candidates)
        var spool: StoredContactSpool?
        if lock == nil {
            // The run folder is read-only: a spool in the temporary folder, not resumable.
            spool = try StoredContactSpool(path: NSTemporaryDirectory() + ".verify-spool-\(getpid())", candidates: candidates.count)
        } else if restart {
            VerifyProgress.remove(runDirectory: runDirectory)
        } else if let saved = VerifyProgress.read(path: progressPath) {
            if progress.continues(saved) {
                do {
                    spool = try StoredContactSpool(
                        path: VerifyProgress.spoolPath(runDirectory: runDirectory), candidates: candidates.count, resumingAt: saved.spoolBytes)
                    progress = saved
                    result.resumed = true
                    note(
                        "verify: continuing a stopped verify after \(saved.requests) request(s), \(saved.storedRead) stored contact(s) read "
                            + "(\(progressPath); --restart starts over)")
                } catch {
                    note("verify: the stopped verify's spool cannot be read back (\(error)); starting over")
                }
            } else {
                note("verify: the saved progress (\(progressPath)) is of another verify (destination, --read, --sample or the run changed); starting over")
            }
        }
        let resumable = lock != nil
        let activeSpool = try spool ?? StoredContactSpool(path: VerifyProgress.spoolPath(runDirectory: runDirectory), candidates: candidates.count)
        defer { if !resumable { activeSpool.remove() } }
        if !progress.readDone {
            try await read(candidates: candidates, method: result.method, spool: activeSpool, progress: &progress) { progress in
                if resumable {
                    progress.spoolBytes = try activeSpool.sync()
                    try progress.write(path: progressPath)
                }
            }
        }
        result.requests = progress.requests
        result.storedRead = progress.storedRead
        try compare(candidates: candidates, spool: activeSpool, into: &result, onDifference: onDifference)
        activeSpool.remove()
        if resumable { VerifyProgress.remove(runDirectory: runDirectory) }
        return result
    }

    /// The saved progress of a stopped verify of `runDirectory`, if any: requests sent, stored
    /// contacts read, and the progress file.
    public static func savedProgress(runDirectory: String) -> (requests: Int, storedRead: Int, path: String)? {
        let path = VerifyProgress.path(runDirectory: runDirectory)
        return VerifyProgress.read(path: path).map { ($0.requests, $0.storedRead, path) }
    }

    /// Takes the run folder's verify lock; nil when the folder is read-only.
    /// - Throws: `ExportError(.notReady)` naming the holder when another verify holds it.
    private func lockRunFolder() throws -> HeldFileLock? {
        let path = VerifyProgress.lockPath(runDirectory: runDirectory)
        let attempt: HeldFileLock.Attempt
        do { attempt = try HeldFileLock.attempt(path: path, what: "verify lock") } catch { return nil }
        switch attempt {
        case .held(let lock):
            lock.describe("verify, pid \(getpid())")
            return lock
        case .busy(let holder):
            throw ExportError(.notReady, "another verify of this run folder is running (\(holder.isEmpty ? "unknown" : holder)); wait for it", path: path)
        }
    }

    /// Reads the stored contacts of `candidates` into `spool`, from where `progress` stands,
    /// calling `save` with the progress after each page (list) or lookup.
    private func read(
        candidates: VerifyCandidates, method: ReadMethod, spool: StoredContactSpool, progress: inout VerifyProgress,
        save: (inout VerifyProgress) throws -> Void
    ) async throws {
        let client = OmnisendClient(baseURL: target.baseURL, apiVersion: target.apiVersion, key: target.key, network: network)
        let reader = ContactPageReader(client: client, settings: settings)
        let before = progress.requests
        do {
            switch method {
            case .list, .auto:
                let table = try candidates.emailTable(runDirectory: runDirectory)
                var current = progress
                try await reader.read(from: progress.nextQuery) { contacts, nextQuery in
                    for contact in contacts {
                        guard let email = ContactItem.email(of: contact),
                            let candidate = table[email.hashValue] ?? table[EmailNormalizer.normalize(email).hashValue]
                        else { continue }
                        try spool.keep(Int(candidate), contact: contact)
                    }
                    current.pages += 1
                    current.storedRead += contacts.count
                    current.requests = before + (await reader.requestsSent())
                    current.nextQuery = nextQuery
                    current.readDone = nextQuery == nil
                    try save(&current)
                }
                progress = current
            case .lookup:
                var wanted: [(candidate: Int, email: String)] = []
                try candidates.forEachEmail(runDirectory: runDirectory) { wanted.append(($0, $1)) }
                // Saved every 50 lookups or 2 seconds, and when a lookup fails for good.
                var lastSave = (candidate: progress.nextCandidate, at: Date())
                do {
                    for (candidate, email) in wanted where candidate >= progress.nextCandidate {
                        if let contact = try await reader.lookup(email: email).first {
                            try spool.keep(candidate, contact: contact)
                            progress.storedRead += 1
                        }
                        progress.nextCandidate = candidate + 1
                        progress.requests = before + (await reader.requestsSent())
                        if progress.nextCandidate - lastSave.candidate >= 50 || Date().timeIntervalSince(lastSave.at) >= 2 {
                            try save(&progress)
                            lastSave = (progress.nextCandidate, Date())
                        }
                    }
                } catch {
                    progress.requests = before + (await reader.requestsSent())
                    try? save(&progress)
                    throw error
                }
                progress.readDone = true
                try save(&progress)
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// `list` unless asked otherwise or, for `auto`, when looking each (sampled) contact up takes
    /// fewer requests than the pages of the whole run (the destination holds at least the run).
    static func choose(_ method: ReadMethod, candidates: Int, runContacts: Int, pageSize: Int) -> ReadMethod {
        guard method == .auto else { return method }
        let size = max(1, min(ContactPaging.maxPageSize, pageSize))
        let pages = (runContacts + size - 1) / size
        return candidates < pages ? .lookup : .list
    }

    /// Compares each candidate's sent item with its spooled stored contact, chunk by chunk.
    private func compare(
        candidates: VerifyCandidates, spool: StoredContactSpool, into result: inout Result, onDifference: (Difference) throws -> Void
    ) throws {
        for group in candidates.byChunk() {
            guard let record = candidates.records[group.chunk] else { continue }
            let texts = try ChunkFile(runDirectory: runDirectory, file: record.file, sha256: record.sha256).itemTexts()
            for entry in group.entries where entry.item < texts.count {
                let text = texts[entry.item]
                guard let sent = FastJSON.object(Array(text.utf8)), let email = ChunkFile.email(ofItem: sent) else { continue }
                var difference = Difference(email: email, chunk: group.chunk, item: entry.item, fields: [], missing: false, sentItem: text)
                let stored = try spool.storedText(entry.candidate).flatMap { FastJSON.object($0) }
                if let stored, ChunkFile.email(ofItem: stored) == email || EmailNormalizer.normalize(ChunkFile.email(ofItem: stored) ?? "") == email {
                    if ContactComparison.statusesKeptByDateRule(sent: sent, stored: stored, email: email) { result.keptByDateRule += 1 }
                    let storedEmail = ChunkFile.email(ofItem: stored) ?? email
                    difference.fields = ContactComparison.differences(sent: sent, stored: Self.aligned(stored, email: storedEmail, to: email), email: email)
                    if difference.fields.isEmpty { continue }
                } else {
                    difference.missing = true
                    result.missing += 1
                }
                result.differing += 1
                try onDifference(difference)
            }
        }
    }

    /// `stored` with its email identifier's id spelled `email` (a stored id differing only in
    /// case or white space is the same contact for the comparison of its channels).
    private static func aligned(_ stored: [String: Any], email storedEmail: String, to email: String) -> [String: Any] {
        guard storedEmail != email, var identifiers = stored["identifiers"] as? [[String: Any]] else { return stored }
        for index in identifiers.indices where identifiers[index]["type"] as? String == "email" && identifiers[index]["id"] as? String == storedEmail {
            identifiers[index]["id"] = email
        }
        var copy = stored
        copy["identifiers"] = identifiers
        return copy
    }
}
