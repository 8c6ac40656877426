import ExportCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads newline-delimited JSON (one object per line) from any `ByteSource`.
///
/// Each line is one record: its top-level keys, in order, become the record's header (the last
/// value wins when a key repeats, and the key appears once, where it first appeared), its values
/// keep their JSON kind. Lines end in LF or CRLF; a UTF-8 byte order mark at the start is skipped;
/// blank lines (spaces, tabs, CR) are skipped and not counted as rows. A line that is invalid UTF-8
/// (`invalid_utf8`), not JSON (`invalid_json`), not an object (`not_an_object`) or longer than
/// `maxLineBytes` (`line_too_large`, without buffering it) is returned as `.malformed`, and
/// reading goes on. Memory is the 256 KiB read buffer plus at most one line.
public struct NDJSONReader<Source: ByteSource>: RecordReader {
    private var input: InputBuffer<Source>
    private let file: String
    private let member: String?
    private let maxLineBytes: Int
    private var started = false
    /// Complete lines consumed so far (blank ones included); the next line is `linesRead + 1`.
    private var linesRead = 0
    private var index = 0
    /// The start of a line that continues in the next buffer.
    private var pending: [UInt8] = []
    /// Whether the line being read has already passed `maxLineBytes` (its bytes are dropped).
    private var overflowing = false
    /// The header of the previous record, reused while the keys stay the same.
    private var cachedHeader: Header? {
        didSet { flatKeys = cachedHeader.flatMap { FlatObjectKeys($0.names) } }
    }
    /// `cachedHeader`'s keys for the parser's fast path, when they qualify.
    private var flatKeys: FlatObjectKeys?

    /// Creates a reader of `source`, which `file` (and `member`, inside a bundle) names in origins.
    /// - Parameter maxLineBytes: the longest line accepted, in bytes (without its line break).
    public init(source: Source, file: String, member: String? = nil, maxLineBytes: Int = 1 << 20) {
        input = InputBuffer(source: source)
        self.file = file
        self.member = member
        self.maxLineBytes = maxLineBytes
    }

    /// The values of the line `nextRaw()` last returned as `.fields`, their end offsets, and
    /// which are nulls (empty when none is).
    private var fieldBytes: [UInt8] = []
    private var fieldStarts: [Int] = []
    private var fieldEnds: [Int] = []
    private var fieldNulls: [Bool] = []
    /// How many bytes of `fieldBytes` the last `.fields` line wrote.
    private var fieldCount = 0
    /// The keys `nextRaw()` has read lines by, and the header naming their fields.
    private var keyTable = NDJSONKeyTable()
    private var keyHeader: Header?

    /// The next record or malformed line, or `nil` at the end of the input.
    /// - Throws: `ExportError` for a UTF-16 input and errors of the source.
    public mutating func next() throws -> ReadOutcome? {
        switch try nextLine(raw: false) {
        case nil: return nil
        case .malformed(let rejection): return .malformed(rejection)
        case .record(let record): return .record(record)
        case .fields: preconditionFailure("only nextRaw() lends fields")
        }
    }

    /// What `nextRaw()` found: a malformed line, a record, or a line whose values
    /// `withCurrentFields(_:)` now lends out as bytes.
    public enum RawOutcome: Sendable {
        /// A line the reader rejects, as `next()` would.
        case malformed(Rejection)
        /// A record that is not lent as bytes (other keys than the line before, or a nested value),
        /// as `next()` would return it.
        case record(Record)
        /// A flat object (keys written without escapes; only string, number, boolean and null
        /// values), read by key: `withCurrentFields(_:)` lends one field per key of `fieldsHeader`
        /// (every key the input's lines have used so far), with each value's text (a string
        /// decoded, a number as written, `true` or `false`), the same text `FieldValue.text` gives
        /// for the record `next()` returns; a null, or a key the line lacks, is an empty field
        /// for which `RawFields.isNull` is true.
        case fields(RecordOrigin)
    }

    /// The keys of the last record (shared by the lines that repeat them).
    public var header: Header? { cachedHeader }

    /// The names of the fields `withCurrentFields(_:)` lends: every key the lines read by key
    /// have used so far, in the order they first appeared (the same `Header` while no key is added).
    public var fieldsHeader: Header? { keyHeader }

    /// Like `next()`, but a flat line (scalar values, keys without escapes) comes back as
    /// `.fields`, read by key whatever its keys' order or which it leaves out, without a
    /// `FieldValue` or `String` per value; `withCurrentFields(_:)` reads it until the next call to
    /// a reading method.
    /// - Throws: as `next()`.
    public mutating func nextRaw() throws -> RawOutcome? {
        try nextLine(raw: true)
    }

    /// Calls `body` with the values of the line `nextRaw()` last returned as `.fields`, one
    /// field per key of `fieldsHeader`.
    public func withCurrentFields<R>(_ body: (RawFields) throws -> R) rethrows -> R {
        try fieldBytes.withUnsafeBufferPointer { bytes in
            try fieldStarts.withUnsafeBufferPointer { starts in
                try fieldEnds.withUnsafeBufferPointer { ends in
                    try fieldNulls.withUnsafeBufferPointer { nulls in
                        try body(
                            RawFields(
                                bytes: UnsafeBufferPointer(rebasing: bytes[..<fieldCount]), starts: starts, ends: ends,
                                nulls: nulls))
                    }
                }
            }
        }
    }

    /// The next line's outcome; `raw` allows `.fields`.
    private mutating func nextLine(raw: Bool) throws -> RawOutcome? {
        if !started {
            started = true
            try input.consumeByteOrderMark(
                origin: RecordOrigin(file: file, member: member, line: 1, index: 0), transcoded: false)
        }
        while true {
            if input.start == input.end, try !input.refill() {
                // A last line without a line break.
                guard overflowing || !pending.isEmpty else { return nil }
                linesRead += 1
                if let outcome = completeLine(tail: UnsafeBufferPointer(start: nil, count: 0), raw: raw) { return outcome }
                continue
            }
            let unread = input.unread
            guard let lineFeed = Self.firstLineFeed(in: unread) else {
                input.start = input.end
                if !overflowing {
                    if pending.count + unread.count > maxLineBytes {
                        overflowing = true
                        pending = []
                    } else {
                        pending.append(contentsOf: unread)
                    }
                }
                continue
            }
            input.start += lineFeed + 1
            linesRead += 1
            if let outcome = completeLine(tail: UnsafeBufferPointer(rebasing: unread[..<lineFeed]), raw: raw) {
                return outcome
            }
        }
    }

    /// Finishes the line whose last bytes are `tail` (after any `pending` bytes).
    /// - Returns: its outcome, or `nil` for a blank line.
    private mutating func completeLine(tail: UnsafeBufferPointer<UInt8>, raw: Bool) -> RawOutcome? {
        defer {
            overflowing = false
            pending.removeAll(keepingCapacity: pending.capacity <= 64 * 1024)
        }
        if overflowing || pending.count + tail.count > maxLineBytes {
            return .malformed(
                Rejection(
                    origin: nextOrigin(), reason: "line_too_large",
                    detail: "the line is longer than the limit of \(maxLineBytes) bytes"))
        }
        if pending.isEmpty { return outcome(of: tail, raw: raw) }
        pending.append(contentsOf: tail)
        return pending.withUnsafeBufferPointer { outcome(of: $0, raw: raw) }
    }

    private mutating func outcome(of line: UnsafeBufferPointer<UInt8>, raw: Bool) -> RawOutcome? {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return nil }
        let origin = nextOrigin()
        // Most lines are flat objects with the previous line's keys. The flat parsers check the
        // UTF-8 of the strings they read, so a line they take is valid UTF-8; any other line is
        // checked here first, so that invalid UTF-8 is reported as such.
        if raw {
            let known = keyTable.count
            if let count = JSONValueParser.parseKeyedObject(
                line, table: &keyTable, fields: &fieldBytes, starts: &fieldStarts, ends: &fieldEnds, nulls: &fieldNulls)
            {
                fieldCount = count
                if keyHeader == nil || keyTable.count != known { keyHeader = Header(keyTable.names) }
                return .fields(origin)
            }
            keyTable.restore(count: known)
        } else if let flatKeys, let cachedHeader, let values = JSONValueParser.parseFlatObject(line, keys: flatKeys) {
            return .record(Record(header: cachedHeader, values: values, origin: origin))
        }
        if let offset = UTF8Validator.firstInvalidOffset(line) {
            return .malformed(
                Rejection(origin: origin, reason: "invalid_utf8", detail: "invalid UTF-8 at column \(offset + 1)"))
        }
        let value: FieldValue
        do {
            value = try JSONValueParser.parse(line)
        } catch {
            return .malformed(
                Rejection(
                    origin: origin, reason: "invalid_json", detail: "\(error.message) at column \(error.offset + 1)"))
        }
        guard case .object(let object) = value else {
            return .malformed(
                Rejection(
                    origin: origin, reason: "not_an_object",
                    detail: "the line holds a JSON \(Self.kind(of: value)), not an object"))
        }
        return .record(record(from: object, origin: origin))
    }

    private mutating func record(from object: JSONObject, origin: RecordOrigin) -> Record {
        var keys = object.keys
        var values = object.values
        // Most lines repeat the previous line's keys, which are known to be distinct.
        if let cachedHeader, cachedHeader.names == keys {
            return Record(header: cachedHeader, values: values, origin: origin)
        }
        if Self.hasRepeatedKeys(keys) {
            // The last value wins; the key keeps the place where it first appeared.
            var positions: [String: Int] = [:]
            var uniqueKeys: [String] = []
            var uniqueValues: [FieldValue] = []
            for (key, value) in zip(keys, values) {
                if let position = positions[key] {
                    uniqueValues[position] = value
                } else {
                    positions[key] = uniqueKeys.count
                    uniqueKeys.append(key)
                    uniqueValues.append(value)
                }
            }
            keys = uniqueKeys
            values = uniqueValues
        }
        let header: Header
        if let cachedHeader, cachedHeader.names == keys {
            header = cachedHeader
        } else {
            header = Header(keys)
            cachedHeader = header
        }
        return Record(header: header, values: values, origin: origin)
    }

    private mutating func nextOrigin() -> RecordOrigin {
        defer { index += 1 }
        return RecordOrigin(file: file, member: member, line: linesRead, index: index)
    }

    /// The offset of the first line feed in `bytes` (`memchr`, many bytes per step).
    private static func firstLineFeed(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, let found = memchr(base, 0x0A, bytes.count) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private static func hasRepeatedKeys(_ keys: [String]) -> Bool {
        if keys.count <= 16 {
            for i in keys.indices {
                for j in keys.indices where j > i && keys[i] == keys[j] { return true }
            }
            return false
        }
        return Set(keys).count != keys.count
    }

    private static func kind(of value: FieldValue) -> String {
        switch value {
        case .string: return "string"
        case .number: return "number"
        case .bool: return "boolean"
        case .null: return "null"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
