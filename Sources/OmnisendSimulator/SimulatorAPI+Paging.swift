import ExportCore
import Foundation
import Hummingbird

/// The paging parameters of a list request.
struct PagingParameters: Sendable {
    var limit: Int
    var offset: Int = 0
    var after: Int64?
    var before: Int64?
}

extension SimulatorAPI {
    static let defaultPageSize = 100
    static let maxPageSize = 250

    /// Reads `limit` (1-250, default 100) and `offset` (v3/v5) or the `after`/`before` cursors (2026).
    func pagingParameters(_ request: Request, version: SimulatorAPIVersion, into problems: inout [FieldProblem]) -> PagingParameters {
        let parameters = request.uri.queryParameters
        var paging = PagingParameters(limit: Self.defaultPageSize)
        if let text = parameters.get("limit") {
            if let limit = Int(text), limit >= 1, limit <= Self.maxPageSize { paging.limit = limit } else {
                problems.append(FieldProblem(field: "limit", code: "invalid_value", message: "must be a whole number from 1 to \(Self.maxPageSize)"))
            }
        }
        if version.usesCursorPaging {
            for name in ["after", "before"] {
                guard let text = parameters.get(name) else { continue }
                if let rowID = Self.decodeCursor(text) {
                    if name == "after" { paging.after = rowID } else { paging.before = rowID }
                } else {
                    problems.append(FieldProblem(field: name, code: "invalid_format", message: "is not a cursor returned by this API"))
                }
            }
            if paging.after != nil && paging.before != nil {
                problems.append(FieldProblem(field: "before", code: "invalid_value", message: "give either after or before, not both"))
            }
        } else if let text = parameters.get("offset") {
            if let offset = Int(text), offset >= 0 { paging.offset = offset } else {
                problems.append(FieldProblem(field: "offset", code: "invalid_value", message: "must be a whole number >= 0"))
            }
        }
        return paging
    }

    /// The 2026 `paging` object: `{"cursors": {"before", "after"}, "hasMore"}`, plus `limit` when given.
    func cursorPaging(first: Int64?, last: Int64?, hasEarlier: Bool, hasLater: Bool, limit: Int? = nil) -> String {
        let before = hasEarlier ? first.map { JSONText.quoted(Self.encodeCursor($0)) } ?? "null" : "null"
        let after = hasLater ? last.map { JSONText.quoted(Self.encodeCursor($0)) } ?? "null" : "null"
        let limitText = limit.map { ",\"limit\":\($0)" } ?? ""
        return "{\"cursors\":{\"before\":\(before),\"after\":\(after)},\"hasMore\":\(hasLater)\(limitText)}"
    }

    /// The v3 contact list's `paging` object: `{"previous": null, "next", "limit"}`, `next` the full
    /// URL of the page after row `last` (`…?after=CURSOR&limit=N`), "" on the last page.
    func afterLinkPaging(_ request: Request, version: SimulatorAPIVersion, path: String, query: String, last: Int64?, limit: Int) -> String {
        let host = request.head.authority ?? "\(configuration.host):\(configuration.port)"
        let next = last.map { "http://\(host)/\(version.pathPrefix)/\(path)?\(query.isEmpty ? "" : query + "&")after=\(Self.escapeQuery(Self.encodeCursor($0)))&limit=\(limit)" } ?? ""
        return "{\"previous\":null,\"next\":\(JSONText.quoted(next)),\"limit\":\(limit)}"
    }

    /// The v3/v5 `paging` object: `{"previous", "next", "offset", "limit"}` with full URLs ("" when none).
    func offsetPaging(_ request: Request, version: SimulatorAPIVersion, path: String, query: String, offset: Int, limit: Int, more: Bool) -> String {
        let host = request.head.authority ?? "\(configuration.host):\(configuration.port)"
        let base = "http://\(host)/\(version.pathPrefix)/\(path)?\(query.isEmpty ? "" : query + "&")"
        let previous = offset > 0 ? "\(base)offset=\(max(0, offset - limit))&limit=\(limit)" : ""
        let next = more ? "\(base)offset=\(offset + limit)&limit=\(limit)" : ""
        return "{\"previous\":\(JSONText.quoted(previous)),\"next\":\(JSONText.quoted(next)),\"offset\":\(offset),\"limit\":\(limit)}"
    }

    static func encodeCursor(_ rowID: Int64) -> String {
        Data("sim:\(rowID)".utf8).base64EncodedString()
    }

    static func decodeCursor(_ text: String) -> Int64? {
        guard let data = Data(base64Encoded: text) else { return nil }
        let plain = String(decoding: data, as: UTF8.self)
        guard plain.hasPrefix("sim:") else { return nil }
        return Int64(plain.dropFirst(4))
    }

    static func escapeQuery(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
