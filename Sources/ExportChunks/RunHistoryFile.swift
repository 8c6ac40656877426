import ExportCore
import ExportRunFolder
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends to and reads `history.ndjson`, the runs folder's one line per run.
///
/// Each line is written with one `write` on an `O_APPEND` descriptor and synced, so concurrent
/// runs of other pipelines never interleave inside a line; a line cut short by a crash is skipped
/// when read, and the next append starts on a line of its own.
public enum RunHistoryFile {
    /// The path of the history file in `runsDirectory`.
    public static func path(runsDirectory: String) -> String {
        (runsDirectory.isEmpty ? "." : runsDirectory) + "/" + RunFolderLayout.history
    }

    /// Appends `entry` as one line (mode 0600; the folder is created 0700 when missing).
    public static func append(_ entry: RunHistoryEntry, runsDirectory: String) throws {
        let folder = runsDirectory.isEmpty ? "." : runsDirectory
        if !FileSystem.exists(folder) { try FileSystem.createDirectory(folder) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = [UInt8](try encoder.encode(entry)) + [0x0A]
        let file = path(runsDirectory: runsDirectory)
        let fd = open(file, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AtomicFileWriter.error("cannot open", path: file) }
        defer { close(fd) }
        // A line cut short by a crash must not swallow this one: start on a new line.
        var last: UInt8 = 0x0A
        let size = lseek(fd, 0, SEEK_END)
        if size > 0 && pread(fd, &last, 1, size - 1) == 1 && last != 0x0A { line.insert(0x0A, at: 0) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw AtomicFileWriter.error("cannot append to", path: file) }
        guard fsync(fd) == 0 else { throw AtomicFileWriter.error("cannot sync", path: file) }
    }

    /// The entries in file order (oldest first), optionally of one pipeline; empty when there is
    /// no history. Lines that do not decode (a crash mid-line, a newer format) are skipped.
    public static func read(runsDirectory: String, pipeline: String? = nil) -> [RunHistoryEntry] {
        guard let data = FileManager.default.contents(atPath: path(runsDirectory: runsDirectory)) else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: 0x0A).compactMap { line in
            guard let entry = try? decoder.decode(RunHistoryEntry.self, from: Data(line)) else { return nil }
            return pipeline == nil || entry.pipeline == pipeline ? entry : nil
        }
    }
}
