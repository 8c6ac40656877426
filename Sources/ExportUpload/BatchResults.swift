import Foundation

/// The per-item results of a finished batch (`GET /batches/{id}/items`), matched to the chunk's
/// items by email (falling back to a positional `itemID`).
public struct BatchResults: Sendable {
    /// Items Omnisend accepted.
    var accepted: Int
    /// Items refused or never processed.
    var failedItems: [FailedItem]
    /// Emails of every item the batch reported, for reconciliation.
    var reportedEmails: [String]

    /// Parses the items answer of the batch that carried `chunk` (whose item emails are `emails`).
    init(itemsAnswer answer: BatchItemsAnswer, chunk: Int, emails: [String?]) {
        var indexByEmail: [String: Int] = [:]
        for (index, email) in emails.enumerated() { if let email { indexByEmail[email] = index } }
        var seen = Set<Int>()
        var accepted = 0
        var failed: [FailedItem] = []
        var reported: [String] = []
        for entry in answer.responses + answer.errors {
            let email = entry.email
            if let email { reported.append(email) }
            var index = email.flatMap { indexByEmail[$0] }
            if index == nil, let id = entry.itemID, let n = Int(id), n >= 1, n <= emails.count {
                index = n - 1
            }
            guard let index, !seen.contains(index) else { continue }
            seen.insert(index)
            let code = entry.responseCode ?? 0
            if (200..<300).contains(code) {
                accepted += 1
            } else {
                failed.append(
                    FailedItem(
                        chunk: chunk, item: index, responseCode: code, response: Self.json(entry.response.map(FastJSON.foundation) ?? "no answer"),
                        retryable: FailedItem.isRetryable(responseCode: code)))
            }
        }
        for index in emails.indices where !seen.contains(index) {
            failed.append(
                FailedItem(
                    chunk: chunk, item: index, responseCode: 0,
                    response: Self.json("not processed: the batch ended (\(answer.status ?? "?")) without a result for this item"),
                    retryable: true))
        }
        self.accepted = accepted
        self.failedItems = failed.sorted { $0.item < $1.item }
        self.reportedEmails = reported
    }

    /// JSON text of any JSON value (strings quoted).
    public static func json(_ value: Any) -> String {
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\"\(value)\""
    }
}
