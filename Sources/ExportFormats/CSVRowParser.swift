/// The byte-level RFC 4180 state machine under `CSVReader`: it turns bytes into the fields of one
/// record at a time, in reused storage, whatever size the pieces it is fed.
///
/// Each record's field bytes are concatenated in `fields`, which also marks where each field ends
/// (rust-csv's two-level design). Runs of plain bytes are found and copied eight bytes at a time,
/// and a field is checked for valid UTF-8 as it ends, only when it holds a non-ASCII byte. A field
/// or record over its limit stops being stored (the parser still walks to the end of the record,
/// so memory stays bounded by the limits) and is reported as a `problem`.
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

    /// The current record's stored fields: their bytes concatenated and each one's end offset.
    private(set) var fields = CSVFieldBuffer()
    /// How many fields the current record has (still counted after storage stopped).
    private(set) var fieldCount = 0
    /// The first problem of the current record (a size problem overrides a quoting one).
    private(set) var problem: Problem?
    /// The first stored field (1-based) of the current record that is not valid UTF-8, and the
    /// offset of its first invalid byte in the field. Checked as each field ends, and only for
    /// fields with a byte of 0x80 or above.
    private(set) var invalidUTF8: (field: Int, offset: Int)?
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
    /// The bytes of the field being read, OR-ed together (high bits set: not all ASCII).
    private var fieldBits: UInt64 = 0

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

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
        guard let source = input.baseAddress else { return (0, false) }
        // Each consumed byte stores at most one byte, so with this room every run copied below
        // (whole words included: they never reach past the input's end) stays in bounds.
        fields.reserveBytes(count)
        var i = 0
        while i < count {
            switch state {
            case .fieldStart:
                let byte = source[i]
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
                    continue
                }
                if byte == delimiter {
                    endField()
                    i += 1
                    continue
                }
                state = .unquoted  // the byte is consumed by the unquoted scan, right away
                fallthrough
            case .unquoted:
                // The fields that follow are read here too, without going back through the switch,
                // until one starts with a quote. (Within a record `afterCarriageReturn` is false and
                // the record has begun, so an empty field or a line break needs nothing more than
                // the run of length zero that `copyRun` finds.)
                while true {
                    let j = copyRun(source, from: i, count: count, stop: delimiter)
                    i = j
                    guard j < count else { break }  // the field goes on in the next input
                    i += 1
                    endField()
                    let end = source[j]
                    if end != delimiter {
                        state = .fieldStart
                        line += 1
                        afterCarriageReturn = end == Self.carriageReturn
                        return (i, true)
                    }
                    guard i < count, source[i] != quote else {
                        state = .fieldStart
                        break
                    }
                }
            case .quoted:
                let j = copyRun(source, from: i, count: count, stop: quote)
                if j > i { afterCarriageReturn = false }
                i = j
                guard j < count else { break }
                i += 1
                let b = source[j]
                if b == quote {
                    afterCarriageReturn = false
                    state = .quoteInQuoted
                } else {
                    // A line break inside quotes is data; it still advances the line count.
                    if b == Self.carriageReturn || !afterCarriageReturn { line += 1 }
                    afterCarriageReturn = b == Self.carriageReturn
                    storeByte(b)
                }
            case .quoteInQuoted, .afterClosingQuote:
                let byte = source[i]
                if byte == quote && state == .quoteInQuoted {
                    storeByte(byte)  // a doubled quote is one quote
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

    /// Copies `source[i...]` up to the first `stop`, line feed or carriage return (or the input's
    /// end) to the free bytes of `fields` and keeps it there within the limits.
    ///
    /// Eight bytes at a time: each word is stored whole, and the lowest byte that matches a stop
    /// (exact, as borrows only run upwards in the zero-byte test) says how much of it is kept.
    /// - Returns: the offset of the stop byte, or `count` when the input ended first.
    @inline(__always)
    private mutating func copyRun(_ source: UnsafePointer<UInt8>, from i: Int, count: Int, stop: UInt8) -> Int {
        let ones = Self.ones
        let stops = ones &* UInt64(stop)
        let lineFeeds = ones &* UInt64(Self.lineFeed)
        let returns = ones &* UInt64(Self.carriageReturn)
        // In bounds: `consume` reserved `count` bytes and this run is at most `count - i` of them.
        let target = fields.freeBytes - i
        var bits: UInt64 = 0
        var j = i
        while j + 8 <= count {
            let word = UnsafeRawPointer(source + j).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(target + j).storeBytes(of: word, as: UInt64.self)
            let a = word ^ stops
            let b = word ^ lineFeeds
            let c = word ^ returns
            let matches = ((a &- ones) & ~a | (b &- ones) & ~b | (c &- ones) & ~c) & Self.highs
            if matches != 0 {
                let kept = matches.trailingZeroBitCount &>> 3
                bits |= word & ((1 &<< UInt64(kept &* 8)) &- 1)
                j += kept
                fieldBits |= bits
                keep(j - i)
                return j
            }
            bits |= word
            j += 8
        }
        while j < count {
            let byte = source[j]
            if byte == stop || byte == Self.lineFeed || byte == Self.carriageReturn { break }
            target[j] = byte
            bits |= UInt64(byte)
            j += 1
        }
        fieldBits |= bits
        keep(j - i)
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
        fields.removeAll()
        fieldCount = 0
        problem = nil
        invalidUTF8 = nil
        inRecord = false
        storing = true
        fieldStart = 0
        fieldBits = 0
    }

    private mutating func beginRecord() {
        guard !inRecord else { return }
        inRecord = true
        recordLine = line
    }

    /// Ends the field being read: counts it and, while storing, checks its UTF-8, marks its end
    /// and checks the record limit (each field end counts 8 bytes).
    @inline(__always)
    private mutating func endField() {
        fieldCount += 1
        let bits = fieldBits
        fieldBits = 0
        guard storing else { return }
        if bits & Self.highs != 0 && invalidUTF8 == nil { checkUTF8() }
        fields.endField()
        fieldStart = fields.byteCount
        if fields.byteCount + 8 * fields.endCount > maxRecordBytes { stopStoring(.recordTooLarge(field: fieldCount)) }
    }

    /// Validates the field that just ended (it has a byte of 0x80 or above), noting where it fails.
    @inline(never)
    private mutating func checkUTF8() {
        let length = fields.byteCount - fieldStart
        let field = UnsafeBufferPointer(start: fields.freeBytes - length, count: length)
        if let offset = UTF8Validator.firstInvalidOffset(field) { invalidUTF8 = (fieldCount, offset) }
    }

    /// Stores one byte (a doubled quote, a line break inside quotes) within the limits.
    @inline(__always)
    private mutating func storeByte(_ byte: UInt8) {
        fields.freeBytes.pointee = byte  // in bounds: `consume` reserved a byte for each it reads
        keep(1)
    }

    /// Keeps the `length` bytes just written at the free bytes of `fields`, or stops storing the
    /// record when they would pass a limit.
    @inline(__always)
    private mutating func keep(_ length: Int) {
        guard storing, length > 0 else { return }
        // Report the limit whose byte is reached first, whatever the read chunking (a field and
        // its record can cross their limits within the same run of bytes; a tie goes to the field).
        let fieldRoom = maxFieldBytes - (fields.byteCount - fieldStart)
        let recordRoom = maxRecordBytes - fields.byteCount - 8 * fields.endCount
        if length > fieldRoom && fieldRoom <= recordRoom {
            stopStoring(.fieldTooLarge(field: fieldCount + 1))
        } else if length > recordRoom {
            stopStoring(.recordTooLarge(field: fieldCount + 1))
        } else {
            fields.commitBytes(length)
        }
    }

    private mutating func stopStoring(_ sizeProblem: Problem) {
        storing = false
        problem = sizeProblem
        fields.removeAll()
    }
}
