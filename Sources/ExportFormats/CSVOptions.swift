/// How to read one CSV input: its dialect, header and text encoding.
public struct CSVOptions: Sendable, Equatable {
    /// The text encoding of a CSV input; non-UTF-8 inputs are transcoded to UTF-8 as they are read.
    public enum Encoding: String, Sendable, Equatable, CaseIterable {
        case utf8 = "utf-8"
        case latin1 = "latin-1"
        case windows1252 = "windows-1252"
    }

    /// The field separator: `,` `;` tab or `|`.
    public var delimiter: UInt8
    /// The quote character (usually `"`).
    public var quote: UInt8
    /// Column names given by the pipeline; `nil` means the first row is the header.
    public var columns: [String]?
    /// The text encoding of the input.
    public var encoding: Encoding
    /// The largest field, in bytes, before the row is rejected (`field_too_large`) instead of growing memory.
    public var maxFieldBytes: Int
    /// The largest record, in bytes (each field also counts 8 bytes of bookkeeping), before the row
    /// is rejected (`record_too_large`); it bounds memory for a file of many small fields and no
    /// line break. Never less than `maxFieldBytes`.
    public var maxRecordBytes: Int

    /// Creates options; the defaults are RFC 4180 with a header row, UTF-8, 1 MiB fields, 16 MiB records.
    public init(
        delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""), columns: [String]? = nil,
        encoding: Encoding = .utf8, maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 16 << 20
    ) {
        self.delimiter = delimiter
        self.quote = quote
        self.columns = columns
        self.encoding = encoding
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
    }
}
