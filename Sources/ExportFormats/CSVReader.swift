import ExportCore

/// Reads an RFC 4180 CSV input, one record at a time, from any `ByteSource`.
///
/// The first non-blank row is the header (unless `CSVOptions.columns` names the columns). Quoted
/// fields may hold delimiters, doubled quotes and line breaks; lines end in LF, CRLF or a lone CR;
/// a UTF-8 byte order mark is skipped. A bad row (wrong field count, invalid UTF-8, a field over
/// the size limit, text after a closing quote) is returned as `.malformed` and reading goes on;
/// only an unusable input (an unterminated quote at the end, a UTF-16 file, a bad header) throws.
///
/// Memory is one 256 KiB read buffer plus the current record, which the size limits bound (with
/// room for one read buffer more, which the parser copies into a word at a time), so a 100 MB
/// field or a file without a single line break cannot grow it.
public struct CSVReader<Source: ByteSource>: RecordReader {
    /// The column names: `CSVOptions.columns`, or the header row once it has been read (`nil`
    /// before that, and for an empty input).
    public private(set) var header: Header?

    private var input: InputBuffer<Source>
    private var parser: CSVRowParser
    private let file: String
    private let member: String?
    private let transcoded: Bool
    private var started = false
    private var index = 0
    /// Whether the parser still holds the row `nextRaw()` returned (reset before reading on).
    private var pending = false

    /// Creates a reader of `source`, which `file` (and `member`, inside a bundle) names in origins.
    public init(source: Source, file: String, member: String? = nil, options: CSVOptions = CSVOptions()) {
        input = InputBuffer(source: source, transcoder: SingleByteTranscoder(options.encoding))
        parser = CSVRowParser(
            delimiter: options.delimiter, quote: options.quote, maxFieldBytes: options.maxFieldBytes,
            maxRecordBytes: options.maxRecordBytes)
        self.file = file
        self.member = member
        transcoded = options.encoding != .utf8
        header = options.columns.map { Header($0) }
    }

    /// Reads the header row if it has not been read yet (`next()` does so by itself).
    /// - Returns: the header, or `nil` when the input holds no rows at all.
    /// - Throws: `ExportError` when the header row is invalid UTF-8, too large or badly quoted.
    public mutating func readHeader() throws -> Header? {
        if let header { return header }
        guard try advance() else { return nil }
        defer { parser.reset() }
        let origin = RecordOrigin(file: file, member: member, line: parser.recordLine, index: 0)
        switch parser.problem {
        case .fieldTooLarge(let field)?, .recordTooLarge(let field)?:
            throw ExportError(
                .limitExceeded, "the header row is too large (at column \(field)); raise the field or record limit "
                    + "(limits.max_field_bytes, limits.max_record_bytes)",
                origin: origin)
        case .textAfterQuote(let field)?:
            throw ExportError(.corruptInput, "the header row has text after the closing quote of column \(field)", origin: origin)
        case nil:
            break
        }
        if let invalid = parser.invalidUTF8 {
            throw ExportError(
                .corruptInput,
                "the header row is not valid UTF-8 (column \(invalid.field), byte \(invalid.offset)); "
                    + "if the file is not UTF-8, set its encoding to latin-1 or windows-1252",
                origin: origin)
        }
        let names = withCurrentFields { fields in
            (0..<fields.count).map { String(decoding: fields[$0], as: UTF8.self) }
        }
        let header = Header(names)
        self.header = header
        return header
    }

    /// The next record or malformed row, or `nil` at the end of the input.
    /// - Throws: `ExportError(.corruptInput)` for an unterminated quoted field (naming the line
    ///   where it opened) or a UTF-16 input; errors of the source.
    public mutating func next() throws -> ReadOutcome? {
        guard let raw = try nextRaw() else { return nil }
        switch raw {
        case .malformed(let rejection):
            return .malformed(rejection)
        case .fields(let origin):
            var values: [FieldValue] = []
            values.reserveCapacity(parser.fieldCount)
            withCurrentFields { fields in
                for i in 0..<fields.count { values.append(.string(String(decoding: fields[i], as: UTF8.self))) }
            }
            return .record(Record(header: header!, values: values, origin: origin))
        }
    }

    /// What `nextRaw()` found: a row that cannot be a record, or one whose fields
    /// `withCurrentFields(_:)` now lends out.
    public enum RawOutcome: Sendable {
        /// A row the reader rejects (field count, invalid UTF-8, size limits, stray quotes).
        case malformed(Rejection)
        /// A record with as many fields as the header, all valid UTF-8.
        case fields(RecordOrigin)
    }

    /// The next row without building its values: `next()` without a `String` per field. After
    /// `.fields`, `withCurrentFields(_:)` reads the row until the next call to a reading method.
    /// - Throws: as `next()`.
    public mutating func nextRaw() throws -> RawOutcome? {
        if pending {
            parser.reset()
            pending = false
        }
        guard let header = try readHeader(), try advance() else { return nil }
        pending = true
        let origin = RecordOrigin(file: file, member: member, line: parser.recordLine, index: index)
        index += 1
        if let problem = parser.problem { return .malformed(rejection(problem, header: header, origin: origin)) }
        guard parser.fieldCount == header.names.count else {
            return .malformed(
                Rejection(
                    origin: origin, reason: "field_count",
                    detail: "expected \(header.names.count) fields, found \(parser.fieldCount)"))
        }
        if let invalid = parser.invalidUTF8 {
            return .malformed(
                Rejection(
                    origin: origin, reason: "invalid_utf8",
                    detail: "invalid UTF-8 in \(Self.describe(field: invalid.field, header: header)) "
                        + "at byte offset \(invalid.offset) of the field"))
        }
        return .fields(origin)
    }

    /// Calls `body` with the fields of the row `nextRaw()` last returned as `.fields`.
    public func withCurrentFields<R>(_ body: (RawFields) throws -> R) rethrows -> R {
        try body(RawFields(bytes: parser.fields.bytes, ends: parser.fields.ends))
    }

    /// Feeds the parser until a record ends.
    /// - Returns: `false` at the end of the input.
    private mutating func advance() throws -> Bool {
        if !started {
            started = true
            try input.consumeByteOrderMark(
                origin: RecordOrigin(file: file, member: member, line: 1, index: 0), transcoded: transcoded)
        }
        while true {
            if input.start == input.end, try !input.refill() {
                if let line = parser.openQuoteLine {
                    throw ExportError(
                        .corruptInput, "unterminated quoted field, opened on line \(line)",
                        origin: RecordOrigin(file: file, member: member, line: line, index: index))
                }
                return parser.finish()
            }
            let (consumed, ended) = parser.consume(input.unread)
            input.start += consumed
            if ended { return true }
        }
    }

    private func rejection(_ problem: CSVRowParser.Problem, header: Header, origin: RecordOrigin) -> Rejection {
        switch problem {
        case .fieldTooLarge(let field):
            return Rejection(
                origin: origin, reason: "field_too_large",
                detail: "\(Self.describe(field: field, header: header)) is larger than the limit of "
                    + "\(parser.maxFieldBytes) bytes")
        case .recordTooLarge(let field):
            return Rejection(
                origin: origin, reason: "record_too_large",
                detail: "the record is larger than the limit of \(parser.maxRecordBytes) bytes "
                    + "(reached at \(Self.describe(field: field, header: header)))")
        case .textAfterQuote(let field):
            return Rejection(
                origin: origin, reason: "stray_quote",
                detail: "\(Self.describe(field: field, header: header)) has text after its closing quote")
        }
    }

    /// `field 3 ('email')`, or `field 16` past the header's end. Names only, never values.
    private static func describe(field: Int, header: Header) -> String {
        guard field >= 1, field <= header.names.count else { return "field \(field)" }
        return "field \(field) ('\(header.names[field - 1])')"
    }
}
