/// The fields of one record as byte slices of one buffer: what `CSVReader.withCurrentFields(_:)`
/// lends out so that a caller can map a row without building a `String` per field.
///
/// Field `i` is `bytes[ends[i - 1]..<ends[i]]` (from 0 for the first). The bytes are valid UTF-8
/// (the reader checked them) and belong to the reader: use them only inside the closure that
/// received them.
public struct RawFields {
    /// Every field's bytes, concatenated.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The end offset in `bytes` of each field.
    public let ends: UnsafeBufferPointer<Int>

    /// Wraps a concatenation of fields and their end offsets.
    public init(bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>) {
        self.bytes = bytes
        self.ends = ends
    }

    /// How many fields the record has.
    @inlinable
    public var count: Int { ends.count }

    /// The bytes of field `index` (0-based).
    @inlinable
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// Calls `body` with the fields of `values` laid out as a reader lays them out (for tests
    /// and for callers that hold `String`s).
    public static func with<R>(_ values: [String], _ body: (RawFields) throws -> R) rethrows -> R {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for value in values {
            bytes.append(contentsOf: value.utf8)
            ends.append(bytes.count)
        }
        return try bytes.withUnsafeBufferPointer { b in
            try ends.withUnsafeBufferPointer { e in try body(RawFields(bytes: b, ends: e)) }
        }
    }
}
