import Foundation

/// One posted batch waiting for its end.
struct WatchedBatch: Sendable, Equatable {
    var chunk: Int
    var batchID: String
    /// Items in the chunk (what a clean batch's `totalCount`/`finishedCount` must equal).
    var contacts: Int
    /// When its POST started (for the list's `dateFrom`).
    var postedAt: Date
    /// Not asked about before this time.
    var due: Date
    /// Seconds between two looks while it stays open (doubles up to the poll ceiling).
    var delay: Double
    /// Listing passes since it was last seen that did not show it.
    var misses = 0
}

/// Where a batch listing pass starts: the day filter, then an offset (v3/v5) or an `after` cursor
/// (2026). `anchor` is the batch expected first there; when another one comes first, the list
/// changed under the saved position and the pass starts over from the beginning.
struct ListPosition: Sendable, Equatable {
    var dateFrom: String
    var offset = 0
    var after: String?
    var anchor: String?

    /// The start of the list for `dateFrom`.
    static func start(_ dateFrom: String) -> ListPosition { ListPosition(dateFrom: dateFrom) }

    var isStart: Bool { offset == 0 && after == nil }
}

/// The posted batches of a session and how to learn their ends at the least cost.
///
/// Workers hand every `posted` chunk to the watch and go on posting. One poller asks it what to
/// do next (`plan`): one `GET /batches` listing covers every open batch, so it waits until
/// enough batches are due to make a listing pay (or until the oldest has waited the poll ceiling,
/// or nothing is left to post), and asks per batch instead when fewer batches are due than a
/// listing pass costs pages. The listing's order is not documented: the watch remembers where
/// the oldest open batch sits only while every page seen was in creation order, and checks that
/// position (`ListPosition.anchor`) before trusting it. A batch the listing does not show twice
/// in a row is asked for directly.
actor BatchWatch {
    /// What the poller should do next.
    enum Plan: Equatable {
        /// Nothing open and nothing more will come.
        case finished
        /// Look again after this many seconds.
        case wait(Double)
        /// Read the batch list from `ListPosition`.
        case list
        /// Ask for these batches one by one (`GET /batches/{id}`).
        case get([String])
    }

    /// Due batches per listing page below which, while chunks are still being posted, the poller
    /// waits for more to come due (a listing then costs a twentieth of a request per batch).
    let group: Int
    /// The longest a due batch waits for others before it is polled anyway (seconds).
    let maxWait: Double
    /// The longest pause between two looks at one open batch (seconds).
    let maxDelay: Double

    private var open: [String: WatchedBatch] = [:]
    private var intakeClosed = false
    private var position: ListPosition?
    /// Whether every listing seen so far came in creation order (so a saved position is safe).
    private(set) var inCreationOrder = true
    /// Pages the last listing pass read (the price of the next one).
    private(set) var pagesPerPass = 1

    /// Whether listing is allowed at all (`UploadOptions.pollByListing`); without it every due
    /// batch is asked for on its own, at once.
    let listing: Bool

    init(group: Int = 20, maxWait: Double = 30, maxDelay: Double = 30, listing: Bool = true) {
        self.listing = listing
        self.group = max(1, group)
        self.maxWait = maxWait
        self.maxDelay = maxDelay
    }

    /// Watches a posted batch; the first look is due `firstDelay` seconds after its POST.
    func add(chunk: Int, batchID: String, contacts: Int, postedAt: Date, firstDelay: Double, now: Date = Date()) {
        let due = max(now, postedAt.addingTimeInterval(firstDelay))
        open[batchID] = WatchedBatch(chunk: chunk, batchID: batchID, contacts: contacts, postedAt: postedAt, due: due, delay: max(0.01, firstDelay))
    }

    /// No batch will be added any more (the workers have finished).
    func closeIntake() { intakeClosed = true }

    /// The batch with this ID, if it is watched.
    func batch(_ batchID: String) -> WatchedBatch? { open[batchID] }

    /// IDs of every open batch.
    func openIDs() -> Set<String> { Set(open.keys) }

    /// What to do at `now`; `draining` when no chunk is waiting to be posted (no reason to wait
    /// for more batches to come due).
    func plan(now: Date, draining: Bool) -> Plan {
        if open.isEmpty { return intakeClosed ? .finished : .wait(0.1) }
        let ready = open.values.filter { $0.due <= now }
        guard let oldest = ready.map(\.due).min() else {
            let next = open.values.map(\.due).min() ?? now
            return .wait(max(0.001, next.timeIntervalSince(now)))
        }
        if !listing { return .get(ready.map(\.batchID).sorted()) }
        let missing = ready.filter { $0.misses >= 2 }.map(\.batchID)
        if !missing.isEmpty { return .get(missing.sorted()) }
        if !draining && !intakeClosed && ready.count < group * pagesPerPass && now.timeIntervalSince(oldest) < maxWait {
            return .wait(min(0.1, maxWait - now.timeIntervalSince(oldest)))
        }
        if ready.count < pagesPerPass { return .get(ready.map(\.batchID).sorted()) }
        return .list
    }

    /// Where the next listing starts: the saved position when it is for the same day filter and
    /// the list has kept creation order, else the beginning. The day filter is the UTC date one
    /// day before the oldest open POST (`dateFrom` is a date, and time zones differ).
    func listStart() -> ListPosition {
        let oldest = open.values.map(\.postedAt).min() ?? Date()
        let dateFrom = Self.day(oldest.addingTimeInterval(-86_400))
        if inCreationOrder, let position, position.dateFrom == dateFrom { return position }
        return .start(dateFrom)
    }

    /// Notes that a listing pass (or its own GET) found `batchID` still open at `now`: its delay
    /// doubles (up to the ceiling) and it is not looked at again before it has passed. Batches
    /// seen together so fall into step, and one listing keeps covering them all.
    func stillOpen(_ batchID: String, now: Date = Date()) {
        guard var batch = open[batchID] else { return }
        batch.delay = min(maxDelay, batch.delay * 2)
        batch.due = max(batch.due, now.addingTimeInterval(batch.delay))
        batch.misses = 0
        open[batchID] = batch
    }

    /// Stops watching a batch that ended (or failed).
    func remove(_ batchID: String) { open[batchID] = nil }

    /// Ends a listing pass: batches in `wanted` it did not show are missed once more; `pages`
    /// is its price; `next` is where the next pass may start (`nil`: the beginning), kept only
    /// while the list has come in creation order (`ordered`).
    func finishPass(wanted: Set<String>, seen: Set<String>, pages: Int, ordered: Bool, next: ListPosition?) {
        for id in wanted.subtracting(seen) { open[id]?.misses += 1 }
        pagesPerPass = max(1, pages)
        if !ordered { inCreationOrder = false }
        position = inCreationOrder ? next : nil
    }

    /// `2026-12-03` for a moment (UTC).
    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day))"
    }
}
