import ExportCore
import ExportPipeline
import Foundation

/// Holds a run back until its inputs are ready (`inputs: { ready_marker, min_age, max_wait }`):
/// the marker file exists in the folder of every input pattern, and every input file is at least
/// `min_age` old. Gives up after `max_wait` with `ExportError.notReady` (exit 75), naming what
/// is still missing.
struct InputGate {
    let readiness: InputReadiness
    /// The input patterns, resolved (relative to the current directory).
    let patterns: [String]
    /// Waits; replaced in tests.
    var sleep: (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }
    /// The clock; replaced in tests.
    var now: () -> Date = { Date() }

    /// Returns when the inputs are ready (at once when nothing is configured to wait for).
    func waitUntilReady(log: (String) -> Void) throws {
        guard readiness.waits else { return }
        let start = now()
        var announced = false
        while true {
            let unmet = unmetConditions()
            if unmet.isEmpty {
                if announced { log("inputs ready after \(Self.seconds(now().timeIntervalSince(start)))") }
                return
            }
            let waited = now().timeIntervalSince(start)
            if waited >= readiness.maxWait {
                throw ExportError(
                    .notReady,
                    "the inputs are not ready after waiting \(Self.seconds(waited)) (inputs.max_wait): "
                        + unmet.joined(separator: "; ")
                        + "; nothing was written, run again later (or raise inputs.max_wait)")
            }
            if !announced {
                log("waiting for the inputs (up to inputs.max_wait \(Self.seconds(readiness.maxWait))): "
                    + unmet.joined(separator: "; "))
                announced = true
            }
            sleep(min(pollInterval, readiness.maxWait - waited))
        }
    }

    /// How often the conditions are looked at: every 5 s, more often for a short `max_wait`.
    var pollInterval: Double { min(5, max(0.05, readiness.maxWait / 20)) }

    /// What still keeps the run waiting, one phrase each; empty when ready.
    func unmetConditions() -> [String] {
        var unmet: [String] = []
        if let marker = readiness.readyMarker {
            var folders: [String] = []
            for pattern in patterns {
                let folder = Self.folder(of: pattern)
                if !folders.contains(folder) { folders.append(folder) }
            }
            for folder in folders where !FileManager.default.fileExists(atPath: folder + "/" + marker) {
                unmet.append("no ready_marker '\(marker)' in \(LexicalPath.normalize(folder))/")
            }
        }
        if let minAge = readiness.minAge {
            let current = now()
            for pattern in patterns {
                let paths = (try? InputResolver.expand(pattern)) ?? []
                if paths.isEmpty { unmet.append("no file matches \(LexicalPath.normalize(pattern)) yet") }
                for path in paths {
                    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                    guard let modified = attributes?[.modificationDate] as? Date else { continue }
                    let age = current.timeIntervalSince(modified)
                    if age < minAge {
                        unmet.append("\(LexicalPath.normalize(path)) changed \(Self.seconds(max(0, age))) ago (inputs.min_age \(Self.seconds(minAge)))")
                    }
                }
            }
        }
        return unmet
    }

    /// The folder a pattern's files are in: the part before its last `/`, or `.`.
    static func folder(of pattern: String) -> String {
        guard let slash = pattern.lastIndex(of: "/") else { return "." }
        return slash == pattern.startIndex ? "/" : String(pattern[..<slash])
    }

    /// `42s`, `5m`, `1h30m`: a duration for a message.
    static func seconds(_ value: Double) -> String {
        let total = Int(value.rounded())
        if total < 60 { return value < 10 && value != value.rounded() ? String(format: "%.1fs", value) : "\(total)s" }
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        if h > 0 { return m > 0 ? "\(h)h\(m)m" : "\(h)h" }
        return s > 0 ? "\(m)m\(s)s" : "\(m)m"
    }
}
