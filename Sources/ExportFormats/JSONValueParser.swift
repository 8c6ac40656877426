import ExportCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict RFC 8259 parser of one JSON text into a `FieldValue`.
///
/// Strict means: no trailing commas, no leading zeros, no comments, no single quotes, no control
/// characters inside strings, only valid UTF-8 and no lone surrogate escapes. Numbers keep their
/// source text (so `1e400` or an 30-digit ID are neither rounded nor refused). Nesting is limited to
/// `maxDepth` levels and the parser never recurses, so deep input cannot overflow the stack.
/// Duplicate object keys are all kept, in order (`JSONObject` lookups take the last).
public enum JSONValueParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maxDepth = 512

    /// Parses `bytes`, which must hold exactly one JSON value (whitespace around it allowed).
    /// - Throws: `JSONSyntaxError` with the offset of the first byte that breaks the grammar.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> FieldValue {
        let typed = UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        return try parse(typed)
    }

    /// Parses `bytes` (the form the readers use).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> FieldValue {
        var parser = Parser(bytes: bytes)
        return try parser.parseDocument()
    }

    /// The values of `bytes` when it holds one object whose keys are exactly `keys` (byte for
    /// byte, in order) and whose values are all strings, numbers, booleans or null; otherwise nil.
    ///
    /// The fast path for NDJSON lines that repeat the previous line's keys: no key `String`s and
    /// no container stacks. When it returns values they are the ones `parse` would give; when it
    /// returns nil (a nested value, other keys, a syntax error), the caller parses with `parse`.
    static func parseFlatObject(_ bytes: UnsafeBufferPointer<UInt8>, keys: FlatObjectKeys) -> [FieldValue]? {
        var parser = Parser(bytes: bytes, reserving: false)
        return try? parser.parseFlatObject(keys: keys)
    }

    /// The values of `bytes` when it holds one object whose keys are written without escapes and
    /// whose values are all strings, numbers, booleans or null, laid out by key: each value's
    /// text (a string decoded, a number as written, `true` or `false`; nothing for a null) goes to `fields`, and
    /// `starts`/`ends` get, for every key of `table`, where its text is; a key the line lacks, or
    /// whose value is null, is flagged in `nulls` (one flag per key). New keys are added to
    /// `table`; a key that repeats takes its last value. Returns how many bytes of `fields` were
    /// written, or `nil` where `parse` is needed (a nested value, an escaped key, a syntax error);
    /// the outputs and the table's guesses are then unspecified, and keys may have been added.
    ///
    /// Strings and new keys are checked to be valid UTF-8 as they are read: a line this takes is
    /// valid UTF-8 (known keys were checked when added, the rest is ASCII), without a separate pass.
    static func parseKeyedObject(
        _ bytes: UnsafeBufferPointer<UInt8>, table: inout NDJSONKeyTable, fields: inout [UInt8], starts: inout [Int],
        ends: inout [Int], nulls: inout [Bool]
    ) -> Int? {
        if fields.count < bytes.count { fields = [UInt8](repeating: 0, count: Swift.max(bytes.count, 2 * fields.count)) }
        return fields.withUnsafeMutableBufferPointer { output in
            var parser = Parser(bytes: bytes, reserving: false)
            parser.output = output.baseAddress
            do {
                return try parser.parseKeyedFields(table: &table, starts: &starts, ends: &ends, nulls: &nulls)
            } catch {
                return nil
            }
        }
    }
}

/// The cursor and the explicit container stacks of one parse.
private struct Parser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    /// For each open container: whether it is an object.
    private var containers: [Bool] = []
    /// Values of all open containers, flat; `valueStarts` marks where each container's begin.
    private var values: [FieldValue] = []
    private var valueStarts: [Int] = []
    /// Keys of all open objects, flat, parallel to their values.
    private var keys: [String] = []
    private var keyStarts: [Int] = []
    /// Reused for strings with escapes or non-ASCII bytes.
    private var scratch: [UInt8] = []
    /// Where the raw flat path writes the values' bytes (room for `bytes.count`), and how many it wrote.
    fileprivate var output: UnsafeMutablePointer<UInt8>?
    private var outputCount = 0

    init(bytes: UnsafeBufferPointer<UInt8>, reserving: Bool = true) {
        self.bytes = bytes
        guard reserving else { return }
        // One allocation each for a typical NDJSON line's flat object, instead of regrowing.
        values.reserveCapacity(32)
        keys.reserveCapacity(32)
    }

    /// See `JSONValueParser.parseFlatObject(_:keys:)`; throws (any error) where it returns nil.
    mutating func parseFlatObject(keys expected: FlatObjectKeys) throws(JSONSyntaxError) -> [FieldValue] {
        var result: [FieldValue] = []
        result.reserveCapacity(expected.count)
        try openFlatObject()
        try expected.bytes.withUnsafeBufferPointer { (keys) throws(JSONSyntaxError) in
            var keyStart = 0
            for (index, keyEnd) in expected.ends.enumerated() {
                try flatKey(keys.baseAddress! + keyStart, length: keyEnd - keyStart, first: index == 0)
                keyStart = keyEnd
                switch bytes[i] {
                case Self.quote: result.append(.string(try parseString()))
                case UInt8(ascii: "t"):
                    try literal("true")
                    result.append(.bool(true))
                case UInt8(ascii: "f"):
                    try literal("false")
                    result.append(.bool(false))
                case UInt8(ascii: "n"):
                    try literal("null")
                    result.append(.null)
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): result.append(try parseNumber())
                default: throw fail("")  // a nested value, or not a value
                }
                skipWhitespace()
            }
        }
        try closeFlatObject()
        return result
    }

    /// See `JSONValueParser.parseKeyedObject`; throws where it returns nil.
    mutating func parseKeyedFields(
        table: inout NDJSONKeyTable, starts: inout [Int], ends: inout [Int], nulls: inout [Bool]
    ) throws(JSONSyntaxError) -> Int {
        // Every key absent until the line gives it.
        let known = table.count
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        nulls.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: known))
        ends.append(contentsOf: repeatElement(0, count: known))
        nulls.append(contentsOf: repeatElement(true, count: known))
        try openFlatObject()
        skipWhitespace()
        var previous = -1
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
            try closeFlatObject()
            return 0
        }
        while true {
            let field = try keyedKey(table: &table, after: previous)
            previous = field
            while field >= starts.count {
                starts.append(0)
                ends.append(0)
                nulls.append(true)
            }
            let start = outputCount
            var isNull = false
            switch bytes[i] {
            case Self.quote:
                try copyString()
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                let begin = i
                try literal(bytes[i] == UInt8(ascii: "t") ? "true" : "false")
                copyToOutput(from: begin)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                copyToOutput(from: try scanNumber())
            case UInt8(ascii: "n"):
                try literal("null")
                isNull = true
            default:
                throw fail("")  // a nested value, or not a value
            }
            starts[field] = start
            ends[field] = outputCount
            nulls[field] = isNull
            skipWhitespace()
            guard i < bytes.count else { throw fail("") }
            if bytes[i] == UInt8(ascii: "}") { break }
            guard bytes[i] == UInt8(ascii: ",") else { throw fail("") }
            i += 1
            skipWhitespace()
        }
        try closeFlatObject()
        return outputCount
    }

    /// Moves past the key after field `previous` (`-1`: the first key) and its colon (and the
    /// white space after it), leaving the cursor on the value, and returns the key's field in
    /// `table`: compared with the key that followed `previous` before, and the ones after that
    /// (a line that leaves keys out), first; else looked up (or added) by its bytes.
    private mutating func keyedKey(table: inout NDJSONKeyTable, after previous: Int) throws(JSONSyntaxError) -> Int {
        let base = bytes.baseAddress!
        var expected = previous < 0 ? table.first : table.successor[previous]
        var hops = 0
        while expected >= 0 && hops <= NDJSONKeyTable.maxSkipped {
            let matched = table.quoted[expected].withUnsafeBufferPointer { key in
                i + key.count < bytes.count && Self.equal(base + i, key.baseAddress!, key.count)
            }
            if matched {
                i += table.quoted[expected].count
                skipWhitespace()
                guard i < bytes.count else { throw fail("") }
                return expected
            }
            expected = table.successor[expected]
            hops += 1
        }
        guard i < bytes.count, bytes[i] == Self.quote else { throw fail("") }
        let keyStart = i + 1
        var end = keyStart
        while end < bytes.count && bytes[end] != Self.quote {
            // An escaped key (or a control character) is read the long way.
            if bytes[end] == Self.backslash || bytes[end] < 0x20 { throw fail("") }
            end += 1
        }
        guard end < bytes.count else { throw fail("") }
        guard let field = table.field(of: UnsafeBufferPointer(rebasing: bytes[keyStart..<end])) else { throw fail("") }
        i = end + 1
        skipWhitespace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("") }
        i += 1
        skipWhitespace()
        guard i < bytes.count else { throw fail("") }
        if previous < 0 { table.first = field } else { table.successor[previous] = field }
        return field
    }

    /// Moves past the `{` that opens a flat object (and the white space around it).
    private mutating func openFlatObject() throws(JSONSyntaxError) {
        skipWhitespace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { throw fail("") }
        i += 1
    }

    /// Moves past the `}` that closes a flat object, which must end the text.
    private mutating func closeFlatObject() throws(JSONSyntaxError) {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "}") else { throw fail("") }
        i += 1
        skipWhitespace()
        guard i == bytes.count else { throw fail("") }
    }

    /// Moves past the `,` (unless `first`) and the key `"key":` whose `length` bytes are at
    /// `expected`, leaving the cursor on the value; throws when the key is another.
    @inline(__always)
    private mutating func flatKey(_ expected: UnsafePointer<UInt8>, length: Int, first: Bool) throws(JSONSyntaxError) {
        let base = bytes.baseAddress!
        if !first {
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { throw fail("") }
            i += 1
        }
        // Usually the line is written without white space: `"key":` compared in one step.
        if i + length < bytes.count, Self.equal(base + i, expected, length) {
            i += length
        } else {
            // `"key"` with exactly the expected bytes (they hold no escape, so this is the decoded
            // key), with white space around it and the colon.
            skipWhitespace()
            let quoted = length - 1  // `"key"`
            guard i + quoted < bytes.count, Self.equal(base + i, expected, quoted) else { throw fail("") }
            i += quoted
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("") }
            i += 1
        }
        skipWhitespace()
        guard i < bytes.count else { throw fail("") }
    }

    /// Whether the `count` (at least 2) bytes at `a` and at `b` are the same: a word or two
    /// overlapping words at a time, with no call (keys are short).
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let a = UnsafeRawPointer(a)
        let b = UnsafeRawPointer(b)
        if count >= 8 {
            var k = 0
            while k + 8 < count {
                if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                    return false
                }
                k += 8
            }
            // The last eight bytes, overlapping the words before them.
            return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        if count >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
                    == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        return a.loadUnaligned(as: UInt16.self) == b.loadUnaligned(as: UInt16.self)
            && a.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
                == b.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
    }

    /// Copies the decoded text of the string at the cursor (on its opening quote) to `output`
    /// and moves past it, checking its UTF-8 on the way.
    ///
    /// Plain ASCII goes eight bytes a step. Writing whole words is in bounds: the output so far is
    /// never longer than the input consumed (a value's text is never longer than its JSON, and
    /// the keys and punctuation write nothing), so `outputCount + 8 <= i + 8 <= bytes.count`, and
    /// `output` has room for all of `bytes`.
    private mutating func copyString() throws(JSONSyntaxError) {
        let opening = i
        let base = bytes.baseAddress!
        let count = bytes.count
        let out = output!
        let ones: UInt64 = 0x0101_0101_0101_0101
        // The cursor and the output count in locals (registers) while the loop runs.
        var at = i + 1
        var written = outputCount
        defer {
            i = at
            outputCount = written
        }
        while true {
            while at + 8 <= count {
                let word = UnsafeRawPointer(base + at).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(out + written).storeBytes(of: word, as: UInt64.self)
                let quotes = word ^ (ones &* 0x22)
                let backslashes = word ^ (ones &* 0x5C)
                // A zero byte in `quotes` or `backslashes`, a byte below 0x20 or from 0x80 in
                // `word`. The lowest flagged byte is exact (a borrow only runs above a flagged one).
                let found =
                    (((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
                        | ((word &- ones &* 0x20) & ~word) | word) & (ones &* 0x80)
                if found == 0 {
                    at += 8
                    written += 8
                    continue
                }
                let plain = found.trailingZeroBitCount >> 3
                at += plain
                written += plain
                break
            }
            guard at < count else { throw JSONSyntaxError(offset: opening, message: "unterminated string") }
            let byte = base[at]
            if byte == Self.quote {
                at += 1
                return
            } else if byte >= 0x80 {
                let length = UTF8Validator.sequenceLength(bytes, at: at)
                guard length > 0 else { throw JSONSyntaxError(offset: at, message: "invalid UTF-8 in a string") }
                for k in 0..<length { out[written + k] = base[at + k] }
                at += length
                written += length
            } else if byte == Self.backslash {
                i = at
                let scalar = try parseEscape()
                at = i
                for byte in UTF8.encode(scalar)! {
                    out[written] = byte
                    written += 1
                }
            } else if byte < 0x20 {
                throw JSONSyntaxError(offset: at, message: "")
            } else {
                // A plain byte in the last seven.
                out[written] = byte
                written += 1
                at += 1
            }
        }
    }

    /// Copies `bytes[start..<i]` (a number or a literal, usually a few bytes) to `output`; a
    /// whole word when the input has one from `start` (in bounds as in `copyString`).
    private mutating func copyToOutput(from start: Int) {
        let base = bytes.baseAddress!
        let out = output!
        let length = i - start
        if length <= 8 && start + 8 <= bytes.count {
            UnsafeMutableRawPointer(out + outputCount).storeBytes(
                of: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self), as: UInt64.self)
        } else {
            for k in 0..<length { out[outputCount + k] = base[start + k] }
        }
        outputCount += length
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    mutating func parseDocument() throws(JSONSyntaxError) -> FieldValue {
        skipWhitespace()
        while true {
            var value: FieldValue
            guard i < bytes.count else { throw fail("unexpected end of input, expected a value") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                skipWhitespace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    value = .object(JSONObject())
                } else {
                    try open(object: true)
                    keys.append(try parseKey())
                    continue
                }
            case UInt8(ascii: "["):
                i += 1
                skipWhitespace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    value = .array([])
                } else {
                    try open(object: false)
                    continue
                }
            case Self.quote:
                value = .string(try parseString())
            case UInt8(ascii: "t"):
                try literal("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = try parseNumber()
            default:
                throw fail("unexpected \(describe(bytes[i])), expected a value")
            }
            // Attach the finished value to the open containers, closing those that end here.
            while true {
                skipWhitespace()
                guard let isObject = containers.last else {
                    guard i == bytes.count else { throw fail("unexpected \(describe(bytes[i])) after the JSON value") }
                    return value
                }
                values.append(value)
                guard i < bytes.count else {
                    throw fail("unexpected end of input, expected ',' or '\(isObject ? "}" : "]")'")
                }
                let byte = bytes[i]
                if byte == UInt8(ascii: ",") {
                    i += 1
                    skipWhitespace()
                    if isObject { keys.append(try parseKey()) }
                    break
                }
                guard byte == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw fail("unexpected \(describe(byte)), expected ',' or '\(isObject ? "}" : "]")'")
                }
                i += 1
                value = close(object: isObject)
            }
        }
    }

    private mutating func open(object: Bool) throws(JSONSyntaxError) {
        guard containers.count < JSONValueParser.maxDepth else {
            throw fail("arrays and objects nested deeper than \(JSONValueParser.maxDepth) levels")
        }
        containers.append(object)
        valueStarts.append(values.count)
        if object { keyStarts.append(keys.count) }
    }

    private mutating func close(object: Bool) -> FieldValue {
        containers.removeLast()
        let start = valueStarts.removeLast()
        let items = Array(values[start...])
        values.removeSubrange(start...)
        guard object else { return .array(items) }
        let keyStart = keyStarts.removeLast()
        let names = Array(keys[keyStart...])
        keys.removeSubrange(keyStart...)
        return .object(JSONObject(keys: names, values: items))
    }

    /// Parses `"key"` and the `:` after it, leaving the cursor on the value.
    private mutating func parseKey() throws(JSONSyntaxError) -> String {
        guard i < bytes.count, bytes[i] == Self.quote else {
            throw fail(i < bytes.count ? "unexpected \(describe(bytes[i])), expected a string key" : "unexpected end of input, expected a string key")
        }
        let key = try parseString()
        skipWhitespace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
        i += 1
        skipWhitespace()
        return key
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let opening = i
        i += 1
        let start = i
        // Fast path: plain ASCII up to the closing quote becomes a String in one step.
        while i < bytes.count {
            let byte = bytes[i]
            if byte == Self.quote || byte == Self.backslash || byte < 0x20 || byte >= 0x80 { break }
            i += 1
        }
        if i < bytes.count, bytes[i] == Self.quote {
            i += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i - 1]), as: UTF8.self)
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while true {
            guard i < bytes.count else { throw JSONSyntaxError(offset: opening, message: "unterminated string") }
            let byte = bytes[i]
            if byte == Self.quote {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == Self.backslash {
                scratch.append(contentsOf: UTF8.encode(try parseEscape())!)
            } else if byte < 0x20 {
                throw fail("unescaped control character \(describe(byte)) in a string")
            } else if byte < 0x80 {
                scratch.append(byte)
                i += 1
            } else {
                let length = UTF8Validator.sequenceLength(bytes, at: i)
                guard length > 0 else { throw fail("invalid UTF-8 in a string") }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<i + length]))
                i += length
            }
        }
    }

    /// Decodes the escape at the cursor (on the backslash) and moves past it.
    private mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard i + 1 < bytes.count else { throw fail("unterminated escape sequence") }
        let escaped = bytes[i + 1]
        let simple: UInt8?
        switch escaped {
        case Self.quote, Self.backslash, UInt8(ascii: "/"): simple = escaped
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default: throw JSONSyntaxError(offset: i + 1, message: "invalid escape sequence: \(describe(escaped)) after a backslash")
        }
        if let simple {
            i += 2
            return Unicode.Scalar(simple)
        }
        let unit = try hex4(at: i + 2)
        var scalarValue = UInt32(unit)
        var length = 6
        if (0xD800...0xDBFF).contains(unit) {
            guard i + 7 < bytes.count, bytes[i + 6] == Self.backslash, bytes[i + 7] == UInt8(ascii: "u") else {
                throw fail("lone surrogate \\u\(String(unit, radix: 16, uppercase: true)) (a high surrogate without its pair)")
            }
            let low = try hex4(at: i + 8)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw fail("lone surrogate \\u\(String(unit, radix: 16, uppercase: true)) (not followed by a low surrogate)")
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            length = 12
        } else if (0xDC00...0xDFFF).contains(unit) {
            throw fail("lone surrogate \\u\(String(unit, radix: 16, uppercase: true)) (a low surrogate without its pair)")
        }
        i += length
        return Unicode.Scalar(scalarValue)!
    }

    private func hex4(at offset: Int) throws(JSONSyntaxError) -> UInt16 {
        guard offset + 4 <= bytes.count else {
            throw JSONSyntaxError(offset: offset, message: "a \\u escape needs four hex digits")
        }
        var value: UInt16 = 0
        for k in offset..<offset + 4 {
            let byte = bytes[k]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONSyntaxError(offset: k, message: "a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> FieldValue {
        let start = try scanNumber()
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
    }

    /// Moves the cursor past the number at it; returns where the number starts.
    private mutating func scanNumber() throws(JSONSyntaxError) -> Int {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit in a number") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, isDigit(bytes[i]) { throw fail("leading zero in a number") }
        } else {
            skipDigits()
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit after the decimal point") }
            skipDigits()
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit in the exponent") }
            skipDigits()
        }
        return start
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        for k in 0..<count where i + k >= bytes.count || bytes[i + k] != word.utf8Start[k] {
            throw JSONSyntaxError(offset: i + k, message: "invalid literal, expected '\(word)'")
        }
        i += count
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private mutating func skipDigits() {
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
    }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(offset: i, message: message) }

    /// `'x'` for printable ASCII, `byte 0xNN` otherwise; never more than one byte of the input.
    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(byte < 0x10 ? "0" : "")\(hex)"
    }
}
