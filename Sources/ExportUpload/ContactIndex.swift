import ExportCore
import Foundation

/// Where kept contacts came from, read from `contacts.ndjson` (`{"email","chunk","item","input","line"}`)
/// for the `(chunk, item)` pairs asked for.
public struct ContactIndex: Sendable {
    /// One kept contact's origin.
    public struct Entry: Sendable, Equatable {
        public var email: String
        public var chunk: Int
        public var item: Int
        public var input: String
        public var line: Int
    }

    /// Entries by `chunk` then `item`.
    public private(set) var entries: [Int: [Int: Entry]] = [:]

    /// Reads the entries of `chunks` (every chunk when `nil`) from the run folder.
    public init(runDirectory: String, chunks: Set<Int>?) {
        if chunks?.isEmpty == true { return }
        guard let data = FileManager.default.contents(atPath: "\(runDirectory)/\(RunFolderLayout.contacts)") else { return }
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                let chunk = object["chunk"] as? Int, chunks?.contains(chunk) ?? true, let item = object["item"] as? Int
            else { continue }
            entries[chunk, default: [:]][item] = Entry(
                email: object["email"] as? String ?? "", chunk: chunk, item: item, input: object["input"] as? String ?? "",
                line: object["line"] as? Int ?? 0)
        }
    }

    /// The entry of one item.
    public func entry(chunk: Int, item: Int) -> Entry? { entries[chunk]?[item] }

    /// Every entry whose email is `email`.
    public func entries(email: String) -> [Entry] {
        entries.values.flatMap(\.values).filter { $0.email == email }
    }
}
