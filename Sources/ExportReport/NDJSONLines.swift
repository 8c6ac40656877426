import Foundation

/// Reads a side file a line at a time, in blocks, without holding it whole (a 1M-row run's
/// rejects file is hundreds of megabytes).
enum NDJSONLines {
    /// Calls `body` with each non-empty line until it returns `false`; nothing when the file is missing.
    static func forEach(path: String, _ body: (ArraySlice<UInt8>) -> Bool) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        while true {
            let block = (try? handle.read(upToCount: 1 << 20)) ?? nil
            guard let block, !block.isEmpty else { break }
            pending.append(contentsOf: block)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                if newline > start && !body(pending[start..<newline]) { return }
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { _ = body(pending[...]) }
    }

    /// The string value of `key` in a compact JSON line as our writers write it (`"key":"value"`),
    /// unescaped; `nil` when absent or not a string.
    static func string(_ key: String, in line: ArraySlice<UInt8>) -> String? {
        guard let start = valueStart(key, in: line), start < line.endIndex, line[start] == UInt8(ascii: "\"") else { return nil }
        var end = start + 1
        var escaped = false
        while end < line.endIndex && line[end] != UInt8(ascii: "\"") {
            if line[end] == UInt8(ascii: "\\") {
                escaped = true
                end += 1
            }
            end += 1
        }
        guard end < line.endIndex else { return nil }
        if !escaped { return String(decoding: line[(start + 1)..<end], as: UTF8.self) }
        let quoted = Data(line[start...end])
        return (try? JSONSerialization.jsonObject(with: quoted, options: .fragmentsAllowed)) as? String
    }

    /// The integer value of `key` (`"key":123`).
    static func int(_ key: String, in line: ArraySlice<UInt8>) -> Int? {
        guard let start = valueStart(key, in: line) else { return nil }
        var end = start
        while end < line.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[end]) { end += 1 }
        return Int(String(decoding: line[start..<end], as: UTF8.self))
    }

    private static func valueStart(_ key: String, in line: ArraySlice<UInt8>) -> Int? {
        let needle = Array("\"\(key)\":".utf8)
        guard needle.count <= line.count else { return nil }
        var i = line.startIndex
        let last = line.endIndex - needle.count
        while i <= last {
            if line[i] == needle[0] && line[i..<(i + needle.count)].elementsEqual(needle) { return i + needle.count }
            i += 1
        }
        return nil
    }
}
