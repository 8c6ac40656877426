/// The byte-level RFC 4180 state machine under `CSVReader`: it turns bytes into the fields of one
/// record at a time, in one reused byte array, whatever size the pieces it is fed.
///
/// Each record's field bytes are concatenated in `bytes`, with `fieldEnds` marking where each field
/// ends (rust-csv's two-level design). A field or record over its limit stops being stored (the
/// parser still walks to the end of the record, so memory stays bounded by the limits) and is
/// reported as a `problem`.
struct CSVRowParser {
    /// Why the current record cannot become a `Record`, beyond its field count.
    enum Problem: Equatable {
        /// Field `field` (1-based) is larger than `maxFieldBytes`.
        case fieldTooLarge(field: Int)
        /// The record grew beyond `maxRecordBytes` while reading field `field`.
        case recordTooLarge(field: Int)
        /// Field `field` has text between its closing quote and the next delimiter (`"a"b`).
        case textAfterQuote(field: Int)
    }

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
        /// After a closing quote and spaces or tabs, which are dropped (`"x" ,` is `x`).
        case afterClosingQuote
    }

    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    private let delimiter: UInt8
    private let quote: UInt8
    /// The field size limit, in bytes.
    let maxFieldBytes: Int
    /// The record size limit, in bytes.
    let maxRecordBytes: Int

    /// The bytes of the current record's fields, concatenated.
    private(set) var bytes: [UInt8] = []
    /// The end offset in `bytes` of each stored field.
    private(set) var fieldEnds: [Int] = []
    /// How many fields the current record has (still counted after storage stopped).
    private(set) var fieldCount = 0
    /// The first problem of the current record (a size problem overrides a quoting one).
    private(set) var problem: Problem?
    /// The 1-based line on which the current record starts.
    private(set) var recordLine = 1
    /// The 1-based line of the next byte.
    private var line = 1
    private var quoteLine = 1
    private var state = State.fieldStart
    private var inRecord = false
    private var storing = true
    private var fieldStart = 0
    private var afterCarriageReturn = false

    /// Creates a parser for one dialect and set of limits.
    init(delimiter: UInt8, quote: UInt8, maxFieldBytes: Int, maxRecordBytes: Int) {
        self.delimiter = delimiter
        self.quote = quote
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = max(maxRecordBytes, maxFieldBytes)
    }

    /// The line on which the quoted field being read was opened, when the parser is inside quotes.
    var openQuoteLine: Int? { state == .quoted ? quoteLine : nil }

    /// Consumes bytes of `input` up to the end of one record.
    /// - Returns: how many bytes were consumed, and whether a record ended (blank lines end none).
    mutating func consume(_ input: UnsafeBufferPointer<UInt8>) -> (consumed: Int, recordEnded: Bool) {
        let count = input.count
        var i = 0
        while i < count {
            let byte = input[i]
            switch state {
            case .fieldStart:
                if byte == Self.lineFeed || byte == Self.carriageReturn {
                    i += 1
                    if byte == Self.lineFeed && afterCarriageReturn {
                        afterCarriageReturn = false  // the LF of a CRLF already counted
                        continue
                    }
                    line += 1
                    afterCarriageReturn = byte == Self.carriageReturn
                    if inRecord {
                        endField()
                        return (i, true)
                    }
                    // A completely empty line: skipped, not a record.
                    continue
                }
                afterCarriageReturn = false
                beginRecord()
                if byte == quote {
                    quoteLine = line
                    state = .quoted
                    i += 1
                } else if byte == delimiter {
                    endField()
                    i += 1
                } else {
                    state = .unquoted  // the byte is consumed by the unquoted scan
                }
            case .unquoted:
                var j = skipPlain(input, from: i, stop: delimiter)
                while j < count {
                    let b = input[j]
                    if b == delimiter || b == Self.lineFeed || b == Self.carriageReturn { break }
                    j += 1
                }
                append(input, from: i, to: j)
                i = j
                guard j < count else { break }
                i += 1
                endField()
                state = .fieldStart
                if input[j] != delimiter {
                    line += 1
                    afterCarriageReturn = input[j] == Self.carriageReturn
                    return (i, true)
                }
            case .quoted:
                var j = skipPlain(input, from: i, stop: quote)
                while j < count {
                    let b = input[j]
                    if b == quote || b == Self.lineFeed || b == Self.carriageReturn { break }
                    j += 1
                }
                if j > i {
                    afterCarriageReturn = false
                    append(input, from: i, to: j)
                }
                i = j
                guard j < count else { break }
                i += 1
                let b = input[j]
                if b == quote {
                    afterCarriageReturn = false
                    state = .quoteInQuoted
                } else {
                    // A line break inside quotes is data; it still advances the line count.
                    if b == Self.carriageReturn || !afterCarriageReturn { line += 1 }
                    afterCarriageReturn = b == Self.carriageReturn
                    append(input, from: j, to: j + 1)
                }
            case .quoteInQuoted, .afterClosingQuote:
                if byte == quote && state == .quoteInQuoted {
                    append(input, from: i, to: i + 1)  // a doubled quote is one quote
                    state = .quoted
                    i += 1
                } else if (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) && byte != delimiter {
                    state = .afterClosingQuote
                    i += 1
                } else if byte == delimiter {
                    endField()
                    state = .fieldStart
                    i += 1
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    endField()
                    state = .fieldStart
                    line += 1
                    afterCarriageReturn = byte == Self.carriageReturn
                    return (i + 1, true)
                } else {
                    if problem == nil { problem = .textAfterQuote(field: fieldCount + 1) }
                    state = .unquoted  // keep walking; the record is rejected at its end
                }
            }
        }
        return (count, false)
    }

    /// The first offset from `i` of an eight-byte word that may hold `stop`, a line feed or a
    /// carriage return (the byte-by-byte scan takes over from there; a word where none can be is
    /// skipped whole).
    @inline(__always)
    private func skipPlain(_ input: UnsafeBufferPointer<UInt8>, from i: Int, stop: UInt8) -> Int {
        guard let base = input.baseAddress else { return i }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let stops = ones &* UInt64(stop)
        let lineFeeds = ones &* UInt64(Self.lineFeed)
        let returns = ones &* UInt64(Self.carriageReturn)
        var j = i
        while j + 8 <= input.count {
            let word = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
            let a = word ^ stops
            let b = word ^ lineFeeds
            let c = word ^ returns
            if ((a &- ones) & ~a | (b &- ones) & ~b | (c &- ones) & ~c) & highs != 0 { break }
            j += 8
        }
        return j
    }

    /// Ends the input: completes a record that has no final line break.
    /// - Returns: whether a record ended. Check `openQuoteLine` first: a quoted field cannot end here.
    mutating func finish() -> Bool {
        guard inRecord, state != .quoted else { return false }
        endField()
        state = .fieldStart
        return true
    }

    /// Forgets the current record, keeping the storage for the next one.
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        fieldCount = 0
        problem = nil
        inRecord = false
        storing = true
        fieldStart = 0
    }

    private mutating func beginRecord() {
        guard !inRecord else { return }
        inRecord = true
        recordLine = line
    }

    private mutating func endField() {
        fieldCount += 1
        guard storing else { return }
        fieldEnds.append(bytes.count)
        fieldStart = bytes.count
        if bytes.count + 8 * fieldEnds.count > maxRecordBytes { stopStoring(.recordTooLarge(field: fieldCount)) }
    }

    private mutating func append(_ input: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        guard storing, to > from else { return }
        let length = to - from
        // Report the limit whose byte is reached first, whatever the read chunking (a field and
        // its record can cross their limits within the same run of bytes; a tie goes to the field).
        let fieldRoom = maxFieldBytes - (bytes.count - fieldStart)
        let recordRoom = maxRecordBytes - bytes.count - 8 * fieldEnds.count
        if length > fieldRoom && fieldRoom <= recordRoom {
            stopStoring(.fieldTooLarge(field: fieldCount + 1))
        } else if length > recordRoom {
            stopStoring(.recordTooLarge(field: fieldCount + 1))
        } else {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[from..<to]))
        }
    }

    private mutating func stopStoring(_ sizeProblem: Problem) {
        storing = false
        problem = sizeProblem
        bytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
    }
}
