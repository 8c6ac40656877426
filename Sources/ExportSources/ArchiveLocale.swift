#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs libarchive calls under a UTF-8 `LC_CTYPE` for the calling thread only (`uselocale`),
/// so entry names are converted to UTF-8 instead of failing against the process's "C" locale.
/// The process locale is never changed.
enum ArchiveLocale {
    private nonisolated(unsafe) static let utf8: locale_t? = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)

    /// Calls `body` with the thread's locale set to C.UTF-8 (when available), then restores it.
    static func withUTF8<T>(_ body: () throws -> T) rethrows -> T {
        guard let utf8 else { return try body() }
        let previous = uselocale(utf8)
        defer { uselocale(previous) }
        return try body()
    }
}
