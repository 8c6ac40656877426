import ExportContactRules
import ExportCore
import ExportPipeline
import ExportRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The events of `prepare`'s one reading pass, written to a temporary file in the run folder and
/// read back in the same order, so that policies `last` and `newest` read, inflate, parse, map and
/// hash each input once: the pass finds every email's winner while it writes this file, then the
/// writing stage replays it.
///
/// The file is created with mode 0600 (it holds emails) and removed before the manifest is
/// written; a run that stops half way leaves it in a folder without a manifest, which nothing
/// uploads. Each event is one frame: its length (4 bytes), a tag byte and its fields (integers as
/// 8 bytes, texts as a length and their UTF-8), so that reading back needs no parsing beyond it;
/// a packed contact's frame also holds its dedupe key and date, so that neither is worked out again.
final class EventSpill {
    /// The file's name in the run folder.
    static let name = ".prepare-events.spill"

    let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private static let bufferSize = 1 << 20

    /// Creates the file in `runDirectory` (replacing one a stopped run left).
    init(runDirectory: String) throws {
        path = runDirectory + "/" + Self.name
        unlink(path)
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.error("cannot create the temporary event file", path: path) }
        buffer.reserveCapacity(Self.bufferSize + 4096)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    // MARK: - Writing

    /// Appends one event; a packed contact's email and item are read from `arena`.
    func append(_ event: RowEvent, arena: ByteArena) throws {
        let start = buffer.count
        buffer.append(contentsOf: [0, 0, 0, 0])
        switch event {
        case .start(let position):
            buffer.append(Tag.start.rawValue)
            put(position.input)
            put(position.member)
            put(position.memberFormat)
        case .warning(let message):
            buffer.append(Tag.warning.rawValue)
            put(message)
        case .malformed(let rejection):
            buffer.append(Tag.malformed.rawValue)
            put(rejection.origin)
            put(rejection.reason)
            put(rejection.detail)
            put(rejection.email)
        case .mapped(let origin, .rejected(let reason, let detail, let email)):
            buffer.append(Tag.rejected.rawValue)
            put(origin)
            put(reason)
            put(detail)
            put(email)
        case .mapped(let origin, .filtered(let detail)):
            buffer.append(Tag.filtered.rawValue)
            put(origin)
            put(detail)
        case .mapped(let origin, .contact(let contact)):
            buffer.append(Tag.contact.rawValue)
            put(origin)
            put(contact.email)
            put(contact.json)
            put(contact.warnings.count)
            for warning in contact.warnings {
                put(warning.field)
                put(warning.code)
            }
            put(contact.dedupeDate)
        case .packed(let contact, let line, let index):
            buffer.append(Tag.packed.rawValue)
            put(line)
            put(index)
            put(Int(Int64(bitPattern: contact.key.high)))
            put(Int(Int64(bitPattern: contact.key.low)))
            put(arena.bytes(contact.emailRange))
            put(arena.bytes(contact.itemRange))
            if let date = contact.sortableDate {
                buffer.append(1)
                put(Int(date))
            } else {
                buffer.append(0)
            }
        }
        let length = UInt32(buffer.count - start - 4)
        withUnsafeBytes(of: length.littleEndian) { length in
            for k in 0..<4 { buffer[start + k] = length[k] }
        }
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Writes what is buffered and closes the file for writing.
    func finishWriting() throws {
        try flush()
        guard close(fd) == 0 else {
            fd = -1
            throw Self.error("cannot write the temporary event file", path: path)
        }
        fd = -1
    }

    private func flush() throws {
        var written = 0
        try buffer.withUnsafeBytes { bytes in
            while written < bytes.count {
                let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw Self.error("cannot write the temporary event file", path: path) }
                written += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func put(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { buffer.append(contentsOf: $0) }
    }

    private func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        put(bytes.count)
        buffer.append(contentsOf: bytes)
    }

    private func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { put($0) }
    }

    private func put(_ text: String) {
        var text = text
        text.withUTF8 { put($0) }
    }

    private func put(_ text: String?) {
        if let text {
            buffer.append(1)
            put(text)
        } else {
            buffer.append(0)
        }
    }

    private func put(_ origin: RecordOrigin) {
        put(origin.file)
        put(origin.member)
        put(origin.line)
        put(origin.index)
    }

    private enum Tag: UInt8 {
        case start = 1, warning, malformed, rejected, filtered, contact, packed
    }

    // MARK: - Reading back

    /// Hands every event, in the order written, to `handle`, with the arena that holds a packed
    /// contact's bytes (valid until the next event).
    func replay(_ handle: (RowEvent, ByteArena) throws -> Void) throws {
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Self.error("cannot read the temporary event file", path: path) }
        defer { close(input) }
        var data: [UInt8] = []
        data.reserveCapacity(Self.bufferSize * 2)
        var position = 0
        var ended = false
        let arena = ByteArena(capacity: 1 << 16)
        var chunk = [UInt8](repeating: 0, count: Self.bufferSize)
        while true {
            // A whole frame in `data` from `position`, reading more when not.
            while !ended {
                if data.count - position >= 4 {
                    let length = data.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt32.self))) }
                    if data.count - position >= 4 + length { break }
                }
                if position > 0 {
                    data.removeFirst(position)
                    position = 0
                }
                let n = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw Self.error("cannot read the temporary event file", path: path) }
                if n == 0 { ended = true } else { data.append(contentsOf: chunk[0..<n]) }
            }
            if position == data.count { return }
            guard data.count - position >= 4 else { throw Self.truncated(path) }
            var frame = Frame(data: data, at: position + 4)
            let length = data.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt32.self))) }
            guard data.count - position >= 4 + length else { throw Self.truncated(path) }
            position += 4 + length
            arena.removeAll()
            try handle(try frame.event(into: arena, path: path), arena)
        }
    }

    /// Removes the file.
    func remove() {
        unlink(path)
    }

    /// One frame being decoded.
    private struct Frame {
        let data: [UInt8]
        var at: Int

        mutating func int() -> Int {
            let value = data.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: Int64.self)) }
            at += 8
            return Int(value)
        }

        mutating func bytes() -> ArraySlice<UInt8> {
            let count = int()
            defer { at += count }
            return data[at..<(at + count)]
        }

        mutating func text() -> String { String(decoding: bytes(), as: UTF8.self) }

        mutating func optionalText() -> String? {
            let present = data[at] == 1
            at += 1
            return present ? text() : nil
        }

        mutating func origin() -> RecordOrigin {
            let file = text()
            let member = optionalText()
            let line = int()
            return RecordOrigin(file: file, member: member, line: line, index: int())
        }

        mutating func event(into arena: ByteArena, path: String) throws -> RowEvent {
            let tag = data[at]
            at += 1
            switch Tag(rawValue: tag) {
            case .start?:
                let input = int()
                let member = optionalText()
                return .start(RecordRun.InputPosition(input: input, member: member, memberFormat: text()))
            case .warning?:
                return .warning(text())
            case .malformed?:
                let origin = origin()
                let reason = text()
                let detail = text()
                return .malformed(Rejection(origin: origin, reason: reason, detail: detail, email: optionalText()))
            case .rejected?:
                let origin = origin()
                let reason = text()
                let detail = text()
                return .mapped(origin, .rejected(reason: reason, detail: detail, email: optionalText()))
            case .filtered?:
                let origin = origin()
                return .mapped(origin, .filtered(detail: text()))
            case .contact?:
                let origin = origin()
                let email = text()
                let json = Array(bytes())
                var warnings: [MappingWarning] = []
                for _ in 0..<int() {
                    let field = text()
                    warnings.append(MappingWarning(field: field, code: text()))
                }
                return .mapped(
                    origin,
                    .contact(MappedContact(email: email, json: json, warnings: warnings, dedupeDate: optionalText())))
            case .packed?:
                let line = int()
                let index = int()
                let high = UInt64(bitPattern: Int64(int()))
                let key = EmailKey(high: high, low: UInt64(bitPattern: Int64(int())))
                // The email and the item, copied straight from the frame: the key came with them.
                let emailCount = int()
                let emailAt = at
                at += emailCount
                let itemCount = int()
                let itemAt = at
                at += itemCount
                let dated = data[at] == 1
                at += 1
                let sortableDate = dated ? Int64(int()) : nil
                let room = arena.reserve(emailCount + itemCount)
                data.withUnsafeBufferPointer { frame in
                    room.baseAddress!.update(from: frame.baseAddress! + emailAt, count: emailCount)
                    (room.baseAddress! + emailCount).update(from: frame.baseAddress! + itemAt, count: itemCount)
                }
                arena.commit(emailCount + itemCount)
                let contact = PackedContact(
                    key: key, start: 0, emailEnd: emailCount, end: emailCount + itemCount, sortableDate: sortableDate)
                return .packed(contact, line: line, index: index)
            case nil:
                throw EventSpill.truncated(path)
            }
        }
    }

    private static func truncated(_ path: String) -> ExportError {
        ExportError(.internal, "the temporary event file is damaged", path: path)
    }

    private static func error(_ what: String, path: String) -> ExportError {
        ExportError(.io, "\(what): \(String(cString: strerror(errno)))", path: path)
    }
}
