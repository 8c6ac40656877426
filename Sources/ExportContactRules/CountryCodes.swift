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

    /// The index's ASCII keys, by their bytes.
    private static let asciiIndex = ByteKeyTable(
        index.filter { $0.key.utf8.allSatisfy { $0 < 0x80 } }.map { (key: Array($0.key.utf8), value: $0.value) })

    /// `alpha2(for:)` of the ASCII text `bytes` (trimmed), without making a `String`: its lookup
    /// key folded as `TextOps.foldKey` folds ASCII (lower case, each run of other characters than
    /// letters and digits one space, none at the ends). A non-ASCII key cannot equal it.
    public static func alpha2(ascii bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.isEmpty { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { key in
            var count = 0
            var pendingSpace = false
            for b in bytes {
                let lower = b &- 0x41 < 26 ? b | 0x20 : b
                if lower &- 0x61 < 26 || lower &- 0x30 < 10 {
                    if pendingSpace && count > 0 {
                        key[count] = 0x20
                        count += 1
                    }
                    pendingSpace = false
                    key[count] = lower
                    count += 1
                } else {
                    pendingSpace = true
                }
            }
            return asciiIndex.value(for: UnsafeBufferPointer(rebasing: key[0..<count]))
        }
    }
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
