import Crypto
import ExportChunks
import ExportCore
import Foundation

/// A chunk file read from a run folder and checked against the sha256 the manifest (or the
/// checkpoint, for retry chunks) recorded. Its bytes are the exact request body.
public struct ChunkFile: Sendable {
    /// The path relative to the run folder.
    public let file: String
    /// The exact request body.
    public let body: [UInt8]

    /// Reads `file` under `runDirectory` and checks its sha256.
    /// - Throws: `ExportError.tampered` naming the file when it is missing or its bytes changed.
    public init(runDirectory: String, file: String, sha256: String) throws {
        let path = "\(runDirectory)/\(file)"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExportError(.tampered, "the chunk file is missing; the run folder changed since prepare", path: file)
        }
        let bytes = [UInt8](data)
        guard Self.sha256Hex(bytes) == sha256.lowercased() else {
            throw ExportError(.tampered, "the chunk file does not match the sha256 in the manifest; the run folder changed since prepare", path: file)
        }
        self.file = file
        self.body = bytes
    }

    /// The lowercase hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The items of the request, each as its raw JSON text, in order.
    ///
    /// Chunks are written one item per line; when that layout holds the lines are used as they
    /// are, otherwise the body is parsed and each item re-serialised.
    public func itemTexts() throws -> [String] {
        if let lines = itemLines(), lines.allSatisfy({ if case .object? = FastJSON.value($0) { true } else { false } }) {
            return lines.map { String(decoding: $0, as: UTF8.self) }
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let items = object["items"] as? [Any]
        else {
            throw ExportError(.tampered, "the chunk is not a batch request body", path: file)
        }
        return try items.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
    }

    /// The item lines of the chunk layout, or `nil` when the body is not in it.
    private func itemLines() -> [ArraySlice<UInt8>]? { ChunkBody.itemLines(of: body) }

    /// The email of each item (`nil` for an item without an email identifier), in order.
    public func itemEmails() throws -> [String?] {
        if let lines = itemLines() {
            var emails: [String?] = []
            emails.reserveCapacity(lines.count)
            for line in lines {
                guard case .object(let object)? = FastJSON.value(line) else { break }
                emails.append(ContactItem.email(of: object))
            }
            if emails.count == lines.count { return emails }
        }
        return try itemTexts().map { Self.email(ofItemJSON: $0) }
    }

    /// The email identifier of one contact item given as JSON text (see `ContactItem.email(of:)`).
    public static func email(ofItemJSON text: String) -> String? {
        guard case .object(let object)? = FastJSON.value(Array(text.utf8)) else { return nil }
        return ContactItem.email(of: object)
    }

    /// `ContactItem.email(of:)` of an item in Foundation shapes (a request or contact bridged from
    /// JSON): only the parts the rule reads are carried over.
    public static func email(ofItem object: [String: Any]) -> String? {
        var item = JSONObject()
        if let identifiers = object["identifiers"] as? [[String: Any]] {
            let entries = identifiers.map { identifier in
                FieldValue.object(JSONObject(
                    keys: ["type", "id"],
                    values: [identifier["type"] as? String, identifier["id"] as? String].map { $0.map(FieldValue.string) ?? .null }))
            }
            item.keys.append("identifiers")
            item.values.append(.array(entries))
        }
        if let email = object["email"] as? String {
            item.keys.append("email")
            item.values.append(.string(email))
        }
        return ContactItem.email(of: item)
    }

    /// Writes a request body holding `items` (raw JSON texts) in the chunk layout.
    public static func body(items: [String]) -> [UInt8] { ChunkBody.body(items: items) }
}
