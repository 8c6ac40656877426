import CExportArchive

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One entry header of a zip or tar bundle, copied out of libarchive.
struct ArchiveEntry: Sendable, Equatable {
    /// What kind of file system object the entry describes.
    enum Kind: Sendable, Equatable {
        case regular, directory, symlink, hardlink, device, fifo, socket
        /// A type libarchive does not name (zip entries without a file type are `regular`).
        case unknown
    }

    /// 0-based position in archive order.
    var index: Int
    /// The entry name as stored (UTF-8 when libarchive could convert it, raw bytes otherwise).
    var nameBytes: [UInt8]
    var kind: Kind
    /// The declared uncompressed size, when the header states one.
    var declaredSize: Int64?
    var isEncrypted: Bool

    /// The name for messages; undecodable bytes become U+FFFD.
    var name: String { String(decoding: nameBytes, as: UTF8.self) }

    /// Copies the fields of `entry`, the `index`th header of its archive.
    init(_ entry: OpaquePointer, index: Int) {
        self.index = index
        let raw = archive_entry_pathname_utf8(entry) ?? archive_entry_pathname(entry)
        self.nameBytes = raw.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        self.kind = Self.kind(of: entry)
        self.declaredSize = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
        self.isEncrypted = archive_entry_is_encrypted(entry) != 0
    }

    /// Creates an entry from its parts (tests).
    init(index: Int, name: String, kind: Kind, declaredSize: Int64? = nil, isEncrypted: Bool = false) {
        self.index = index
        self.nameBytes = Array(name.utf8)
        self.kind = kind
        self.declaredSize = declaredSize
        self.isEncrypted = isEncrypted
    }

    private static func kind(of entry: OpaquePointer) -> Kind {
        if archive_entry_hardlink(entry) != nil { return .hardlink }
        if archive_entry_symlink(entry) != nil { return .symlink }
        switch UInt32(archive_entry_filetype(entry)) & 0o170000 {
        case 0o100000, 0: return .regular
        case 0o040000: return .directory
        case 0o120000: return .symlink
        case 0o020000, 0o060000: return .device
        case 0o010000: return .fifo
        case 0o140000: return .socket
        default: return .unknown
        }
    }
}
