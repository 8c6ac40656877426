import ExportChunks
import ExportCore

/// Writes the NDJSON side files of a run folder (`rejects.ndjson`, `duplicates.ndjson`,
/// `contacts.ndjson`), one object per line with a fixed key order, so that `jq` and `grep` work
/// on them and the same run gives the same bytes.
final class SideFileWriter {
    private let writer: AtomicFileWriter
    /// The file name inside the run folder.
    let name: String
    private var line: [UInt8] = []

    init(runDirectory: String, name: String) throws {
        self.name = name
        writer = try AtomicFileWriter(path: runDirectory + "/" + name)
        line.reserveCapacity(512)
    }

    /// `{"input":…,"line":…,"reason":…,"detail":…,"email":…}`
    func reject(_ rejection: Rejection) throws {
        begin()
        string("input", rejection.origin.inputName)
        integer("line", rejection.origin.line)
        string("reason", rejection.reason)
        string("detail", rejection.detail)
        if let email = rejection.email { string("email", email) } else { null("email") }
        try end()
    }

    /// `{"input":…,"line":…,"email":…,"keptInput":…,"keptLine":…}`
    func duplicate(origin: RecordOrigin, email: String, keptInput: String, keptLine: Int) throws {
        begin()
        string("input", origin.inputName)
        integer("line", origin.line)
        string("email", email)
        string("keptInput", keptInput)
        integer("keptLine", keptLine)
        try end()
    }

    /// `{"email":…,"chunk":…,"item":…,"input":…,"line":…}`
    func contact(email: String, chunk: Int, item: Int, input: String, line number: Int) throws {
        begin()
        string("email", email)
        integer("chunk", chunk)
        integer("item", item)
        string("input", input)
        integer("line", number)
        try end()
    }

    /// Makes the file appear under its name and returns its manifest entry.
    func commit() throws -> RunManifest.FileEntry {
        let (bytes, lines, sha256) = try writer.commit()
        return RunManifest.FileEntry(file: name, lines: lines, bytes: bytes, sha256: sha256)
    }

    private func begin() {
        line.removeAll(keepingCapacity: true)
        line.append(UInt8(ascii: "{"))
    }

    private func key(_ name: String) {
        if line.count > 1 { line.append(UInt8(ascii: ",")) }
        JSONText.appendString(name, to: &line)
        line.append(UInt8(ascii: ":"))
    }

    private func string(_ name: String, _ value: String) {
        key(name)
        JSONText.appendString(value, to: &line)
    }

    private func integer(_ name: String, _ value: Int) {
        key(name)
        line.append(contentsOf: String(value).utf8)
    }

    private func null(_ name: String) {
        key(name)
        line.append(contentsOf: "null".utf8)
    }

    private func end() throws {
        line.append(UInt8(ascii: "}"))
        line.append(0x0A)
        try writer.write(line)
    }
}
