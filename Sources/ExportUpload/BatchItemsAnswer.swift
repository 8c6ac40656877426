import ExportCore

/// A `GET /batches/{id}/items` answer (one page, or every page merged): the batch's status and
/// one `Item` per contact it processed, in `responses` (accepted or not) and `errors`.
///
/// Decoded with `FastJSON.decode` (the byte-level parser): answers of 1000 items carry every
/// contact as sent, and of each `request` only its email is kept.
struct BatchItemsAnswer: Decodable, Sendable, Equatable {
    /// The batch's status (`finished`, `stopped`, …) when the answer gives it.
    var status: String?
    /// Items under `responses`.
    var responses: [Item]
    /// Items under `errors`.
    var errors: [Item]
    /// The link to the next page of items (`paging.next`); `nil` or empty on the last page.
    var next: String?

    /// Omnisend's result for one item. A field of an unexpected type reads as absent.
    struct Item: Decodable, Sendable, Equatable {
        /// The email of the item's `request` (`ContactItem.email(of:)`).
        var email: String?
        /// Omnisend's item ID: the 1-based position in the batch, as text or number.
        var itemID: String?
        /// The item's HTTP status.
        var responseCode: Int?
        /// Omnisend's answer for the item as the parser gave it; `nil` when there was none
        /// (a JSON `null` is kept as `.null`).
        var response: FieldValue?

        /// Creates an item (tests; answers are decoded).
        init(email: String? = nil, itemID: String? = nil, responseCode: Int? = nil, response: FieldValue? = nil) {
            self.email = email
            self.itemID = itemID
            self.responseCode = responseCode
            self.response = response
        }

        private enum CodingKeys: String, CodingKey { case request, itemID, responseCode, response }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if case .object(let request)? = (try? container.decode(JSONFragment.self, forKey: .request))?.value {
                email = ContactItem.email(of: request)
            }
            itemID = (try? container.decode(String.self, forKey: .itemID)) ?? (try? container.decode(Int.self, forKey: .itemID)).map(String.init)
            responseCode = try? container.decode(Int.self, forKey: .responseCode)
            response = (try? container.decode(JSONFragment.self, forKey: .response))?.value
        }
    }

    private enum CodingKeys: String, CodingKey { case status, responses, errors, paging }
    private enum PagingKeys: String, CodingKey { case next }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try? container.decode(String.self, forKey: .status)
        responses = (try? container.decode([Item].self, forKey: .responses)) ?? []
        errors = (try? container.decode([Item].self, forKey: .errors)) ?? []
        next = try? container.nestedContainer(keyedBy: PagingKeys.self, forKey: .paging).decode(String.self, forKey: .next)
    }

    /// The answer in `bytes`; `nil` when they are not a JSON object.
    init?(_ bytes: [UInt8]) {
        guard let answer = FastJSON.decode(BatchItemsAnswer.self, from: bytes) else { return nil }
        self = answer
    }

    /// Adds the items of a following page.
    mutating func append(_ page: BatchItemsAnswer) {
        responses += page.responses
        errors += page.errors
    }
}
