import Foundation

/// Reads the NDJSON side files of a run folder a line at a time, in blocks, without holding a
/// file whole (a 1M-row run's rejects file is hundreds of megabytes), and decodes each line
/// into its `SideFileLine` type.
///
/// A line that is not the type's JSON object is skipped, as a missing file reads as empty:
/// readers describe what a run folder holds and never fail on one odd line.
public struct SideFileReader: Sendable {
    /// The run folder.
    public let runDirectory: String

    /// A reader of the side files of `runDirectory`.
    public init(runDirectory: String) {
        self.runDirectory = runDirectory
    }

    /// Calls `body` with each line of `Line`'s file that decodes, until it returns `false`.
    public func forEach<Line: SideFileLine>(_ type: Line.Type, _ body: (Line) throws -> Bool) rethrows {
        let decoder = JSONDecoder()
        try Self.forEachLine(path: "\(runDirectory)/\(Line.fileName)") { bytes in
            guard let line = Self.decode(Line.self, from: bytes, decoder: decoder) else { return true }
            return try body(line)
        }
    }

    /// Every line of `Line`'s file that decodes, in file order.
    public func lines<Line: SideFileLine>(_ type: Line.Type) -> [Line] {
        var out: [Line] = []
        forEach(type) { line in
            out.append(line)
            return true
        }
        return out
    }

    /// `bytes` (one line, without its newline) decoded as `Line`; `nil` when they are not one.
    public static func decode<Line: SideFileLine>(
        _ type: Line.Type, from bytes: some Collection<UInt8>, decoder: JSONDecoder = JSONDecoder()
    ) -> Line? {
        try? decoder.decode(Line.self, from: Data(bytes))
    }

    /// Calls `body` with each non-empty line of the file at `path` (without its newline) until
    /// it returns `false`; nothing when the file is missing.
    public static func forEachLine(path: String, _ body: (ArraySlice<UInt8>) throws -> Bool) rethrows {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        while true {
            let block = (try? handle.read(upToCount: 1 << 20)) ?? nil
            guard let block, !block.isEmpty else { break }
            pending.append(contentsOf: block)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                if newline > start, try !body(pending[start..<newline]) { return }
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { _ = try body(pending[...]) }
    }
}
