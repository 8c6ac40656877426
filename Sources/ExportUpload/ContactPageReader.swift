import ExportCore
import Foundation

/// Reads a destination's contacts page by page (`GET /contacts`), within a share of the brand's
/// rate limit, retrying as the upload does (429 waits, backoff on 5xx and network errors, a bad
/// key stops at once). Each page is handed over with the query of the next one, so a caller can
/// save that query (``ContactReadCursor``) and resume from it after a crash or a stop.
///
/// Requests go through the upload's ``RequestGate``: its ``RateGovernor`` keeps to the share
/// (learning the limit and the brand's remaining budget from the rate headers), and with
/// ``Settings/rateLedger`` the share is the one every upload and read of the same destination
/// on this machine takes together (``RateLedger``).
public struct ContactPageReader: Sendable {
    /// How the read is paced and paged.
    public struct Settings: Sendable, Equatable {
        /// `link` or `cursor` paging (default: what the reference documents for the version).
        public var paging: ContactPaging?
        /// Contacts a page (1-250).
        public var pageSize = ContactPaging.maxPageSize
        /// The brand's requests a minute until `X-Rate-Limit-Limit` says otherwise (0: no limit).
        public var rateLimitPerMinute = 400
        /// The share of the limit to use (other integrations share it).
        public var rateShare = 0.8
        /// The ledger file shared with the uploads and reads of the same destination
        /// (`RateLedger.path(in:identity:)`); `nil`: this read keeps its share to itself.
        public var rateLedger: String?
        /// The rate window in seconds (a minute; tests shrink it with the simulator's).
        public var rateWindow: Double = 60
        /// Retries and 429 waits.
        public var retryPolicy = RetryPolicy()
        /// Only contacts with this tag (`tag=` filter of `GET /contacts`).
        public var tag: String?

        /// Default settings.
        public init() {}
    }

    /// What a finished read did.
    public struct Summary: Sendable, Equatable {
        /// Pages read (requests that answered 2xx).
        public var pages = 0
        /// Contacts read.
        public var contacts = 0
        /// Requests sent, retries and 429s included.
        public var requests = 0
    }

    let client: OmnisendClient
    let settings: Settings
    private let gate: RequestGate

    /// Creates a reader on `client` (its base URL, version and key). Its reads and lookups share
    /// one pace.
    public init(client: OmnisendClient, settings: Settings) {
        self.client = client
        self.settings = settings
        gate = RequestGate(
            governor: RateGovernor(limit: settings.rateLimitPerMinute, share: settings.rateShare, window: settings.rateWindow),
            deadline: .infinity, stop: StopSignal(), ledger: settings.rateLedger.map { RateLedger(path: $0, window: settings.rateWindow) })
    }

    /// The paging in use.
    public var paging: ContactPaging { settings.paging ?? .documented(for: client.apiVersion) }

    /// The query of the first page.
    public var firstQuery: String {
        ContactPaging.firstQuery(pageSize: settings.pageSize, filter: settings.tag.map { [("tag", $0)] } ?? [])
    }

    /// Requests this reader has sent so far (reads and lookups, retries and 429s included).
    public func requestsSent() async -> Int { await gate.requests }

    /// Reads every page from `query` (the first page when nil), calling `onPage` with each page's
    /// contacts and the query of the next page (nil after the last).
    /// - Throws: `ExportError(.io)` when a request fails for good (naming Omnisend's answer) or
    ///   the answer is not a contact list, `ExportError(.notReady)` when rate limited for too long,
    ///   ``ContactReadRefused`` when the key is refused (401, 403); whatever `onPage` throws.
    @discardableResult
    public func read(
        from query: String? = nil, onPage: (_ contacts: [JSONObject], _ nextQuery: String?) async throws -> Void
    ) async throws -> Summary {
        var summary = Summary()
        let before = await gate.requests
        var current = query ?? firstQuery
        while true {
            let answer = try await fetch(path: "/contacts?\(current)")
            let page = try paging.page(body: answer.body, query: current)
            summary.pages += 1
            summary.contacts += page.contacts.count
            summary.requests = await gate.requests - before
            try await onPage(page.contacts, page.nextQuery)
            guard let next = page.nextQuery else { return summary }
            current = next
        }
    }

    /// `GET /contacts?email=…` for one email, with the same pacing and retries: the stored
    /// contacts whose email identifier (or `email`) is exactly `email`.
    public func lookup(email: String) async throws -> [JSONObject] {
        let answer = try await fetch(path: "/contacts?email=\(ContactPaging.escape(email))")
        let page = try ContactPaging.link.page(body: answer.body, query: "")
        return page.contacts.filter { ContactItem.email(of: $0) == email }
    }

    /// One GET through the gate, with retries; the 2xx answer.
    func fetch(path: String) async throws -> HTTPAnswer {
        var attempt = 1
        while true {
            guard await gate.acquire() else { throw ExportError(.internal, "GET \(Self.pathOnly(path)): the request gate closed") }
            let began = Date()
            let outcome = await client.get(absoluteURL: client.baseURL + path)
            var wait: Double?
            if case .answer(let answer) = outcome, answer.status == 429 {
                wait = settings.retryPolicy.rateLimitWait(answer, now: Date()) ?? 1
            }
            await gate.observe(outcome, latency: Date().timeIntervalSince(began), pauseFor: wait)
            switch settings.retryPolicy.decide(outcome, attempt: attempt, random: Double.random(in: 0..<1)) {
            case .success:
                if case .answer(let answer) = outcome { return answer }
                throw ExportError(.internal, "GET /contacts succeeded without an answer")
            case .rateLimited:
                continue  // the gate holds the next request for the wait
            case .retry(let wait):
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            case .fail(let reason, _):
                throw ExportError(.io, "GET \(Self.pathOnly(path)): \(reason)")
            case .stopRun(let reason, let resumable):
                if resumable { throw ExportError(.notReady, "GET \(Self.pathOnly(path)): \(reason); run it again later") }
                throw ContactReadRefused(message: "GET \(Self.pathOnly(path)): \(reason)")
            }
        }
    }

    /// The path without its query (emails and cursors stay out of messages).
    static func pathOnly(_ path: String) -> String {
        String(path.prefix { $0 != "?" })
    }
}

/// The destination refused the key (401) or its permission to read contacts (403).
public struct ContactReadRefused: Error, Sendable, CustomStringConvertible {
    /// What was refused, with Omnisend's answer.
    public var message: String
    /// The message.
    public var description: String { message }
}
