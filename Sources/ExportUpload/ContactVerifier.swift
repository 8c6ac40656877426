import ExportCore
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
    public func verify(
        sample: Int?, method: ReadMethod = .auto, onDifference: (Difference) throws -> Void = { _ in }
    ) async throws -> Result {
        let store = try CheckpointStore(runDirectory: runDirectory)
        let candidates = try VerifyCandidates(store: store, sample: sample)
        var result = Result(checked: candidates.count)
        guard candidates.count > 0 else { return result }
        result.method = Self.choose(method, candidates: candidates.count, runContacts: candidates.runContacts, pageSize: settings.pageSize)
        let client = OmnisendClient(baseURL: target.baseURL, apiVersion: target.apiVersion, key: target.key, network: network)
        let reader = ContactPageReader(client: client, settings: settings)
        // In the run folder, which already holds the personal data; the temporary folder when it is read-only.
        let spoolName = ".verify-spool-\(getpid())"
        let spool = try (try? StoredContactSpool(path: "\(runDirectory)/\(spoolName)", candidates: candidates.count))
            ?? StoredContactSpool(path: NSTemporaryDirectory() + spoolName, candidates: candidates.count)
        do {
            switch result.method {
            case .list, .auto:
                let table = try candidates.emailTable(runDirectory: runDirectory)
                let summary = try await reader.read { contacts, _ in
                    for contact in contacts {
                        guard let email = ContactItem.email(of: contact),
                            let candidate = table[email.hashValue] ?? table[EmailRedactor.normalize(email).hashValue]
                        else { continue }
                        try spool.keep(Int(candidate), contact: contact)
                    }
                }
                result.requests = summary.requests
                result.storedRead = summary.contacts
            case .lookup:
                var pacer = RequestPacer(limit: settings.rateLimitPerMinute, share: settings.rateShare)
                var summary = ContactPageReader.Summary()
                var wanted: [(candidate: Int, email: String)] = []
                try candidates.forEachEmail(runDirectory: runDirectory) { wanted.append(($0, $1)) }
                for (candidate, email) in wanted {
                    if let contact = try await reader.lookup(email: email, pacer: &pacer, summary: &summary).first {
                        try spool.keep(candidate, contact: contact)
                        result.storedRead += 1
                    }
                }
                result.requests = summary.requests
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        try compare(candidates: candidates, spool: spool, into: &result, onDifference: onDifference)
        return result
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
                if let stored, ChunkFile.email(ofItem: stored) == email || EmailRedactor.normalize(ChunkFile.email(ofItem: stored) ?? "") == email {
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
