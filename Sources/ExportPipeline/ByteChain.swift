import ExportContactRules
import ExportFormats

/// A value spec compiled to run over its column's bytes: the column, trimmed, through the
/// transforms that have an exact form on ASCII text (`trim`, `lower`, `upper`, `title`,
/// `collapse_spaces`, and a `map` whose keys, values and fallback are ASCII).
///
/// On ASCII text each step gives byte for byte what its `String` function gives (`Transform.apply`,
/// `TextOps`): for ASCII, letter case is ASCII case, white space is space, tab, LF, VT, FF and CR,
/// and `String` equality is byte equality. A chain of only `trim`, `title` and `collapse_spaces`
/// also runs on any other text (`UTF8Text`: a table for the one- and two-byte characters of
/// Latin, Greek, Cyrillic … names, the properties of longer ones read as met), unless `title`
/// meets a letter whose case mapping it cannot write in place. Anything else (other non-ASCII values under
/// transforms, a record with lists) is not handled here: `apply` returns `nil` and the caller
/// evaluates the spec as text (`FieldRow.evaluate`).
final class ByteChain: Sendable {
    /// One transform step over ASCII bytes.
    enum Step: Sendable {
        case trim, lower, upper, title, collapseSpaces
        case map(ASCIIMap)
    }

    /// The column slot read.
    let slot: Int
    /// The transforms, in order.
    let steps: [Step]
    /// How much longer than its column a value can get: the longest text a map writes.
    let growth: Int
    /// Whether every step also runs on non-ASCII text (`trim`, `title`, `collapse_spaces`).
    private let runsOnUTF8: Bool

    /// The chain of `spec`; `nil` when its source is not one column or a transform has no ASCII form.
    init?(_ spec: ValueSpec) {
        guard case .column(let slot) = spec.source else { return nil }
        var steps: [Step] = []
        var growth = 0
        for transform in spec.transforms {
            switch transform {
            case .trim: steps.append(.trim)
            case .lower: steps.append(.lower)
            case .upper: steps.append(.upper)
            case .title: steps.append(.title)
            case .collapseSpaces: steps.append(.collapseSpaces)
            case .map(let table, let fallback):
                guard let map = ASCIIMap(table, fallback: fallback) else { return nil }
                growth = max(growth, map.longestOutput)
                steps.append(.map(map))
            case .defaultValue, .replace, .split, .join, .truncate, .date, .number:
                return nil
            }
        }
        self.slot = slot
        self.steps = steps
        self.growth = growth
        runsOnUTF8 = steps.allSatisfy { step in
            switch step {
            case .trim, .title, .collapseSpaces: return true
            case .lower, .upper, .map: return false
            }
        }
    }

    /// The spec's value in `row` as the bytes of its trimmed text (empty when the record has no
    /// value there): the field's own bytes, or the result of
    /// the steps written at `scratch`, which has room for the field's bytes and `growth` more
    /// (none needed when the chain has no steps). `nil` when the value must be evaluated as text.
    @inline(__always)
    func apply(to row: FieldRow, scratch: UnsafeMutablePointer<UInt8>?) -> UnsafeBufferPointer<UInt8>? {
        if row.hasLists { return nil }
        guard let raw = row.bytes(slot) else { return UnsafeBufferPointer(start: nil, count: 0) }
        let field = TrimmedField(raw)
        if steps.isEmpty { return field.isTrimmed ? field.bytes : nil }
        guard let base = scratch else { return nil }
        if !field.isASCII {
            guard runsOnUTF8 else { return nil }
            return applyUTF8(field.bytes, at: base)
        }
        if let source = field.bytes.baseAddress { base.update(from: source, count: field.bytes.count) }
        var count = field.bytes.count
        for step in steps {
            switch step {
            case .trim: count = ASCIIText.trim(base, count)
            case .lower: ASCIIText.lower(base, count)
            case .upper: ASCIIText.upper(base, count)
            case .title: ASCIIText.title(base, count)
            case .collapseSpaces: count = ASCIIText.collapseSpaces(base, count)
            case .map(let map): count = map.apply(base, count)
            }
        }
        return UnsafeBufferPointer(start: base, count: ASCIIText.trim(base, count))
    }

    /// The steps on `bytes` (ASCII-trimmed), when every letter that `title` changes maps to one
    /// character of at most its own length.
    private func applyUTF8(_ bytes: UnsafeBufferPointer<UInt8>, at base: UnsafeMutablePointer<UInt8>)
        -> UnsafeBufferPointer<UInt8>?
    {
        if let source = bytes.baseAddress { base.update(from: source, count: bytes.count) }
        var count = UTF8Text.trim(base, bytes.count)
        for step in steps {
            switch step {
            case .trim: count = UTF8Text.trim(base, count)
            case .title:
                guard let titled = UTF8Text.title(base, count) else { return nil }
                count = titled
            case .collapseSpaces: count = UTF8Text.collapseSpaces(base, count)
            case .lower, .upper, .map: return nil
            }
        }
        return UnsafeBufferPointer(start: base, count: UTF8Text.trim(base, count))
    }

    /// `apply(to:scratch:)` with scratch room of its own (for a caller without any).
    func apply(to row: FieldRow) -> [UInt8]? {
        let size = row.fields.bytes.count + growth
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(size, 1)) { scratch in
            apply(to: row, scratch: scratch.baseAddress).map(Array.init)
        }
    }
}

/// A `map` transform whose keys, values and fallback are all ASCII, looked up by bytes.
final class ASCIIMap: Sendable {
    private let keys: [[UInt8]]
    private let values: [[UInt8]]
    private let fallback: [UInt8]?
    /// The longest text the map writes.
    let longestOutput: Int

    /// The most entries looked up one by one; a larger map is evaluated as text.
    static let maxEntries = 64

    init?(_ table: [String: String], fallback: String?) {
        guard table.count <= Self.maxEntries else { return nil }
        let entries = table.sorted { $0.key < $1.key }
        keys = entries.map { Array($0.key.utf8) }
        values = entries.map { Array($0.value.utf8) }
        self.fallback = fallback.map { Array($0.utf8) }
        let texts = keys + values + (self.fallback.map { [$0] } ?? [])
        guard texts.allSatisfy({ $0.allSatisfy { $0 < 0x80 } }) else { return nil }
        longestOutput = texts.map(\.count).max() ?? 0
    }

    /// Replaces the `count` bytes at `base` with what the map gives for them (`table[s] ?? fallback ?? s`);
    /// the new count. `base` has room for `longestOutput` bytes.
    func apply(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        let text = UnsafeBufferPointer(start: base, count: count)
        for (i, key) in keys.enumerated() where key.count == count {
            if key.withUnsafeBufferPointer({ $0.elementsEqual(text) }) { return Self.copy(values[i], to: base) }
        }
        if let fallback { return Self.copy(fallback, to: base) }
        return count
    }

    private static func copy(_ bytes: [UInt8], to base: UnsafeMutablePointer<UInt8>) -> Int {
        bytes.withUnsafeBufferPointer { if let source = $0.baseAddress { base.update(from: source, count: $0.count) } }
        return bytes.count
    }
}

/// The text operations of `TextOps` on ASCII bytes, in place: the same results byte for byte.
enum ASCIIText {
    /// Whether `b` is ASCII white space (what `TextOps.isSpace` says of an ASCII scalar).
    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// `TextOps.trim`: moves the text between the white space to `base`; the new count.
    static func trim(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        var start = 0
        var end = count
        while start < end && isSpace(base[start]) { start += 1 }
        while end > start && isSpace(base[end - 1]) { end -= 1 }
        if start > 0 { base.update(from: base + start, count: end - start) }
        return end - start
    }

    /// `bytes` without the white space at their ends.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// `lowercased()`.
    static func lower(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) {
        for i in 0..<count where base[i] &- 0x41 < 26 { base[i] |= 0x20 }
    }

    /// `uppercased()`.
    static func upper(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) {
        for i in 0..<count where base[i] &- 0x61 < 26 { base[i] &= ~0x20 }
    }

    /// `TextOps.title`: a letter after a non-letter, non-digit starts a word and is upper-cased,
    /// the other letters are lower-cased.
    static func title(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) {
        var atWordStart = true
        for i in 0..<count {
            let b = base[i]
            let lower = b | 0x20
            if lower >= 0x61 && lower <= 0x7A {
                base[i] = atWordStart ? lower & ~0x20 : lower
                atWordStart = false
            } else {
                atWordStart = !(b >= 0x30 && b <= 0x39)
            }
        }
    }

    /// `TextOps.collapseSpaces`: each run of white space becomes one space; the new count.
    static func collapseSpaces(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        var out = 0
        var inSpace = false
        for i in 0..<count {
            let b = base[i]
            if isSpace(b) {
                if !inSpace {
                    base[out] = 0x20
                    out += 1
                }
                inSpace = true
            } else {
                base[out] = b
                out += 1
                inSpace = false
            }
        }
        return out
    }

    /// Whether every byte of `bytes` is ASCII.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        if let base = bytes.baseAddress {
            while i + 8 <= n {
                if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
        }
        while i < n {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Whether `bytes`, lower-cased, are `word` (lower-case ASCII).
    static func equalsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0..<bytes.count {
            let b = bytes[i]
            if (b &- 0x41 < 26 ? b | 0x20 : b) != w[i] { return false }
        }
        return true
    }
}

/// `TextOps.trim`, `collapseSpaces` and `title` on UTF-8 text, in place: for the characters of
/// one or two bytes (U+0000 to U+07FF) by a table of their properties, for longer ones by their
/// properties read as they are met (a letter only when it has no case), both taken from the same
/// Unicode properties the `String` functions read: the same results byte for byte.
enum UTF8Text {
    /// What `title` and the white space functions need to know of one character.
    struct Entry: Sendable {
        enum Kind: UInt8, Sendable {
            /// Starts a word after it (`TextOps.title`'s last case).
            case other
            /// White space (`TextOps.isSpace`); also `other` for `title`.
            case space
            /// A letter: written in title case at a word's start, else in lower case.
            case letter
            /// A letter whose lower case mapping is longer than one character or than itself.
            case unsupportedLetter
            /// A digit or other number: continues a word.
            case number
            /// A combining mark: kept, the word state unchanged.
            case mark
        }
        var kind: Kind
        /// The UTF-8 of the lower and title case mappings (letters), `count` and `titleCount`
        /// bytes; a `titleCount` of 0 when the title case mapping is not one such character (`ß`).
        var lower: (UInt8, UInt8) = (0, 0)
        var title: (UInt8, UInt8) = (0, 0)
        var count: UInt8 = 0
        var titleCount: UInt8 = 0
    }

    /// One entry per character U+0000 ... U+07FF (each function reads it once a call).
    static let table: [Entry] = (0..<0x800).map { value in
        let scalar = Unicode.Scalar(UInt32(value))!
        let props = scalar.properties
        if props.isAlphabetic {
            let lower = Array(props.lowercaseMapping.utf8)
            let title = Array(props.titlecaseMapping.utf8)
            let length = scalar.utf8.count
            guard lower.count <= length, props.lowercaseMapping.unicodeScalars.count == 1 else {
                return Entry(kind: .unsupportedLetter)
            }
            let titled = title.count <= length && props.titlecaseMapping.unicodeScalars.count == 1
            return Entry(
                kind: .letter, lower: (lower[0], lower.count > 1 ? lower[1] : 0),
                title: titled ? (title[0], title.count > 1 ? title[1] : 0) : (0, 0), count: UInt8(lower.count),
                titleCount: titled ? UInt8(title.count) : 0)
        }
        if props.numericType != nil { return Entry(kind: .number) }
        if props.generalCategory == .nonspacingMark || props.generalCategory == .spacingMark { return Entry(kind: .mark) }
        return Entry(kind: TextOps.isSpace(scalar) ? .space : .other)
    }

    /// The character at `i` of valid UTF-8 and its length.
    @inline(__always)
    private static func character(_ base: UnsafeMutablePointer<UInt8>, _ i: Int) -> (value: Int, length: Int) {
        let b = base[i]
        if b < 0x80 { return (Int(b), 1) }
        if b < 0xE0 { return ((Int(b & 0x1F) << 6) | Int(base[i + 1] & 0x3F), 2) }
        if b < 0xF0 { return ((Int(b & 0x0F) << 12) | (Int(base[i + 1] & 0x3F) << 6) | Int(base[i + 2] & 0x3F), 3) }
        let value = (Int(b & 0x07) << 18) | (Int(base[i + 1] & 0x3F) << 12) | (Int(base[i + 2] & 0x3F) << 6)
            | Int(base[i + 3] & 0x3F)
        return (value, 4)
    }

    @inline(__always)
    private static func isSpace(_ character: Int, _ table: [Entry]) -> Bool {
        character < 0x800 ? table[character].kind == .space : isWideSpace(character)
    }

    /// `TextOps.isSpace` of a character beyond U+07FF: the White_Space characters there, a set
    /// that Unicode keeps stable (`ByteChainTests` checks it against the scalar properties).
    @inline(__always)
    static func isWideSpace(_ c: Int) -> Bool {
        c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
            || c == 0x3000
    }

    /// What `title` does with a character beyond U+07FF: `nil` for a letter with case. A letter
    /// is caseless when neither lower- nor title-casing changes it (two binary properties, which
    /// say what comparing its case mappings with it says, without making them); an "other letter"
    /// (CJK, Hangul, kana …) always is.
    static func wideKind(_ character: Int) -> Entry.Kind? {
        let scalar = Unicode.Scalar(UInt32(character))!
        let props = scalar.properties
        if props.generalCategory == .otherLetter { return .letter }
        if props.isAlphabetic {
            return props.changesWhenLowercased || props.changesWhenTitlecased ? nil : .letter
        }
        if props.numericType != nil { return .number }
        if props.generalCategory == .nonspacingMark || props.generalCategory == .spacingMark { return .mark }
        return .other
    }

    /// `TextOps.trim`: moves the text between the white space to `base`; the new count.
    static func trim(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        let table = Self.table
        var start = 0
        while start < count {
            let (c, n) = character(base, start)
            if !isSpace(c, table) { break }
            start += n
        }
        var end = count
        while end > start {
            // The last character starts at the last byte that is not a continuation byte.
            var lead = end - 1
            while base[lead] & 0xC0 == 0x80 { lead -= 1 }
            if !isSpace(character(base, lead).value, table) { break }
            end = lead
        }
        if start > 0 { base.update(from: base + start, count: end - start) }
        return end - start
    }

    /// `TextOps.collapseSpaces`: each run of white space becomes one space; the new count.
    static func collapseSpaces(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        let table = Self.table
        var out = 0
        var i = 0
        var inSpace = false
        while i < count {
            let (c, n) = character(base, i)
            if isSpace(c, table) {
                if !inSpace {
                    base[out] = 0x20
                    out += 1
                }
                inSpace = true
            } else {
                for k in 0..<n { base[out + k] = base[i + k] }
                out += n
                inSpace = false
            }
            i += n
        }
        return out
    }

    /// `TextOps.title`; the new count, or `nil` when a letter's case mapping is not in the table.
    static func title(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int? {
        let table = Self.table
        var out = 0
        var i = 0
        var atWordStart = true
        while i < count {
            let (c, n) = character(base, i)
            if c >= 0x800 {
                guard let kind = wideKind(c) else { return nil }
                // A caseless letter, a number, a mark or another character: kept as it is.
                for k in 0..<n { base[out + k] = base[i + k] }
                out += n
                if kind == .letter || kind == .number {
                    atWordStart = false
                } else if kind != .mark {
                    atWordStart = true
                }
                i += n
                continue
            }
            let entry = table[c]
            switch entry.kind {
            case .letter:
                let count = atWordStart ? entry.titleCount : entry.count
                if count == 0 { return nil }
                let mapped = atWordStart ? entry.title : entry.lower
                base[out] = mapped.0
                if count > 1 { base[out + 1] = mapped.1 }
                out += Int(count)
                atWordStart = false
            case .unsupportedLetter:
                return nil
            case .number, .mark, .other, .space:
                for k in 0..<n { base[out + k] = base[i + k] }
                out += n
                if entry.kind == .number {
                    atWordStart = false
                } else if entry.kind != .mark {
                    atWordStart = true
                }
            }
            i += n
        }
        return out
    }
}
