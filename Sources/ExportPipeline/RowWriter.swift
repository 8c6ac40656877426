import ExportCore

/// Writes one contact's JSON through a pointer into a buffer given beforehand, without the
/// checks and reference counting of `Array.append` per piece. A write that would not fit sets
/// `overflowed` and writes nothing more: the caller tries again with a larger buffer.
struct RowWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// How many bytes have been written.
    private(set) var count = 0
    /// Whether a write did not fit.
    private(set) var overflowed = false

    /// A writer at the start of `buffer`.
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    /// Whether `n` more bytes fit; when not, the writer is marked overflowed.
    @inline(__always)
    private mutating func room(_ n: Int) -> Bool {
        if overflowed || count + n > capacity {
            overflowed = true
            return false
        }
        return true
    }

    /// Writes `bytes` as they are.
    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard room(bytes.count), let source = bytes.baseAddress else { return }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Writes `bytes` as they are.
    @inline(__always)
    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    /// Writes one byte.
    @inline(__always)
    mutating func write(_ byte: UInt8) {
        guard room(1) else { return }
        base[count] = byte
        count += 1
    }

    /// Writes the UTF-8 text `bytes` as a quoted JSON string (as `JSONText.appendString` does).
    @inline(__always)
    mutating func writeString(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard room(JSONText.escapedCapacity(bytes.count) + 2) else { return }
        base[count] = UInt8(ascii: "\"")
        count += 1 + JSONText.writeEscaped(bytes, to: base + count + 1)
        base[count] = UInt8(ascii: "\"")
        count += 1
    }

    /// Writes the UTF-8 text `bytes` JSON-escaped, without quotes.
    @inline(__always)
    mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard room(JSONText.escapedCapacity(bytes.count)) else { return }
        count += JSONText.writeEscaped(bytes, to: base + count)
    }

    /// The bytes written in `range` (within `0..<count`).
    func written(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range beyond the written bytes")
        return UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// Forgets the bytes written from `mark` on (a `count` read earlier).
    mutating func rewind(to mark: Int) {
        precondition(mark >= 0 && mark <= count, "rewind beyond the written bytes")
        count = mark
    }

    /// Writes `text` as a quoted JSON string.
    mutating func writeString(_ text: String) {
        var text = text
        text.withUTF8 { writeString($0) }
    }
}
