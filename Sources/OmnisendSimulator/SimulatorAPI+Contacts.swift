import Foundation
import Hummingbird

extension SimulatorAPI {
    /// `POST /contacts`: validates and upserts one contact. v3/v5 answer 200 `{"email", "contactID"}`;
    /// 2026 answers 201 (created) or 200 (updated) with the contact.
    func createContact(_ request: Request, brand: String, version: SimulatorAPIVersion) async throws -> Response {
        let bytes = try await collectBody(request)
        guard let body = JSONValue.parse(bytes) else {
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

    /// `GET /contacts`: optional exact `email` filter; offset paging (v3/v5) or cursors (2026).
    func listContacts(_ request: Request, brand: String, version: SimulatorAPIVersion) async throws -> Response {
        var problems: [FieldProblem] = []
        let paging = pagingParameters(request, version: version, into: &problems)
        guard problems.isEmpty else { throw APIError(status: 400, problems: problems) }
        let email = request.uri.queryParameters.get("email")
        var contacts = try await store.listContacts(
            brand: brand, email: email, limit: paging.limit + 1, offset: paging.offset, afterRowID: paging.after, beforeRowID: paging.before)
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
                hasEarlier = try await !store.listContacts(brand: brand, email: email, limit: 1, offset: 0, afterRowID: nil, beforeRowID: first.rowID).isEmpty
            }
            if paging.before != nil, let last = contacts.last {
                hasLater = try await !store.listContacts(brand: brand, email: email, limit: 1, offset: 0, afterRowID: last.rowID, beforeRowID: nil).isEmpty
            }
            pagingText = cursorPaging(first: contacts.first?.rowID, last: contacts.last?.rowID, hasEarlier: hasEarlier, hasLater: hasLater)
        } else {
            let query = email.map { "email=\(Self.escapeQuery($0))" } ?? ""
            pagingText = offsetPaging(request, version: version, path: "contacts", query: query, offset: paging.offset, limit: paging.limit, more: more)
        }
        return .json(status: 200, text: "{\"contacts\":[\(list)],\"paging\":\(pagingText)}")
    }
}
