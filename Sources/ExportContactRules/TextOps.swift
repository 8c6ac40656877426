/// The Unicode-aware string operations of the mapping language, with ASCII fast paths.
///
/// Whitespace is Unicode `White_Space` (so NBSP, ideographic space and line separators count).
public enum TextOps {
    /// Whether `scalar` is Unicode white space.
    @inline(__always)
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 {
            let v = scalar.value
            return v == 0x20 || (v >= 0x09 && v <= 0x0D)
        }
        return scalar.properties.isWhitespace
    }

    /// `s` without leading and trailing white space.
    public static func trim(_ s: String) -> String {
        // Fast path: nothing to trim when both ends are ASCII non-space bytes.
        let utf8 = s.utf8
        guard let first = utf8.first, let last = utf8.last else { return s }
        if first < 0x80 && last < 0x80 && !isASCIISpace(first) && !isASCIISpace(last) { return s }
        let scalars = s.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end && isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            if !isSpace(scalars[before]) { break }
            end = before
        }
        return String(scalars[start..<end])
    }

    @inline(__always)
    private static func isASCIISpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// Runs of white space replaced by one ASCII space (ends are kept; combine with `trim`).
    public static func collapseSpaces(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var inSpace = false
        for scalar in s.unicodeScalars {
            if isSpace(scalar) {
                if !inSpace { out.append(" ") }
                inSpace = true
            } else {
                out.append(scalar)
                inSpace = false
            }
        }
        return String(out)
    }

    /// Title case: the first letter of each word in title case, the other letters lower case.
    /// A word starts after any character that is not a letter or a combining mark
    /// ("ȘTEFAN" → "Ștefan", "jean-luc o'neil" → "Jean-Luc O'Neil").
    public static func title(_ s: String) -> String {
        if let ascii = asciiTitle(s) { return ascii }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var atWordStart = true
        for scalar in s.unicodeScalars {
            let props = scalar.properties
            if props.isAlphabetic {
                out += atWordStart ? props.titlecaseMapping : props.lowercaseMapping
                atWordStart = false
            } else if props.numericType != nil || props.generalCategory == .nonspacingMark
                || props.generalCategory == .spacingMark {
                // Digits and combining marks continue a word ("3rd" stays "3rd").
                out.unicodeScalars.append(scalar)
                if props.numericType != nil { atWordStart = false }
            } else {
                out.unicodeScalars.append(scalar)
                atWordStart = true
            }
        }
        return out
    }

    /// `title` for pure ASCII text, byte by byte; `nil` when `s` has non-ASCII characters.
    private static func asciiTitle(_ s: String) -> String? {
        var bytes = Array(s.utf8)
        var atWordStart = true
        for i in bytes.indices {
            let b = bytes[i]
            if b >= 0x80 { return nil }
            let lower = b | 0x20
            if lower >= 0x61 && lower <= 0x7A {
                bytes[i] = atWordStart ? lower & ~0x20 : lower
                atWordStart = false
            } else {
                atWordStart = b >= 0x30 && b <= 0x39 ? false : true
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `s` is empty or only white space.
    public static func isBlank(_ s: String) -> Bool {
        for scalar in s.unicodeScalars where !isSpace(scalar) { return false }
        return true
    }

    /// The first `count` characters (grapheme clusters) of `s`.
    public static func truncate(_ s: String, to count: Int) -> String {
        if s.utf8.count <= count { return s }
        var i = s.startIndex
        var n = 0
        while i < s.endIndex && n < count {
            i = s.index(after: i)
            n += 1
        }
        return String(s[..<i])
    }

    /// Lower-cased, diacritics removed (NFD minus combining marks), non-alphanumerics folded to
    /// single spaces, trimmed: the lookup key of names ("  Ro-mânia " → "ro mania").
    static func foldKey(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in s.unicodeScalars {
            for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                for piece in decompose(lower) {
                    let props = piece.properties
                    if props.generalCategory == .nonspacingMark { continue }
                    if props.isAlphabetic || props.numericType != nil {
                        if pendingSpace && !out.isEmpty { out.append(" ") }
                        pendingSpace = false
                        out.append(piece)
                    } else {
                        pendingSpace = true
                    }
                }
            }
        }
        return String(out)
    }

    /// The canonical decomposition of a Latin letter with diacritics; other scalars as they are.
    private static func decompose(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if scalar.value < 0x80 { return [scalar] }
        let nfd = String(scalar).decomposedForLookup
        return Array(nfd.unicodeScalars)
    }
}
