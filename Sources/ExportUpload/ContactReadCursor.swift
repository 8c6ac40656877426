import ExportChunks
import ExportCore
import Foundation

/// Where a paged read of a destination's contacts stands, saved (atomically) after each page so
/// that a stopped or crashed read resumes from the next page instead of page one.
///
/// A small JSON file: the query of the next page, the destination it belongs to (URL and
/// version, never the key), how many contacts were read and how many bytes of output were
/// written with them (a resume cuts the output back to that length, so no line is written twice).
public struct ContactReadCursor: Sendable, Codable, Equatable {
    /// The file format version (1).
    public var formatVersion = 1
    /// The base URL read from.
    public var baseURL: String
    /// The API version read with.
    public var apiVersion: String
    /// The query of the next page to read.
    public var nextQuery: String
    /// Contacts read so far.
    public var contactsRead: Int
    /// Bytes of output written for the contacts read so far.
    public var outputBytes: Int

    /// Creates a cursor.
    public init(baseURL: String, apiVersion: String, nextQuery: String, contactsRead: Int, outputBytes: Int) {
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.nextQuery = nextQuery
        self.contactsRead = contactsRead
        self.outputBytes = outputBytes
    }

    /// Reads the cursor at `path`; nil when there is none.
    /// - Throws: `ExportError(.corruptInput)` naming the file when it does not parse.
    public static func read(path: String) throws -> ContactReadCursor? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(ContactReadCursor.self, from: data)
        } catch {
            throw ExportError(.corruptInput, "the saved read position does not parse (delete it to start over): \(error)", path: path)
        }
    }

    /// Writes the cursor to `path` atomically.
    public func write(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFileWriter.write(Array(try encoder.encode(self)) + [UInt8(ascii: "\n")], to: path)
    }

    /// Deletes the cursor at `path` (a finished read).
    public static func remove(path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
