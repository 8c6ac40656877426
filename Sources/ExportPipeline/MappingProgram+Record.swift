import ExportContactRules
import ExportCore
import ExportFormats
import ExportRuntime

extension MappingProgram {
    /// Reusable buffers for the `map` methods, so that mapping a row allocates little but its
    /// output: the email and JSON being written, and a parsed record's values laid out as fields.
    public struct Scratch: Sendable {
        var arena = ByteArena(capacity: 4096)
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var columns: [Int] = []
        var lists: [MappingValue?] = []

        /// Empty buffers.
        public init() {}
    }

    /// Maps a parsed record (an NDJSON line with nested values, a record `check` read).
    public func map(_ record: Record, bound: BoundMapping, scratch: inout Scratch) -> MappingResult {
        let arena = scratch.arena
        arena.removeAll()
        return pack(record, bound: bound, scratch: &scratch, into: arena).result(in: arena)
    }

    /// Maps `record`, binding its header first (for one-off calls; a loop binds once per header).
    public func map(_ record: Record) -> MappingResult {
        var scratch = Scratch()
        return map(record, bound: plan.bind(record.header), scratch: &scratch)
    }

    /// `map(_:bound:scratch:)`, writing a plain contact into `arena` as `pack(_:columns:origin:into:)` does.
    ///
    /// The record's scalars are laid out as fields by column slot (the dedupe date field last) in
    /// `scratch`; a missing, null or object value is a column without a field, and an array is a
    /// list of its scalars' texts.
    public func pack(_ record: Record, bound: BoundMapping, scratch: inout Scratch, into arena: ByteArena)
        -> PackOutcome
    {
        Self.withRow(record, bound: bound, runDate: runDate, scratch: &scratch) { row, dedupeDate in
            run(row, dedupeDate: dedupeDate, into: arena)
        }
    }

    /// Calls `body` with `record` laid out as a `FieldRow` in `scratch`, and the field of the
    /// dedupe date (`-1` for none): what the program and `check`'s sample checks read a parsed
    /// record through.
    static func withRow<R>(
        _ record: Record, bound: BoundMapping, runDate: String, scratch: inout Scratch, _ body: (FieldRow, Int) -> R
    ) -> R {
        scratch.bytes.removeAll(keepingCapacity: true)
        scratch.ends.removeAll(keepingCapacity: true)
        scratch.columns.removeAll(keepingCapacity: true)
        scratch.lists.removeAll(keepingCapacity: true)
        var hasLists = false
        for lookup in bound.lookups {
            let value = BoundMapping.value(lookup, in: record)
            if case .array(let items)? = value {
                scratch.lists.append(.list(items.compactMap { $0.text.map(TextOps.trim) }))
                hasLists = true
            } else {
                scratch.lists.append(nil)
            }
            scratch.columns.append(append(value, to: &scratch) ? scratch.ends.count - 1 : -1)
        }
        var dedupeDate = -1
        if bound.dedupeDate != nil, append(BoundMapping.value(bound.dedupeDate, in: record), to: &scratch) {
            dedupeDate = scratch.ends.count - 1
        }
        let slots = scratch.columns
        let lists = hasLists ? scratch.lists : []
        return scratch.bytes.withUnsafeBufferPointer { bytes in
            scratch.ends.withUnsafeBufferPointer { ends in
                body(
                    FieldRow(
                        fields: RawFields(bytes: bytes, ends: ends), slots: slots, lists: lists, origin: record.origin,
                        runDate: runDate),
                    dedupeDate)
            }
        }
    }

    /// Appends a scalar `value` as one field; `false` (nothing appended) for an absent value, a
    /// null, an array or an object.
    private static func append(_ value: FieldValue?, to scratch: inout Scratch) -> Bool {
        switch value {
        case nil, .null?, .array?, .object?: return false
        case .string(let text)?: scratch.bytes.append(contentsOf: text.utf8)
        case .number(let text)?: scratch.bytes.append(contentsOf: text.utf8)
        case .bool(let flag)?: scratch.bytes.append(contentsOf: flag ? trueBytes : falseBytes)
        }
        scratch.ends.append(scratch.bytes.count)
        return true
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
}
