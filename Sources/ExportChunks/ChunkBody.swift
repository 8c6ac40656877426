/// The layout of a chunk file, the exact body of one `POST /batches`: the one place that writes
/// and reads it (`ChunkWriter` writes chunks in it, the uploader's retry and repair chunks are
/// built with `body(items:)`, and `ChunkFile` reads items back with `itemLines(of:)`).
///
/// `{"method":"POST","endpoint":"contacts","items":[` and a newline, one item per line, the lines
/// separated by `,` at their ends, then `]}` and a newline.
public enum ChunkBody {
    /// The body up to the first item: `{"method":"POST","endpoint":"contacts","items":[` and a newline.
    public static let head = Array(#"{"method":"POST","endpoint":"contacts","items":["#.utf8) + [0x0A]
    /// The body after the last item: a newline, `]}` and a newline.
    public static let tail: [UInt8] = [0x0A, UInt8(ascii: "]"), UInt8(ascii: "}"), 0x0A]

    /// A body holding `items` (each one JSON text on one line).
    public static func body(items: [String]) -> [UInt8] {
        var out = head
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(contentsOf: [UInt8(ascii: ","), 0x0A]) }
            out.append(contentsOf: item.utf8)
        }
        if items.isEmpty { out.removeLast() }
        out.append(contentsOf: tail)
        return out
    }

    /// The item lines of `body` (one item a line between the first and the last line, trailing
    /// commas cut), or `nil` when it is not in this layout. The items are not checked.
    public static func itemLines(of body: [UInt8]) -> [ArraySlice<UInt8>]? {
        var lines = body.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard lines.count >= 3, lines[0].last == UInt8(ascii: "["), lines[lines.count - 1].starts(with: Array("]}".utf8)) else {
            return nil
        }
        return lines[1..<(lines.count - 1)].map { $0.last == UInt8(ascii: ",") ? $0.dropLast() : $0 }
    }
}
