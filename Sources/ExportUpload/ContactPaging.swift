import ExportCore
import Foundation

/// How `GET /contacts` pages, per API version, and how to read one page's answer.
///
/// - `link` (v3, v5): the answer's `paging.next` is the full URL of the next page (`…/contacts?after=…&limit=…`
///   in the v3 OpenAPI; offset links are read the same way); empty or null on the last page. Only
///   its query is used, sent to our own base URL, so a link to another host never gets the key.
/// - `cursor` (2026-03-15): `paging.cursors.after` is an opaque cursor sent back as `after=`, and
///   `paging.hasMore` says whether there is a next page.
///
/// Either way the next page is named by one query string, which is what a resumable read saves.
public enum ContactPaging: String, Sendable, CaseIterable, Codable {
    case link
    case cursor

    /// The paging the reference documents for `version`.
    public static func documented(for version: APIVersion) -> ContactPaging {
        version == .v2026_03_15 ? .cursor : .link
    }

    /// Most contacts one page may hold (`limit` 1-250 in every version).
    public static let maxPageSize = 250

    /// One page read: the contacts as JSON objects, and the query of the next page (nil on the last).
    public struct Page: Sendable {
        /// The page's contacts, keys in the answer's order.
        public var contacts: [JSONObject]
        /// The query string (no `?`) of the next page; nil when this was the last page.
        public var nextQuery: String?
    }

    /// The query of the first page: `limit` plus the optional filter (`tag=…`), already escaped.
    public static func firstQuery(pageSize: Int, filter: [(name: String, value: String)] = []) -> String {
        var parts = ["limit=\(min(maxPageSize, max(1, pageSize)))"]
        for (name, value) in filter { parts.append("\(name)=\(escape(value))") }
        return parts.joined(separator: "&")
    }

    /// Reads one answer body.
    /// - Parameter query: the query this page was asked with (the next one keeps its `limit` and filter).
    /// - Throws: `ExportError(.io)` naming what is wrong when the body is not a contact list, or
    ///   when the next page would be this page again (a server that does not page).
    public func page(body: [UInt8], query: String) throws -> Page {
        guard case .object(let top)? = FastJSON.value(body) else {
            throw ExportError(.io, "GET /contacts answered something that is not a JSON object")
        }
        guard case .array(let list)? = top["contacts"] else {
            throw ExportError(.io, "GET /contacts answered without a \"contacts\" list")
        }
        var contacts: [JSONObject] = []
        contacts.reserveCapacity(list.count)
        for case .object(let contact) in list { contacts.append(contact) }
        let paging: JSONObject? = if case .object(let object)? = top["paging"] { object } else { nil }
        let next: String?
        switch self {
        case .link:
            if case .string(let link)? = paging?["next"], !link.isEmpty {
                guard let components = URLComponents(string: link), let nextQuery = components.percentEncodedQuery, !nextQuery.isEmpty else {
                    throw ExportError(.io, "GET /contacts: paging.next is not a URL with a query: \(link)")
                }
                next = nextQuery
            } else {
                next = nil
            }
        case .cursor:
            let hasMore = if case .bool(let flag)? = paging?["hasMore"] { flag } else { false }
            let cursors: JSONObject? = if case .object(let object)? = paging?["cursors"] { object } else { nil }
            if hasMore, case .string(let after)? = cursors?["after"], !after.isEmpty {
                next = Self.replacing("after", with: after, in: query)
            } else {
                next = nil
            }
        }
        if let next, next == query, !contacts.isEmpty {
            throw ExportError(.io, "GET /contacts: the next page is the same page again (\(next)); the server does not page as \(rawValue) paging expects")
        }
        return Page(contacts: contacts, nextQuery: contacts.isEmpty ? nil : next)
    }

    /// `query` with parameter `name` set to `value` (escaped), added when absent.
    static func replacing(_ name: String, with value: String, in query: String) -> String {
        var parts = query.split(separator: "&").map(String.init).filter { !$0.hasPrefix("\(name)=") && !$0.hasPrefix("before=") }
        parts.append("\(name)=\(escape(value))")
        return parts.joined(separator: "&")
    }

    /// Percent-escapes a query value (`+`, `&`, `=`, `/` and `?` included).
    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
