import Foundation

/// Turns a country name or code into its ISO 3166-1 alpha-2 code: "Romania", "România", "RO",
/// "ro", "ROU" → `RO`.
///
/// Names are compared case- and diacritic-insensitively, with punctuation folded to spaces, so
/// "Korea, Republic of" and "korea republic of" match.
public enum CountryCodes {
    private static let index: [String: String] = {
        var index: [String: String] = [:]
        for (alpha2, alpha3, names) in CountryTable.entries {
            index[alpha2.lowercased()] = alpha2
            index[alpha3.lowercased()] = alpha2
            for name in names {
                let key = TextOps.foldKey(name)
                if index[key] == nil { index[key] = alpha2 }
            }
        }
        return index
    }()

    /// The alpha-2 code for `text`, or `nil` when the table does not know it.
    public static func alpha2(for text: String) -> String? {
        let trimmed = TextOps.trim(text)
        if trimmed.isEmpty { return nil }
        // Fast path for codes and plain ASCII names.
        var isPlainASCII = true
        for b in trimmed.utf8 where b >= 0x80 || !(b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) {
            isPlainASCII = false
            break
        }
        if isPlainASCII { return index[trimmed.lowercased()] }
        // Folding non-ASCII text is slow (NFD); exports repeat a few country names, so remember them.
        if let cached = cache.value(for: trimmed) { return cached }
        let code = index[TextOps.foldKey(trimmed)]
        cache.store(code, for: trimmed)
        return code
    }

    private static let cache = LookupCache()
}

/// A bounded, thread-safe memo of non-ASCII country spellings (at most 4096 entries).
private final class LookupCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: String?] = [:]

    func value(for key: String) -> String?? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func store(_ value: String?, for key: String) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count < 4096 { entries[key] = value }
    }
}
