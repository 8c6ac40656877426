import ExportCore
import ExportUpload
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The stored contacts `verify` found for its candidates, kept on disk (a file of mode 0600 in
/// the run folder) until they are compared with what was sent chunk by chunk: the destination
/// answers in its own order, and a million stored contacts do not fit in memory. In memory stays
/// one position per candidate.
///
/// Each record is the candidate (4 bytes, little-endian), the text's length (4 bytes) and the
/// contact as JSON text, so a stopped verify reopens the spool at the length its progress saved
/// (``sync()``) and finds every contact kept before; bytes written after that are cut.
final class StoredContactSpool {
    let path: String
    private let descriptor: Int32
    private var positions: [UInt64]
    private var buffer: [UInt8] = []
    private var written: UInt64 = 0

    /// Opens the spool at `path` for `candidates` candidates: a fresh one, or, with `length`, the
    /// first `length` bytes of the spool a stopped verify left.
    /// - Throws: `ExportError(.cannotCreate)` naming the file; `ExportError(.corruptInput)` when
    ///   the kept bytes are not records of these candidates.
    init(path: String, candidates: Int, resumingAt length: UInt64? = nil) throws {
        self.path = path
        if length == nil { unlink(path) }
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (length == nil ? O_EXCL : 0), 0o600)
        guard descriptor >= 0 else {
            throw ExportError(.cannotCreate, "cannot create the spool of stored contacts: \(String(cString: strerror(errno)))", path: path)
        }
        positions = Array(repeating: 0, count: candidates)
        if let length {
            do { try reopen(length: length) } catch {
                close(descriptor)
                throw error
            }
        }
    }

    deinit { close(descriptor) }

    /// Cuts the file to `length` and finds the records in it.
    private func reopen(length: UInt64) throws {
        var size = stat()
        guard fstat(descriptor, &size) == 0, UInt64(size.st_size) >= length, ftruncate(descriptor, off_t(length)) == 0 else {
            throw ExportError(.corruptInput, "the spool of stored contacts is shorter than its saved progress", path: path)
        }
        var offset: UInt64 = 0
        var header = [UInt8](repeating: 0, count: 8)
        while offset < length {
            guard offset + 8 <= length, header.withUnsafeMutableBytes({ pread(descriptor, $0.baseAddress, 8, off_t(offset)) }) == 8 else {
                throw ExportError(.corruptInput, "the spool of stored contacts ends inside a record at byte \(offset)", path: path)
            }
            let candidate = Int(Self.uint32(header, at: 0))
            let count = UInt64(Self.uint32(header, at: 4))
            guard candidate < positions.count, offset + 8 + count <= length else {
                throw ExportError(.corruptInput, "the spool of stored contacts has a record of another verify at byte \(offset)", path: path)
            }
            if positions[candidate] == 0 { positions[candidate] = ((offset + 8) << 24 | count) + 1 }
            offset += 8 + count
        }
        written = length
    }

    private static func uint32(_ bytes: [UInt8], at index: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[index + $1]) << (8 * UInt32($1)) }
    }

    /// Whether the stored contact of `candidate` was kept already.
    func contains(_ candidate: Int) -> Bool { positions[candidate] != 0 }

    /// Keeps the stored contact of `candidate` (the first one kept wins).
    func keep(_ candidate: Int, contact: JSONObject) throws {
        guard positions[candidate] == 0 else { return }
        var text: [UInt8] = []
        StoredContactSpool.append(.object(contact), to: &text)
        // 40 bits of offset, 24 of length (a stored contact over 16 MB is cut, which cannot be a match).
        let count = min(text.count, 0xFF_FFFF)
        let offset = written + UInt64(buffer.count) + 8
        positions[candidate] = (offset << 24 | UInt64(count)) + 1
        for value in [UInt32(candidate), UInt32(count)] {
            for shift in stride(from: 0, to: 32, by: 8) { buffer.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        buffer.append(contentsOf: text.prefix(count))
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// The stored contact of `candidate` as JSON text, or nil when none was kept.
    func storedText(_ candidate: Int) throws -> [UInt8]? {
        guard positions[candidate] != 0 else { return nil }
        try flush()
        let packed = positions[candidate] - 1
        let offset = packed >> 24
        let length = Int(packed & 0xFF_FFFF)
        var bytes = [UInt8](repeating: 0, count: length)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(offset)) }
        guard got == length else {
            throw ExportError(.io, "cannot read back the spool of stored contacts: \(String(cString: strerror(errno)))", path: path)
        }
        return bytes
    }

    /// Writes what is buffered and flushes it to disk; returns the spool's length, which a
    /// progress saved after this call may name.
    func sync() throws -> UInt64 {
        try flush()
        guard fsync(descriptor) == 0 else {
            throw ExportError(.io, "cannot flush the spool of stored contacts: \(String(cString: strerror(errno)))", path: path)
        }
        return written
    }

    /// Deletes the file (a finished verify).
    func remove() { unlink(path) }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        var start = 0
        while start < buffer.count {
            let done = buffer[start...].withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(written) + off_t(start)) }
            guard done > 0 else {
                throw ExportError(.io, "cannot write the spool of stored contacts: \(String(cString: strerror(errno)))", path: path)
            }
            start += done
        }
        written += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Appends `value` as JSON text (keys in their order, numbers as written).
    static func append(_ value: FieldValue, to out: inout [UInt8]) {
        switch value {
        case .string(let text): JSONText.appendString(text, to: &out)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for index in object.keys.indices {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(object.keys[index], to: &out)
                out.append(UInt8(ascii: ":"))
                append(object.values[index], to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
