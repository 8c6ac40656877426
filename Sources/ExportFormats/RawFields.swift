/// The fields of one record as byte slices of one buffer: what `CSVReader.withCurrentFields(_:)`
/// lends out so that a caller can map a row without building a `String` per field.
///
/// Field `i` is `bytes[ends[i - 1]..<ends[i]]` (from 0 for the first), or `bytes[starts[i]..<ends[i]]`
/// when the fields are not back to back (an NDJSON line read by key). The bytes are valid UTF-8
/// (the reader checked them) and belong to the reader: use them only inside the closure that
/// received them. A field can be a null (an NDJSON `null`): it has no bytes and `isNull` says so;
/// CSV fields never are.
public struct RawFields {
    /// Every field's bytes, concatenated.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The end offset in `bytes` of each field.
    public let ends: UnsafeBufferPointer<Int>
    /// Per field, whether it is a null; empty when none is.
    public let nulls: UnsafeBufferPointer<Bool>
    /// The start offset in `bytes` of each field; empty when each field starts where the one
    /// before it ends.
    public let starts: UnsafeBufferPointer<Int>

    /// Wraps a concatenation of fields and their end offsets (no field is a null).
    public init(bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>) {
        self.init(bytes: bytes, ends: ends, nulls: UnsafeBufferPointer(start: nil, count: 0))
    }

    /// Wraps a concatenation of fields, their end offsets and which of them are nulls (`nulls`
    /// has one flag per field, or is empty when no field is a null).
    public init(bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>, nulls: UnsafeBufferPointer<Bool>) {
        self.init(bytes: bytes, starts: UnsafeBufferPointer(start: nil, count: 0), ends: ends, nulls: nulls)
    }

    /// Wraps fields anywhere in `bytes`: field `i` is `bytes[starts[i]..<ends[i]]`, a null when
    /// `nulls[i]` (`nulls` has one flag per field, or is empty when no field is a null).
    public init(
        bytes: UnsafeBufferPointer<UInt8>, starts: UnsafeBufferPointer<Int>, ends: UnsafeBufferPointer<Int>,
        nulls: UnsafeBufferPointer<Bool>
    ) {
        precondition(nulls.isEmpty || nulls.count == ends.count, "one null flag per field")
        precondition(starts.isEmpty || starts.count == ends.count, "one start per field")
        self.bytes = bytes
        self.starts = starts
        self.ends = ends
        self.nulls = nulls
    }

    /// Whether field `index` (0-based) is a null rather than a text (an empty one included).
    @inlinable
    public func isNull(_ index: Int) -> Bool { index < nulls.count && nulls[index] }

    /// How many fields the record has.
    @inlinable
    public var count: Int { ends.count }

    /// The bytes of field `index` (0-based).
    @inlinable
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = starts.isEmpty ? (index == 0 ? 0 : ends[index - 1]) : starts[index]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// Calls `body` with the fields of `values` laid out as a reader lays them out (for tests
    /// and for callers that hold `String`s).
    public static func with<R>(_ values: [String], _ body: (RawFields) throws -> R) rethrows -> R {
        try with(nullable: values, body)
    }

    /// Like `with(_:_:)`, where a `nil` value is a null field (as an NDJSON reader lays out a
    /// `null`).
    public static func with<R>(nullable values: [String?], _ body: (RawFields) throws -> R) rethrows -> R {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var nulls: [Bool] = []
        for value in values {
            bytes.append(contentsOf: value?.utf8 ?? "".utf8)
            ends.append(bytes.count)
        }
        if values.contains(nil) { nulls = values.map { $0 == nil } }
        return try bytes.withUnsafeBufferPointer { b in
            try ends.withUnsafeBufferPointer { e in
                try nulls.withUnsafeBufferPointer { n in try body(RawFields(bytes: b, ends: e, nulls: n)) }
            }
        }
    }
}
