import ArgumentParser
import ExportCore
import ExportPrepare
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How commands talk to the person at the terminal: results on stdout, notes and errors on stderr.
enum Console {
    /// The log style of this process; set once by `configure` before any work starts.
    nonisolated(unsafe) private static var style = LogStyle()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var errors: [String] = []

    /// Sets the log style (`--quiet`, `--log-format`) for the rest of the process.
    static func configure(_ style: LogStyle) {
        lock.withLock { Self.style = style }
    }

    /// The current log style.
    static var currentStyle: LogStyle { lock.withLock { style } }

    /// The error lines printed so far (without `error: `), for the run summary.
    static var printedErrors: [String] { lock.withLock { errors } }

    /// Writes a log line to stderr: `error: …` and `warning: …` lines by their prefix, others as
    /// info. `--quiet` keeps only errors; `--log-format json` writes one object a line.
    static func note(_ line: String) {
        let (level, message) = LogStyle.classify(line)
        emit(message, level: level)
    }

    /// Writes a line of the final summary (the outcome and what to do next): shown even with `--quiet`.
    static func outcome(_ line: String) {
        let (level, message) = LogStyle.classify(line)
        emit(message, level: level == .info ? .notice : level)
    }

    private static func emit(_ message: String, level: LogStyle.Level) {
        let current = lock.withLock {
            if level == .error { errors.append(message) }
            return style
        }
        guard current.shows(level) else { return }
        FileHandleStream.standardError.write(current.render(message, level: level))
    }

    /// Runs `body`; an `ExportError` is printed as `error: …` and turned into its documented exit code.
    static func reportingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExportError {
            note("error: \(error)")
            throw ExitCode(ExitCodes.code(for: error))
        }
    }

    /// The end-of-prepare summary: where the run folder is, the accounting, how to look inside.
    static func printSummary(_ result: PrepareResult) {
        let m = result.manifest
        let c = m.counts
        var lines = [
            "run folder: \(result.runDirectory)",
            "rows \(c.rows) = kept \(c.kept) + rejected \(c.rejected) + duplicates \(c.duplicates) + filtered \(c.filtered)",
            "chunks: \(m.chunks.count) (\(m.chunks.reduce(0) { $0 + $1.bytes }) bytes)",
        ]
        if let sync = m.sync {
            lines.append(
                "sync (\(sync.mode.rawValue), destination state \(sync.stateKey) version \(sync.stateVersion)): kept \(c.kept) = sent \(c.sent) + unchanged \(c.unchanged ?? 0)"
                    + (sync.leaverAction == .none ? "" : "; leavers (\(sync.leaverAction.rawValue)) \(sync.leavers)"))
        }
        if !m.rejectReasons.isEmpty {
            let reasons = m.rejectReasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("rejected by reason: " + reasons.joined(separator: ", "))
        }
        if !m.warnings.isEmpty {
            let warnings = m.warnings.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("warnings: " + warnings.joined(separator: ", "))
        }
        for input in m.inputs where m.inputs.count > 1 {
            let ic = input.counts
            lines.append("  \(input.path) [\(input.format)]: rows \(ic.rows), kept \(ic.kept), rejected \(ic.rejected), duplicates \(ic.duplicates), filtered \(ic.filtered)")
        }
        print(lines.joined(separator: "\n"))
    }
}

/// A tiny unbuffered writer for stderr.
struct FileHandleStream {
    let descriptor: Int32
    static let standardError = FileHandleStream(descriptor: 2)

    func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { if errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }
}
