import Foundation

/// One page of `GET /batches` (the batch list): its entries and how to ask for the next page
/// (`paging.next` for v3/v5 offset paging, `paging.hasMore` and `paging.cursors.after` for
/// 2026-03-15 cursors).
struct BatchListPage: Decodable, Sendable, Equatable {
    /// The entries: `batches` (v3, v5) or `data` (2026-03-15); empty when neither is a list of objects.
    var entries: [BatchEntry]
    /// The link to the next page (offset paging); `nil` or empty on the last page.
    var next: String?
    /// Whether there is a next page (cursor paging).
    var hasMore: Bool
    /// The cursor of the next page (cursor paging).
    var after: String?

    private enum CodingKeys: String, CodingKey { case batches, data, paging }
    private enum PagingKeys: String, CodingKey { case next, hasMore, cursors }
    private enum CursorKeys: String, CodingKey { case after }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entries = (try? container.decodeIfPresent([BatchEntry].self, forKey: .batches))
            ?? (try? container.decodeIfPresent([BatchEntry].self, forKey: .data)) ?? []
        let paging = try? container.nestedContainer(keyedBy: PagingKeys.self, forKey: .paging)
        next = try? paging?.decodeIfPresent(String.self, forKey: .next)
        hasMore = (try? paging?.decodeIfPresent(Bool.self, forKey: .hasMore)) ?? false
        let cursors = try? paging?.nestedContainer(keyedBy: CursorKeys.self, forKey: .cursors)
        after = try? cursors?.decodeIfPresent(String.self, forKey: .after)
    }

    /// The page in `answer`'s body; `nil` when the body is not a JSON object.
    init?(_ answer: HTTPAnswer) {
        guard let page = try? JSONDecoder().decode(BatchListPage.self, from: Data(answer.body)) else { return nil }
        self = page
    }
}
