import ExportCore
import Foundation

/// One stored batch, as `GET /batches/{id}` shows it.
struct BatchRecord: Sendable, Equatable {
    var rowID: Int64
    var brand: String
    var method: String
    var endpoint: String
    var origin: String?
    var status: String
    var createdAt: Double
    var startedAt: Double?
    var endedAt: Double?
    var totalCount: Int
    var finishedCount: Int
    var errorsCount: Int
    /// The batch fault drawn for this batch (`stopped`, `partial`), if any.
    var fault: String?
    /// The API version it came in on (raw value); its item errors are written in that version's
    /// style (RFC 9457 problems for 2026-03-15). `nil` (batches stored before it was recorded): v3.
    var apiVersion: String? = nil

    /// The version whose style its item errors take.
    var itemVersion: SimulatorAPIVersion { apiVersion.flatMap(SimulatorAPIVersion.init(rawValue:)) ?? .v3 }

    var batchID: String { ObjectID.make(ObjectID.batch, rowID) }

    /// The batch object as JSON text (without the closing brace when `open` is true, so the items
    /// route can append `errors` and `responses`).
    func json(version: SimulatorAPIVersion, open: Bool = false) -> String {
        var fields = [
            "\"batchID\":\(JSONText.quoted(batchID))",
            "\"method\":\(JSONText.quoted(method))",
            "\"endpoint\":\(JSONText.quoted(endpoint))",
            "\"status\":\(JSONText.quoted(status))",
            "\"createdAt\":\(JSONText.quoted(DateText.format(Date(timeIntervalSince1970: createdAt))))",
        ]
        if let startedAt { fields.append("\"startedAt\":\(JSONText.quoted(DateText.format(Date(timeIntervalSince1970: startedAt))))") }
        if let endedAt { fields.append("\"endedAt\":\(JSONText.quoted(DateText.format(Date(timeIntervalSince1970: endedAt))))") }
        fields.append("\"totalCount\":\(totalCount)")
        fields.append("\"finishedCount\":\(finishedCount)")
        fields.append("\"errorsCount\":\(errorsCount)")
        if version.usesProblemDetails, let origin { fields.append("\"origin\":\(JSONText.quoted(origin))") }
        return "{" + fields.joined(separator: ",") + (open ? "" : "}")
    }
}

/// One item of a stored batch: the request as sent and, once processed, its result.
struct BatchItemRecord: Sendable, Equatable {
    var index: Int
    var request: String
    var responseCode: Int?
    var response: String?

    var itemID: String { String(index + 1) }
    var isError: Bool { (responseCode ?? 200) >= 300 }

    /// The item as JSON text (see ``write(into:batch:)``).
    func json(batch: BatchRecord? = nil) -> String {
        var out: [UInt8] = []
        write(into: &out, batch: batch)
        return String(decoding: out, as: UTF8.self)
    }
}
