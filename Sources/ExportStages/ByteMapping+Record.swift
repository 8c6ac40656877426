import ExportCore
import ExportFormats

extension ByteMapping {
    /// Reusable buffers for the `map` methods, so that mapping a row allocates nothing but its
    /// output: the email and JSON being written, and a parsed record's values laid out as fields.
    public struct Scratch: Sendable {
        var arena = ByteArena(capacity: 4096)
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var columns: [Int] = []

        /// Empty buffers.
        public init() {}
    }

    /// Maps a parsed record (an NDJSON line) exactly as `ContactMapper.map(_:bound:)` does, when
    /// every value the mapping reads is a string, number, boolean or null; `nil` when one is an
    /// array or object (then `ContactMapper` maps the row).
    public func map(_ record: Record, bound: BoundMapping, scratch: inout Scratch) -> MappingResult? {
        scratch.arena.removeAll()
        let arena = scratch.arena
        return pack(record, bound: bound, scratch: &scratch, into: arena)?.result(in: arena)
    }

    /// `map(_:bound:scratch:)`, writing a plain contact into `arena` as `pack(_:columns:into:)` does.
    ///
    /// The values are laid out as fields by column slot (the dedupe date field last) in
    /// `scratch`; a missing or null value is a column without a field.
    public func pack(_ record: Record, bound: BoundMapping, scratch: inout Scratch, into arena: ByteArena)
        -> PackOutcome?
    {
        scratch.bytes.removeAll(keepingCapacity: true)
        scratch.ends.removeAll(keepingCapacity: true)
        scratch.columns.removeAll(keepingCapacity: true)
        for lookup in bound.lookups {
            guard let present = Self.append(BoundMapping.value(lookup, in: record), to: &scratch) else { return nil }
            scratch.columns.append(present ? scratch.ends.count - 1 : -1)
        }
        var dedupeDate = -1
        if bound.dedupeDate != nil {
            guard let present = Self.append(BoundMapping.value(bound.dedupeDate, in: record), to: &scratch) else {
                return nil
            }
            if present { dedupeDate = scratch.ends.count - 1 }
        }
        let columns = Columns(header: bound.header, fields: scratch.columns, dedupeDate: dedupeDate)
        return scratch.bytes.withUnsafeBufferPointer { bytes in
            scratch.ends.withUnsafeBufferPointer { ends in
                pack(RawFields(bytes: bytes, ends: ends), columns: columns, into: arena)
            }
        }
    }

    /// Appends `value` as one field; `true` when it is there, `false` when it is absent or null,
    /// `nil` when it is an array or object.
    private static func append(_ value: FieldValue?, to scratch: inout Scratch) -> Bool? {
        switch value {
        case nil, .null?: return false
        case .string(let text)?: scratch.bytes.append(contentsOf: text.utf8)
        case .number(let text)?: scratch.bytes.append(contentsOf: text.utf8)
        case .bool(let flag)?: scratch.bytes.append(contentsOf: flag ? trueBytes : falseBytes)
        case .array?, .object?: return nil
        }
        scratch.ends.append(scratch.bytes.count)
        return true
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
}
