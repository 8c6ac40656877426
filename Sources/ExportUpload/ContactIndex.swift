import ExportRunFolder

/// Where kept contacts came from, read from `contacts.ndjson` (`ContactLine`) for the
/// `(chunk, item)` pairs asked for.
public struct ContactIndex: Sendable {
    /// Lines by `chunk` then `item`.
    public private(set) var entries: [Int: [Int: ContactLine]] = [:]

    /// Reads the lines of `chunks` (every chunk when `nil`) from the run folder.
    public init(runDirectory: String, chunks: Set<Int>?) {
        if chunks?.isEmpty == true { return }
        SideFileReader(runDirectory: runDirectory).forEach(ContactLine.self) { line in
            if chunks?.contains(line.chunk) ?? true { entries[line.chunk, default: [:]][line.item] = line }
            return true
        }
    }

    /// The line of one item.
    public func entry(chunk: Int, item: Int) -> ContactLine? { entries[chunk]?[item] }

}
