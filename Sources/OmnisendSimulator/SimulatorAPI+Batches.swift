import ExportCore
import Foundation
import Hummingbird

extension SimulatorAPI {
    static let batchStatuses: Set<String> = ["pending", "inProgress", "finished", "stopped"]
    static let otherEndpoints: Set<String> = ["orders", "products", "events", "categories"]

    /// `POST /batches`: validates the envelope, stores the batch as `pending`, answers with its id.
    /// `hiddenFor` keeps the batch out of `GET /batches` that long (the `store-late` fault).
    func createBatch(_ request: Request, brand: String, version: SimulatorAPIVersion, hiddenFor: Duration? = nil) async throws -> Response {
        let bytes = try await collectBody(request)
        guard let body = BodyJSON.parse(bytes)?.object else {
            throw APIError(status: 400, problems: [FieldProblem(field: "body", code: "invalid_json", message: "must be a JSON object")])
        }
        var problems: [FieldProblem] = []
        let methods: Set<String> = version.usesProblemDetails ? ["POST", "PUT"] : ["POST"]
        let method = body["method"]?.string
        if body["method"] == nil {
            problems.append(FieldProblem(field: "method", code: "required", message: "field required but not found in Json"))
        } else if !(method.map(methods.contains) ?? false) {
            problems.append(FieldProblem(field: "method", code: "invalid_value", message: "can't be this value. Available values: \(methods.sorted().joined(separator: ","))"))
        } else if method != "POST" {
            problems.append(FieldProblem(field: "method", code: "invalid_value", message: "contacts batches support only POST"))
        }
        let endpoint = body["endpoint"]?.string
        if body["endpoint"] == nil {
            problems.append(FieldProblem(field: "endpoint", code: "required", message: "field required but not found in Json"))
        } else if endpoint != "contacts" {
            let known = endpoint.map(Self.otherEndpoints.contains) ?? false
            problems.append(FieldProblem(
                field: "endpoint", code: "invalid_value",
                message: known ? "this endpoint is not supported by the simulator (only contacts)" : "can't be this value. Available values: contacts,orders,products,events,categories"))
        }
        let items = body["items"]?.array
        if body["items"] == nil {
            problems.append(FieldProblem(field: "items", code: "required", message: "field required but not found in Json"))
        } else if let items {
            if items.isEmpty {
                problems.append(FieldProblem(field: "items", code: "too_few", message: "must hold at least 1 item"))
            } else if items.count > version.maxBatchItems {
                problems.append(FieldProblem(field: "items", code: "too_many", message: "must hold at most \(version.maxBatchItems) items"))
            }
        } else {
            problems.append(FieldProblem(field: "items", code: "invalid_type", message: "must be an array"))
        }
        if let origin = body["origin"], origin.string == nil {
            problems.append(FieldProblem(field: "origin", code: "invalid_type", message: "must be a string"))
        }
        guard problems.isEmpty, let items else { throw APIError(status: 400, problems: problems) }

        var texts: [String]
        if let ranges = JSONItemSplitter.itemRanges(bytes), ranges.count == items.count {
            texts = ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
        } else {
            texts = items.map(\.text)
        }
        let emails = items.map(Self.firstEmail)
        let fault = faults.nextBatchFault()
        let now = configuration.clock.now()
        let visibleAt = hiddenFor.map { hidden in
            let parts = hidden.components
            return now.addingTimeInterval(Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
        }
        let batch = try await store.createBatch(
            brand: brand, method: "POST", endpoint: "contacts", origin: body["origin"]?.string, items: texts, parsed: items, emails: emails,
            fault: fault?.rawValue, version: version, now: now, visibleAt: visibleAt)
        let status = configuration.batchCreatedStatus ?? version.defaultBatchCreatedStatus
        return .json(status: status, text: "{\"batchID\":\(JSONText.quoted(batch.batchID)),\"totalCount\":\(batch.totalCount)}")
    }

    /// The id of the first email identifier of an item, if any.
    static func firstEmail(_ item: BodyJSON) -> String? {
        for identifier in item["identifiers"]?.array ?? [] where identifier["type"]?.string == "email" {
            if let id = identifier["id"]?.string { return id }
        }
        return nil
    }

    func getBatch(_ id: String, brand: String, version: SimulatorAPIVersion) async throws -> Response {
        guard let batch = try await store.batch(brand: brand, id: id) else { throw notFound("Batch", id, version: version) }
        return .json(status: 200, text: batch.json(version: version))
    }

    /// `GET /batches/{id}/items`: the batch plus `errors[]` and `responses[]` of processed items.
    /// With ``SimulatorConfiguration/itemsPageSize`` the processed items come a page at a time
    /// (`offset`, `limit`), with `paging.next` linking to the next page.
    func getBatchItems(_ request: Request, id: String, brand: String, version: SimulatorAPIVersion) async throws -> Response {
        guard let (batch, all) = try await store.batchWithItems(brand: brand, id: id) else { throw notFound("Batch", id, version: version) }
        var items = all
        var pagingText: String?
        if let size = configuration.itemsPageSize, size > 0 {
            let processed = all.filter { $0.responseCode != nil }
            let parameters = request.uri.queryParameters
            let offset = max(0, parameters.get("offset").flatMap { Int($0) } ?? 0)
            let limit = max(1, parameters.get("limit").flatMap { Int($0) } ?? size)
            items = Array(processed.dropFirst(offset).prefix(limit))
            pagingText = offsetPaging(
                request, version: version, path: "batches/\(id)/items", query: "", offset: offset, limit: limit,
                more: offset + limit < processed.count)
        }
        var out = Array(batch.json(version: version, open: true).utf8)
        out.reserveCapacity(items.reduce(out.count + 64) { $0 + $1.request.utf8.count + ($1.response?.utf8.count ?? 0) + 80 })
        for (name, errors) in [("errors", true), ("responses", false)] {
            out.append(contentsOf: ",\"\(name)\":[".utf8)
            var first = true
            for item in items where item.responseCode != nil && item.isError == errors {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if let pagingText { out.append(contentsOf: ",\"paging\":\(pagingText)".utf8) }
        out.append(UInt8(ascii: "}"))
        return .json(status: 200, bytes: out)
    }

    /// `GET /batches/{id}/items/{itemID}` (v3/v5): one item with its batch's identity.
    func getBatchItem(_ id: String, itemID: String, brand: String, version: SimulatorAPIVersion) async throws -> Response {
        guard let (batch, items) = try await store.batchWithItems(brand: brand, id: id) else { throw notFound("Batch", id, version: version) }
        guard let index = Int(itemID), index >= 1, index <= items.count else { throw notFound("Item", itemID, version: version) }
        return .json(status: 200, text: items[index - 1].json(batch: batch))
    }

    /// `GET /batches`: `endpoint` required; `status`, `dateFrom`, `dateTo` filters; offset paging
    /// (v3/v5) or cursor paging (2026).
    func listBatches(_ request: Request, brand: String, version: SimulatorAPIVersion) async throws -> Response {
        let parameters = request.uri.queryParameters
        var problems: [FieldProblem] = []
        let endpoint = parameters.get("endpoint")
        if endpoint == nil || endpoint!.isEmpty {
            problems.append(FieldProblem(field: "endpoint", code: "required", message: "query parameter is required"))
        }
        let status = parameters.get("status")
        if let status, !Self.batchStatuses.contains(status) {
            problems.append(FieldProblem(field: "status", code: "invalid_value", message: "can't be this value. Available values: pending,inProgress,finished,stopped"))
        }
        var from: Double?
        var to: Double?
        if let text = parameters.get("dateFrom") {
            if let day = DateText.parseDay(text) { from = day.timeIntervalSince1970 } else {
                problems.append(FieldProblem(field: "dateFrom", code: "invalid_format", message: "must be a date in YYYY-MM-DD format"))
            }
        }
        if let text = parameters.get("dateTo") {
            if let day = DateText.parseDay(text) { to = day.timeIntervalSince1970 + 86_400 } else {
                problems.append(FieldProblem(field: "dateTo", code: "invalid_format", message: "must be a date in YYYY-MM-DD format"))
            }
        }
        let paging = pagingParameters(request, version: version, into: &problems)
        guard problems.isEmpty, let endpoint else { throw APIError(status: 400, problems: problems) }
        var query = BatchQuery(brand: brand, endpoint: endpoint, status: status, from: from, to: to, limit: paging.limit)
        query.now = configuration.clock.now().timeIntervalSince1970
        query.offset = paging.offset
        query.afterRowID = paging.after
        query.beforeRowID = paging.before
        var probe = query
        probe.limit += 1
        var batches = try await store.listBatches(probe)
        let more = batches.count > query.limit
        if more {
            if query.beforeRowID == nil { batches.removeLast() } else { batches.removeFirst() }
        }
        let list = batches.map { $0.json(version: version) }.joined(separator: ",")
        let pagingText: String
        if version.usesCursorPaging {
            var hasEarlier = false
            var hasLater = more
            if let first = batches.first { hasEarlier = try await store.hasBatch(query, before: first.rowID) }
            if query.beforeRowID != nil, let last = batches.last { hasLater = try await store.hasBatch(query, after: last.rowID) }
            pagingText = cursorPaging(first: batches.first?.rowID, last: batches.last?.rowID, hasEarlier: hasEarlier, hasLater: hasLater)
        } else {
            var extra = "endpoint=\(Self.escapeQuery(endpoint))"
            for (name, value) in [("status", status), ("dateFrom", parameters.get("dateFrom")), ("dateTo", parameters.get("dateTo"))] {
                if let value { extra += "&\(name)=\(Self.escapeQuery(value))" }
            }
            pagingText = offsetPaging(request, version: version, path: "batches", query: extra, offset: paging.offset, limit: paging.limit, more: more)
        }
        return .json(status: 200, text: "{\"batches\":[\(list)],\"paging\":\(pagingText)}")
    }

    /// 404 with the version's wording (the v3 default text, or a detail naming the resource for 2026).
    func notFound(_ kind: String, _ id: String, version: SimulatorAPIVersion) -> APIError {
        APIError(status: 404, detail: version.usesProblemDetails ? "\(kind) '\(id.prefix(64))' not found." : nil)
    }
}
