#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the process does first, for the privacy of what it handles (docs/security.md):
/// - `umask 077`: everything it creates (run folder, checkpoint and its `-wal`/`-shm`, lock,
///   the rehearsal simulator's state) is private to the user, whoever creates it;
/// - no core dumps (`RLIMIT_CORE` 0, and on Linux `PR_SET_DUMPABLE` 0, which also keeps other
///   processes of the same user from reading its memory with ptrace): a crash cannot leave the
///   API key or contacts in a core file.
enum ProcessHardening {
    /// Applies the settings; failures are ignored (they only make the process less private).
    static func apply() {
        umask(0o077)
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        #if os(Linux)
            // prctl(2) is not imported by Glibc (sys/prctl.h); look it up. PR_SET_DUMPABLE is 4.
            typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
            if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") {
                _ = unsafeBitCast(symbol, to: Prctl.self)(4, 0, 0, 0, 0)
            }
        #endif
    }
}
