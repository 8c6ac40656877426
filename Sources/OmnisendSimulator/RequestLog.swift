import ExportCore
import Foundation

/// Every answered API request, in memory, for `GET /__simulator/requests`: when it arrived, what
/// it asked and the ledger status it got. Tests read it to check the client's timing (no request
/// sooner than a 429 asked, no more than the limit in any window). Keeps the first
/// ``capacity`` requests.
final class RequestLog: @unchecked Sendable {
    /// One answered request.
    struct Entry: Sendable, Equatable {
        /// Arrival time, seconds since 1970 on the simulator's clock.
        var at: Double
        var method: String
        var path: String
        /// `"200"`, `"429"`, `"dropped"`…
        var status: String
        /// The query string without `?`, when there was one.
        var query: String? = nil

        /// `{"at":…,"method":…,"path":…,"status":…}`, plus `"query"` when there was one.
        var json: String {
            "{\"at\":\(at),\"method\":\(JSONText.quoted(method)),\"path\":\(JSONText.quoted(path)),\"status\":\(JSONText.quoted(status))"
                + (query.map { ",\"query\":\(JSONText.quoted($0))" } ?? "") + "}"
        }
    }

    /// Requests kept at most.
    static let capacity = 1_000_000

    private let lock = NSLock()
    private var storage: [Entry] = []

    func record(_ entry: Entry) {
        lock.withLock {
            if storage.count < Self.capacity { storage.append(entry) }
        }
    }

    /// The requests in the order they were answered.
    func entries() -> [Entry] { lock.withLock { storage } }
}
