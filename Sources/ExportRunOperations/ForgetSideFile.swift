import ExportCore
import ExportRunFolder
import ExportUpload
import Foundation

/// An NDJSON side file of a run folder (`contacts`, `rejects`, `duplicates`, `warnings`, `failed`) held in
/// memory while `forget` removes lines from it. Lines it does not change keep their exact bytes:
/// the decoded `Line`s decide, the bytes are what is written back.
struct SideFile<Line: SideFileLine> {
    /// The name inside the run folder.
    var name: String { Line.fileName }
    /// The lines, without their newline.
    private(set) var lines: [[UInt8]]
    /// Each line decoded (`nil` when it is not a `Line`).
    private(set) var objects: [Line?]
    /// Lines removed so far.
    private(set) var removed = 0
    /// Whether a kept line was renumbered.
    private(set) var changed = false

    /// Reads `Line`'s file (empty when the file does not exist).
    init(runDirectory: String) {
        let data = FileManager.default.contents(atPath: "\(runDirectory)/\(Line.fileName)") ?? Data()
        lines = data.split(separator: UInt8(ascii: "\n")).map { [UInt8]($0) }
        let decoder = JSONDecoder()
        objects = lines.map { SideFileReader.decode(Line.self, from: $0, decoder: decoder) }
    }

    /// Removes the lines whose `Line` satisfies `predicate`; returns how many.
    @discardableResult
    mutating func remove(_ predicate: (Line) -> Bool) -> Int {
        var keptLines: [[UInt8]] = []
        var keptObjects: [Line?] = []
        var count = 0
        for (line, object) in zip(lines, objects) {
            if let object, predicate(object) {
                count += 1
            } else {
                keptLines.append(line)
                keptObjects.append(object)
            }
        }
        lines = keptLines
        objects = keptObjects
        removed += count
        return count
    }

    /// How many lines each value of `key` has (`""` for a line that did not decode).
    func tally(_ key: (Line) -> String) -> [String: Int] {
        var out: [String: Int] = [:]
        for object in objects { out[object.map(key) ?? "", default: 0] += 1 }
        return out
    }
}

extension SideFile where Line == ContactLine {
    /// `contacts.ndjson` after removals: each item index becomes its rank within its chunk and,
    /// when `chunks` (no checkpoint numbers chunks yet), each chunk number its rank among the
    /// chunks left, so the numbers match the rewritten chunk files and manifest positions again.
    /// Idempotent, so an interrupted `forget` can be run again.
    mutating func renumber(chunks: Bool) {
        var byChunk: [Int: [(line: Int, item: Int)]] = [:]
        for (index, object) in objects.enumerated() {
            guard let object else { continue }
            byChunk[object.chunk, default: []].append((index, object.item))
        }
        let chunkRank = Dictionary(uniqueKeysWithValues: byChunk.keys.sorted().enumerated().map { ($0.element, $0.offset + 1) })
        for (chunk, entries) in byChunk {
            for (rank, entry) in entries.sorted(by: { $0.item < $1.item }).enumerated() {
                let newChunk = chunks ? chunkRank[chunk]! : chunk
                guard rank != entry.item || newChunk != chunk else { continue }
                var line = Self.replacingNumber(of: "chunk", with: newChunk, in: lines[entry.line])
                line = Self.replacingNumber(of: "item", with: rank, in: line)
                lines[entry.line] = line
                objects[entry.line]?.chunk = newChunk
                objects[entry.line]?.item = rank
                changed = true
            }
        }
    }
}

extension SideFile {
    /// The file's bytes: each line and a newline.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        for line in lines {
            out += line
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// `line` with the digits after `"key":` replaced by `value`.
    static func replacingNumber(of key: String, with value: Int, in line: [UInt8]) -> [UInt8] {
        let pattern = Array("\"\(key)\":".utf8)
        guard line.count > pattern.count else { return line }
        for start in 0...(line.count - pattern.count) where line[start..<(start + pattern.count)].elementsEqual(pattern) {
            var end = start + pattern.count
            while end < line.count, line[end] >= UInt8(ascii: "0"), line[end] <= UInt8(ascii: "9") { end += 1 }
            return Array(line[..<(start + pattern.count)]) + Array(String(value).utf8) + Array(line[end...])
        }
        return line
    }
}

/// The manifest's counts after `forget`, recomputed from the side files (so a re-run after an
/// interruption gives the same numbers), and its bytes as `ManifestFile` writes them.
enum ForgetCounts {
    /// Sets kept, rejected and duplicates (per input, member and in total) and the reject reasons
    /// from the side files; `forgotten` takes up the difference to `rows`. An entry whose numbers
    /// would not balance (side files that never matched it) keeps its old counts.
    static func recount(
        _ manifest: inout RunManifest, contacts: SideFile<ContactLine>, rejects: SideFile<RejectLine>, duplicates: SideFile<DuplicateLine>
    ) {
        let kept = contacts.tally(\.input)
        let rejected = rejects.tally(\.input)
        let dups = duplicates.tally(\.input)
        func set(_ counts: inout RunCounts, kept k: Int, rejected r: Int, duplicates d: Int) {
            let forgotten = counts.rows - k - r - d - counts.filtered
            guard forgotten >= 0, forgotten >= (counts.forgotten ?? 0) else { return }
            counts.kept = k
            counts.rejected = r
            counts.duplicates = d
            counts.forgotten = forgotten > 0 ? forgotten : nil
        }
        for i in manifest.inputs.indices {
            let path = manifest.inputs[i].path
            var (k, r, d) = (kept[path] ?? 0, rejected[path] ?? 0, dups[path] ?? 0)
            for j in manifest.inputs[i].members.indices {
                let name = "\(path):\(manifest.inputs[i].members[j].name)"
                set(&manifest.inputs[i].members[j].counts, kept: kept[name] ?? 0, rejected: rejected[name] ?? 0, duplicates: dups[name] ?? 0)
                k += kept[name] ?? 0
                r += rejected[name] ?? 0
                d += dups[name] ?? 0
            }
            set(&manifest.inputs[i].counts, kept: k, rejected: r, duplicates: d)
        }
        set(&manifest.counts, kept: contacts.lines.count, rejected: rejects.lines.count, duplicates: duplicates.lines.count)
        let reasons = rejects.tally(\.reason)
        if reasons.values.reduce(0, +) == manifest.counts.rejected {
            manifest.rejectReasons = reasons
        }
    }

    /// The bytes `ManifestFile.write` would write.
    static func encode(_ manifest: RunManifest) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(manifest)) + [0x0A]
    }
}

/// Finds files that still mention an email (ASCII-case-insensitive bytes).
enum ForgetScan {
    /// Paths (relative to `path`, or its name when it is a file) whose bytes contain `needle`.
    static func mentions(in path: String, needle: [UInt8]) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        let names = isDirectory.boolValue ? (FileManager.default.subpaths(atPath: path) ?? []).sorted() : [""]
        return names.filter { name in
            let full = name.isEmpty ? path : "\(path)/\(name)"
            guard let data = FileManager.default.contents(atPath: full) else { return false }
            return ForgetText.contains(ForgetText.asciiLowercased(data), needle)
        }.map { $0.isEmpty ? (path as NSString).lastPathComponent : $0 }
    }
}
