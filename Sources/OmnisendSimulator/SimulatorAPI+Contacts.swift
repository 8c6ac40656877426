import Foundation
import Hummingbird

extension SimulatorAPI {
    /// `POST /contacts`: validates and upserts one contact. v3/v5 answer 200 `{"email", "contactID"}`;
    /// 2026 answers 201 (created) or 200 (updated) with the contact.
    func createContact(_ request: Request, brand: String, version: SimulatorAPIVersion) async throws -> Response {
        let bytes = try await collectBody(request)
        guard let body = BodyJSON.parse(bytes) else {
            throw APIError(status: 400, problems: [FieldProblem(field: "body", code: "invalid_json", message: "must be a JSON object")])
        }
        let problems = ContactValidator.validate(body, version: version)
        guard problems.isEmpty, let contact = body.object else { throw APIError(status: 400, problems: problems) }
        let outcome = try await store.upsertContact(contact, email: Self.firstEmail(body), brand: brand, now: configuration.clock.now())
        switch outcome {
        case .created(let record), .updated(let record):
            if version.usesProblemDetails {
                let created = if case .created = outcome { true } else { false }
                return .json(status: created ? 201 : 200, text: record.json)
            }
            return .json(status: 200, text: SimulatorStore.contactResult(record))
        case .ignored:
            throw APIError(status: 400, problems: [
                FieldProblem(field: "identifiers", code: "conflict", message: "every identifier belongs to another contact; contact not created"),
            ])
        }
    }

    func getContact(_ id: String, brand: String, version: SimulatorAPIVersion) async throws -> Response {
        guard let contact = try await store.contact(brand: brand, id: id) else { throw notFound("Contact", id, version: version) }
        return .json(status: 200, text: contact.json)
    }

    /// `GET /contacts`: optional exact `email` and `tag` filters, `limit` 1-250 (default 100), paged
    /// as each version documents:
    /// - v3/v5: `paging.next` is the full URL of the next page with an `after=` cursor (the v3
    ///   OpenAPI example: `…/v3/contacts?after=…&limit=2`), `previous` null, plus `limit`; a
    ///   request paged with `offset=` gets offset links back (`previous`/`next`/`offset`/`limit`).
    /// - 2026-03-15: `paging.cursors.after/before`, `hasMore` and `limit`.
    func listContacts(_ request: Request, brand: String, version: SimulatorAPIVersion) async throws -> Response {
        var problems: [FieldProblem] = []
        var paging = pagingParameters(request, version: version, into: &problems)
        let parameters = request.uri.queryParameters
        let byOffset = !version.usesCursorPaging && parameters.get("offset") != nil
        if !version.usesCursorPaging, let text = parameters.get("after") {
            if byOffset {
                problems.append(FieldProblem(field: "after", code: "invalid_value", message: "give either after or offset, not both"))
            } else if let rowID = Self.decodeCursor(text) {
                paging.after = rowID
            } else {
                problems.append(FieldProblem(field: "after", code: "invalid_format", message: "is not a cursor returned by this API"))
            }
        }
        guard problems.isEmpty else { throw APIError(status: 400, problems: problems) }
        let filter = ContactFilter(email: parameters.get("email"), tag: parameters.get("tag"))
        var contacts = try await store.listContacts(
            brand: brand, filter: filter, limit: paging.limit + 1, offset: paging.offset, afterRowID: paging.after, beforeRowID: paging.before)
        let more = contacts.count > paging.limit
        if more {
            if paging.before == nil { contacts.removeLast() } else { contacts.removeFirst() }
        }
        let list = contacts.map(\.json).joined(separator: ",")
        let pagingText: String
        if version.usesCursorPaging {
            var hasEarlier = false
            var hasLater = more
            if let first = contacts.first {
                hasEarlier = try await !store.listContacts(brand: brand, filter: filter, limit: 1, offset: 0, afterRowID: nil, beforeRowID: first.rowID).isEmpty
            }
            if paging.before != nil, let last = contacts.last {
                hasLater = try await !store.listContacts(brand: brand, filter: filter, limit: 1, offset: 0, afterRowID: last.rowID, beforeRowID: nil).isEmpty
            }
            pagingText = cursorPaging(
                first: contacts.first?.rowID, last: contacts.last?.rowID, hasEarlier: hasEarlier, hasLater: hasLater, limit: paging.limit)
        } else if byOffset {
            pagingText = offsetPaging(request, version: version, path: "contacts", query: filter.query, offset: paging.offset, limit: paging.limit, more: more)
        } else {
            pagingText = afterLinkPaging(request, version: version, path: "contacts", query: filter.query, last: more ? contacts.last?.rowID : nil, limit: paging.limit)
        }
        return .json(status: 200, text: "{\"contacts\":[\(list)],\"paging\":\(pagingText)}")
    }
}

/// The filters of `GET /contacts`: an exact email, a tag the contact carries.
struct ContactFilter: Sendable {
    var email: String?
    var tag: String?

    /// The filters as a query string (for paging links), escaped.
    var query: String {
        var parts: [String] = []
        if let email { parts.append("email=\(SimulatorAPI.escapeQuery(email))") }
        if let tag { parts.append("tag=\(SimulatorAPI.escapeQuery(tag))") }
        return parts.joined(separator: "&")
    }
}
