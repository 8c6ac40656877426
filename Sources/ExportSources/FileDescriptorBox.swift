#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns an open file descriptor and closes it when released.
final class FileDescriptorBox {
    /// The descriptor; valid for the box's lifetime.
    let fd: Int32

    init(_ fd: Int32) { self.fd = fd }

    /// One `read(2)` call; returns its raw result (-1 with `errno` set on failure).
    func readSome(into base: UnsafeMutableRawPointer, count: Int) -> Int {
        read(fd, base, count)
    }

    deinit { close(fd) }
}
