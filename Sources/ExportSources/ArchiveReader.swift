import CExportArchive
import ExportCore

/// Reads the entries of one zip or tar bundle through libarchive, never writing anything to disk.
///
/// Only the requested format is enabled and no libarchive decompression filter: gzip layers are
/// peeled by `GzipSource` before the bytes reach libarchive. No passphrase callback is set, so an
/// encrypted entry fails instead of prompting. Owns the `struct archive *` and frees it in deinit.
final class ArchiveReader {
    /// The bundle format to enable.
    enum Format: String, Sendable { case zip, tar }

    private let handle: OpaquePointer
    private let feed: ArchiveFeed?
    /// The bundle's display name, for errors.
    let name: String
    let format: Format
    private var nextIndex = 0

    /// Opens the file at `path` directly (seekable, so zip reads its central directory).
    convenience init(format: Format, path: String, name: String) throws {
        try self.init(format: format, feed: nil, name: name) { handle in
            archive_read_open_filename(handle, path, 64 * 1024)
        }
    }

    /// Reads the bundle from `source`, a stream positioned at its first byte.
    convenience init(format: Format, source: any ByteSource, name: String) throws {
        let feed = ArchiveFeed(source)
        try self.init(format: format, feed: feed, name: name) { handle in
            archive_read_open(
                handle, Unmanaged.passUnretained(feed).toOpaque(), nil,
                { _, client, output in ArchiveFeed.pull(client: client, output: output) }, nil)
        }
    }

    private init(format: Format, feed: ArchiveFeed?, name: String, open: (OpaquePointer) -> Int32) throws {
        guard let handle = ArchiveLocale.withUTF8({ archive_read_new() }) else {
            throw ExportError(.internal, "libarchive could not allocate a reader", path: name)
        }
        self.handle = handle
        self.feed = feed
        self.name = name
        self.format = format
        archive_read_support_filter_none(handle)
        switch format {
        case .zip:
            archive_read_support_format_zip(handle)
        case .tar:
            archive_read_support_format_tar(handle)
            // A second archive appended to the first is read too, never dropped silently.
            archive_read_set_format_option(handle, "tar", "read_concatenated_archives", "1")
        }
        let status = ArchiveLocale.withUTF8 { open(handle) }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN else {
            throw failure(member: nil, doing: "cannot be opened as \(format.rawValue)")
        }
    }

    /// The next entry header, or nil after the last one.
    /// - Parameter warn: receives libarchive's warnings about the header.
    func nextEntry(warn: (String) -> Void) throws -> ArchiveEntry? {
        var entry: OpaquePointer?
        var status = ARCHIVE_RETRY
        var result: ArchiveEntry?
        ArchiveLocale.withUTF8 {
            while status == ARCHIVE_RETRY { status = archive_read_next_header(handle, &entry) }
            if let entry, status == ARCHIVE_OK || status == ARCHIVE_WARN {
                result = ArchiveEntry(entry, index: nextIndex)
            }
        }
        switch status {
        case ARCHIVE_EOF:
            return nil
        case ARCHIVE_OK, ARCHIVE_WARN:
            guard let result else { return nil }
            nextIndex += 1
            if status == ARCHIVE_WARN {
                warn("\(name): entry '\(result.name)': \(libarchiveMessage)")
            }
            return result
        default:
            throw failure(member: nil, doing: "is damaged after entry \(nextIndex)")
        }
    }

    /// Reads data of the current entry; returns 0 at its end.
    func readData(into buffer: UnsafeMutableRawBufferPointer, member: String) throws -> Int {
        let count = ArchiveLocale.withUTF8 { archive_read_data(handle, buffer.baseAddress, buffer.count) }
        if count >= 0 { return count }
        throw failure(member: member, doing: "cannot be read")
    }

    /// Reads what is left of the input stream after the last entry, so a gzip layer underneath
    /// reaches its trailer and checks its CRC.
    func drainInput() throws {
        guard let feed else { return }
        while try feed.source.read(into: feed.buffer) > 0 {}
    }

    /// Bytes libarchive has taken from the input so far.
    var inputOffset: Int64 { archive_filter_bytes(handle, -1) }

    private var libarchiveMessage: String {
        archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    /// The error for a failed libarchive call: the input's own error when the feed failed
    /// (a corrupt gzip layer, a limit), otherwise libarchive's message with the byte offset.
    private func failure(member: String?, doing what: String) -> any Error {
        if let error = feed?.error { return error }
        let subject = member.map { "\(format.rawValue) entry '\($0)'" } ?? "\(format.rawValue) archive"
        return ExportError(
            .corruptInput, "\(subject) \(what) near archive byte offset \(inputOffset): \(libarchiveMessage)",
            path: member.map { "\(name):\($0)" } ?? name)
    }

    deinit { archive_read_free(handle) }
}
