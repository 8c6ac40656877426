import ExportChunks
import ExportCore

/// Writes the NDJSON side files of a run folder (`rejects.ndjson`, `duplicates.ndjson`,
/// `contacts.ndjson`, `warnings.ndjson`), one object per line with a fixed key order, so that `jq` and `grep` work
/// on them and the same run gives the same bytes.
///
/// Lines are built straight into a block of about 256 KiB; full blocks are hashed and written on
/// the `FileWorkQueue` given (or at once without one). The keys are constant bytes, and the
/// input name, the same for every row of an input, is escaped once per input.
struct SideFileWriter {
    private let writer: AtomicFileWriter
    private let io: FileWorkQueue?
    /// The file name inside the run folder.
    let name: String
    private var block: [UInt8] = []
    /// Lines written: one per object (escaped JSON holds no line feed), so none are counted.
    private var lines = 0
    private static let blockBytes = 1 << 18
    /// Blocks go back and forth between this writer and the file jobs.
    private let buffers = BufferPool(limit: 4)
    private var input = InputNameCache()
    private var keptInput = InputNameCache()

    /// Creates the file (under a temporary name until `commit`); blocks are written on `io`.
    init(runDirectory: String, name: String, io: FileWorkQueue? = nil) throws {
        self.name = name
        self.io = io
        writer = try AtomicFileWriter(path: runDirectory + "/" + name, countsLines: false)
        block.reserveCapacity(Self.blockBytes + 4096)
    }

    private static let rejectInput = Array(#"{"input":"#.utf8)
    private static let rejectReason = Array(#","reason":"#.utf8)
    private static let rejectDetail = Array(#","detail":"#.utf8)
    private static let rejectEmail = Array(#","email":"#.utf8)
    private static let lineKey = Array(#","line":"#.utf8)
    private static let null = Array("null".utf8)

    /// `{"input":…,"line":N`: how every line of the rejects, duplicates and warnings files starts.
    private mutating func start(_ origin: RecordOrigin) {
        block.append(contentsOf: Self.rejectInput)
        block.append(contentsOf: input.json(for: origin))
        block.append(contentsOf: Self.lineKey)
        Self.appendDecimal(origin.line, to: &block)
    }

    /// `{"input":…,"line":…,"reason":…,"detail":…,"email":…}`
    mutating func reject(_ rejection: Rejection) throws {
        start(rejection.origin)
        block.append(contentsOf: Self.rejectReason)
        JSONText.appendString(rejection.reason, to: &block)
        block.append(contentsOf: Self.rejectDetail)
        JSONText.appendString(rejection.detail, to: &block)
        block.append(contentsOf: Self.rejectEmail)
        if let email = rejection.email { JSONText.appendString(email, to: &block) } else { block.append(contentsOf: Self.null) }
        try end()
    }

    private static let duplicateEmail = Array(#","email":"#.utf8)
    private static let duplicateKeptInput = Array(#","keptInput":"#.utf8)
    private static let duplicateKeptLine = Array(#","keptLine":"#.utf8)
    private static let duplicatePolicy = Array(#","policy":"#.utf8)
    private static let duplicateDate = Array(#","date":"#.utf8)
    private static let duplicateKeptDate = Array(#","keptDate":"#.utf8)

    /// Why the kept row of a duplicate won: the dedupe policy, and for `newest` the two dates
    /// compared (ISO 8601 UTC; `nil` when a row's date could not be read, which loses).
    enum KeptBecause {
        case first
        case last
        case newest(date: String?, keptDate: String?)

        fileprivate var policyJSON: [UInt8] {
            switch self {
            case .first: return Array(#""first""#.utf8)
            case .last: return Array(#""last""#.utf8)
            case .newest: return Array(#""newest""#.utf8)
            }
        }
    }

    /// `{"input":…,"line":…,"email":…,"keptInput":…,"keptLine":…,"policy":…}`, and for `newest`
    /// `"date":…,"keptDate":…` after it.
    mutating func duplicate(
        origin: RecordOrigin, email: UnsafeBufferPointer<UInt8>, keptInput: String, keptLine: Int,
        because: KeptBecause = .first
    ) throws {
        start(origin)
        block.append(contentsOf: Self.duplicateEmail)
        JSONText.appendString(email, to: &block)
        block.append(contentsOf: Self.duplicateKeptInput)
        block.append(contentsOf: self.keptInput.json(forName: keptInput))
        block.append(contentsOf: Self.duplicateKeptLine)
        Self.appendDecimal(keptLine, to: &block)
        block.append(contentsOf: Self.duplicatePolicy)
        block.append(contentsOf: because.policyJSON)
        if case .newest(let date, let keptDate) = because {
            block.append(contentsOf: Self.duplicateDate)
            if let date { JSONText.appendString(date, to: &block) } else { block.append(contentsOf: Self.null) }
            block.append(contentsOf: Self.duplicateKeptDate)
            if let keptDate { JSONText.appendString(keptDate, to: &block) } else { block.append(contentsOf: Self.null) }
        }
        try end()
    }

    private static let warningField = Array(#","field":"#.utf8)
    private static let warningCode = Array(#","code":"#.utf8)

    /// `{"input":…,"line":…,"field":…,"code":…,"email":…}`: a field left out of a contact.
    mutating func warning(origin: RecordOrigin, field: String, code: String, email: String) throws {
        start(origin)
        block.append(contentsOf: Self.warningField)
        JSONText.appendString(field, to: &block)
        block.append(contentsOf: Self.warningCode)
        JSONText.appendString(code, to: &block)
        block.append(contentsOf: Self.rejectEmail)
        JSONText.appendString(email, to: &block)
        try end()
    }

    private static let contactEmail = Array(#"{"email":"#.utf8)
    private static let contactChunk = Array(#","chunk":"#.utf8)
    private static let contactItem = Array(#","item":"#.utf8)
    private static let contactInput = Array(#","input":"#.utf8)

    /// `{"email":…,"chunk":…,"item":…,"input":…,"line":…}`
    mutating func contact(email: UnsafeBufferPointer<UInt8>, chunk: Int, item: Int, origin: RecordOrigin) throws {
        block.append(contentsOf: Self.contactEmail)
        JSONText.appendString(email, to: &block)
        block.append(contentsOf: Self.contactChunk)
        Self.appendDecimal(chunk, to: &block)
        block.append(contentsOf: Self.contactItem)
        Self.appendDecimal(item, to: &block)
        block.append(contentsOf: Self.contactInput)
        block.append(contentsOf: input.json(for: origin))
        block.append(contentsOf: Self.lineKey)
        Self.appendDecimal(origin.line, to: &block)
        try end()
    }

    /// `{"email":…,"input":…,"line":…}`: a kept contact not sent, its payload unchanged (`unchanged.ndjson`).
    mutating func unchanged(email: UnsafeBufferPointer<UInt8>, origin: RecordOrigin) throws {
        block.append(contentsOf: Self.contactEmail)
        JSONText.appendString(email, to: &block)
        block.append(contentsOf: Self.contactInput)
        block.append(contentsOf: input.json(for: origin))
        block.append(contentsOf: Self.lineKey)
        Self.appendDecimal(origin.line, to: &block)
        try end()
    }

    private static let leaverAction = Array(#","action":"#.utf8)

    /// `{"email":…,"chunk":…,"item":…,"action":…}`: a leaver written to a chunk (`leavers.ndjson`).
    mutating func leaver(email: String, chunk: Int, item: Int, action: String) throws {
        block.append(contentsOf: Self.contactEmail)
        JSONText.appendString(email, to: &block)
        block.append(contentsOf: Self.contactChunk)
        Self.appendDecimal(chunk, to: &block)
        block.append(contentsOf: Self.contactItem)
        Self.appendDecimal(item, to: &block)
        block.append(contentsOf: Self.leaverAction)
        JSONText.appendString(action, to: &block)
        try end()
    }

    /// Makes the file appear under its name and returns its manifest entry.
    mutating func commit() throws -> RunManifest.FileEntry {
        try handOff()
        try io?.drain()
        let (bytes, _, sha256) = try writer.commit()
        return RunManifest.FileEntry(file: name, lines: lines, bytes: bytes, sha256: sha256)
    }

    /// Appends the decimal digits of `value` (no `String` made).
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude < 10 { return out.append(UInt8(ascii: "0") &+ UInt8(magnitude)) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while magnitude > 0 {
                raw[23 - count] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(24 - count)...]))
        }
    }

    private mutating func end() throws {
        block.append(UInt8(ascii: "}"))
        block.append(0x0A)
        lines += 1
        if block.count >= Self.blockBytes { try handOff() }
    }

    /// Passes the block to the file (on the queue when there is one) and starts a new one, in
    /// memory a written block gave back.
    private mutating func handOff() throws {
        guard !block.isEmpty else { return }
        let writer = self.writer
        if let io {
            // `full` takes the block; the block goes on in the empty buffer `full` had.
            let full = buffers.take(capacity: Self.blockBytes + 4096)
            swap(&full.bytes, &block)
            let buffers = self.buffers
            try io.submit {
                try writer.writeThrough(full.bytes)
                try writer.startWriteback()  // so that `commit` does not wait for the whole file
                buffers.recycle(full)
            }
        } else {
            try writer.writeThrough(block)
            block.removeAll(keepingCapacity: true)
        }
    }
}

/// The JSON string of the last input name seen (`file` or `file:member`), so that rows of the
/// same input reuse it instead of building and escaping the name each time.
struct InputNameCache {
    private var file: String?
    private var member: String?
    private var name: String?
    private var bytes: [UInt8] = []

    /// The quoted, escaped input name of `origin`.
    mutating func json(for origin: RecordOrigin) -> [UInt8] {
        if let file, file == origin.file, member == origin.member { return bytes }
        self.file = origin.file
        member = origin.member
        name = nil
        bytes = []
        JSONText.appendString(origin.inputName, to: &bytes)
        return bytes
    }

    /// The quoted, escaped `name`.
    mutating func json(forName name: String) -> [UInt8] {
        if let known = self.name, known == name { return bytes }
        self.name = name
        file = nil
        bytes = []
        JSONText.appendString(name, to: &bytes)
        return bytes
    }
}
