#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the process does first, for the privacy of what it handles (docs/security.md):
/// - `umask 077`: everything it creates (run folder, checkpoint and its `-wal`/`-shm`, lock,
///   the rehearsal simulator's state) is private to the user, whoever creates it;
/// - no core dumps (`RLIMIT_CORE` 0, soft and hard): a crash cannot leave the API key or contacts
///   in a core file.
///
/// `prctl(PR_SET_DUMPABLE, 0)` is deliberately not used: it keeps Swift's crash backtracer from
/// reading the process, which then hangs instead of exiting on a crash.
enum ProcessHardening {
    /// Applies the settings; failures are ignored (they only make the process less private).
    static func apply() {
        umask(0o077)
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
    }
}
