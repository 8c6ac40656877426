import ExportCore
import Foundation

/// Where a paged read of a destination's contacts stands, saved after each page so that a
/// stopped or crashed read resumes from the next page instead of page one. `state rebuild`
/// keeps it in the destination state, committed with the page's contacts.
///
/// A small JSON object: the query of the next page, the destination it belongs to (URL and
/// version, never the key) and how many contacts were read so far.
public struct ContactReadCursor: Sendable, Codable, Equatable {
    /// The format version (1).
    public var formatVersion = 1
    /// The base URL read from.
    public var baseURL: String
    /// The API version read with.
    public var apiVersion: String
    /// The query of the next page to read.
    public var nextQuery: String
    /// Contacts read so far.
    public var contactsRead: Int

    /// Creates a cursor.
    public init(baseURL: String, apiVersion: String, nextQuery: String, contactsRead: Int) {
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.nextQuery = nextQuery
        self.contactsRead = contactsRead
    }

    /// The cursor as one line of JSON (sorted keys).
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads a cursor saved as `text`.
    /// - Parameter path: the file it was kept in, for the error.
    /// - Throws: `ExportError(.corruptInput)` naming `path` when it does not parse.
    public static func decode(_ text: String, path: String) throws -> ContactReadCursor {
        do {
            return try JSONDecoder().decode(ContactReadCursor.self, from: Data(text.utf8))
        } catch {
            throw ExportError(.corruptInput, "the saved read position does not parse (start over with --restart)", path: path, cause: error)
        }
    }

    /// Whether the cursor is of a read of `target` (base URL and API version).
    public func matches(_ target: UploadTarget) -> Bool {
        baseURL == target.baseURL && apiVersion == target.apiVersion.rawValue
    }
}
