import ExportCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The stored contacts `verify` found for its candidates, kept on disk (a file of mode 0600 in
/// the run folder, deleted when done) until they are compared with what was sent chunk by chunk:
/// the destination answers in its own order, and a million stored contacts do not fit in memory.
/// In memory stays one position per candidate.
final class StoredContactSpool {
    private let path: String
    private let descriptor: Int32
    private var positions: [UInt64]
    private var buffer: [UInt8] = []
    private var written: UInt64 = 0

    /// Opens a fresh spool at `path` for `candidates` candidates.
    /// - Throws: `ExportError(.cannotCreate)` naming the file.
    init(path: String, candidates: Int) throws {
        self.path = path
        unlink(path)
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ExportError(.cannotCreate, "cannot create the spool of stored contacts: \(String(cString: strerror(errno)))", path: path)
        }
        positions = Array(repeating: 0, count: candidates)
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Whether the stored contact of `candidate` was kept already.
    func contains(_ candidate: Int) -> Bool { positions[candidate] != 0 }

    /// Keeps the stored contact of `candidate` (the first one kept wins).
    func keep(_ candidate: Int, contact: JSONObject) throws {
        guard positions[candidate] == 0 else { return }
        var text: [UInt8] = []
        StoredContactSpool.append(.object(contact), to: &text)
        let offset = written + UInt64(buffer.count)
        // 40 bits of offset, 24 of length (a stored contact over 16 MB is cut, which cannot be a match).
        positions[candidate] = (offset << 24 | UInt64(min(text.count, 0xFF_FFFF))) + 1
        buffer.append(contentsOf: text.prefix(0xFF_FFFF))
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
