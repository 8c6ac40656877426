import CExportArchive
import ExportCore

/// Hands a `ByteSource` to libarchive through its read callback, keeping the first error the
/// source throws so the reader can rethrow it instead of libarchive's generic message.
final class ArchiveFeed {
    var source: any ByteSource
    let buffer: UnsafeMutableRawBufferPointer
    /// The error the source threw, if any.
    private(set) var error: (any Error)?

    init(_ source: any ByteSource) {
        self.source = source
        self.buffer = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    /// The body of libarchive's read callback: reads the next block, returning its size or
    /// `ARCHIVE_FATAL` after recording the error.
    static func pull(client: UnsafeMutableRawPointer?, output: UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int {
        let feed = Unmanaged<ArchiveFeed>.fromOpaque(client!).takeUnretainedValue()
        do {
            let count = try feed.source.read(into: feed.buffer)
            output?.pointee = UnsafeRawPointer(feed.buffer.baseAddress)
            return count
        } catch {
            feed.error = error
            return Int(ARCHIVE_FATAL)
        }
    }

    deinit { buffer.deallocate() }
}
