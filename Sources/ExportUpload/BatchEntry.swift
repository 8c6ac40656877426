import Foundation

/// What the uploader reads of one batch: the `POST /batches` answer, a `GET /batches/{id}` answer,
/// or one entry of the batch list (`GET /batches`). Every field is optional, and a field of an
/// unexpected type reads as absent, so an answer that changes shape degrades to "not known"
/// instead of failing the read.
struct BatchEntry: Decodable, Sendable, Equatable {
    /// The batch ID: `batchID` (v3, v5), or `id` in newer shapes.
    var id: String?
    /// `inProgress`, `finished`, `stopped`, …
    var status: String?
    /// The endpoint the batch writes to (`contacts`).
    var endpoint: String?
    /// When Omnisend created it (ISO 8601).
    var createdAt: String?
    /// When it ended: `endedAt`, or `enddedAt` as the v3 reference spells it.
    var endedAt: String?
    /// Items in the batch.
    var totalCount: Int?
    /// Items processed.
    var finishedCount: Int?
    /// Items refused.
    var errorsCount: Int?

    /// Creates an entry (tests; answers are decoded).
    init(
        id: String? = nil, status: String? = nil, endpoint: String? = nil, createdAt: String? = nil, endedAt: String? = nil,
        totalCount: Int? = nil, finishedCount: Int? = nil, errorsCount: Int? = nil
    ) {
        self.id = id
        self.status = status
        self.endpoint = endpoint
        self.createdAt = createdAt
        self.endedAt = endedAt
        self.totalCount = totalCount
        self.finishedCount = finishedCount
        self.errorsCount = errorsCount
    }

    private enum CodingKeys: String, CodingKey {
        case batchID, id, status, endpoint, createdAt, endedAt, enddedAt, totalCount, finishedCount, errorsCount
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func field<T: Decodable>(_ key: CodingKeys) -> T? { try? container.decodeIfPresent(T.self, forKey: key) }
        id = field(.batchID) ?? field(.id)
        status = field(.status)
        endpoint = field(.endpoint)
        createdAt = field(.createdAt)
        endedAt = field(.endedAt) ?? field(.enddedAt)
        totalCount = field(.totalCount)
        finishedCount = field(.finishedCount)
        errorsCount = field(.errorsCount)
    }

    /// The entry in `answer`'s body; `nil` when the body is not a JSON object.
    init?(_ answer: HTTPAnswer) {
        guard let entry = try? JSONDecoder().decode(BatchEntry.self, from: Data(answer.body)) else { return nil }
        self = entry
    }

    /// Whether the status is final (`finished` or `stopped`).
    var hasEnded: Bool { status == "finished" || status == "stopped" }

    /// Whether the entry proves that every item of a chunk of `contacts` items was accepted:
    /// `finished`, no errors, and every one of the chunk's items finished.
    func isClean(contacts: Int) -> Bool {
        guard status == "finished", let totalCount, let finishedCount, let errorsCount else { return false }
        return errorsCount == 0 && finishedCount == totalCount && totalCount == contacts
    }
}
