import ArgumentParser
import ExportCore
import Foundation

/// How log lines reach stderr: `text` (as written) or `json` (one object per line), and whether
/// `--quiet` keeps only errors and the final summary. Set once by a command before any work
/// starts (`Console.configure`), read by every `Console.note`.
struct LogStyle: Sendable, Equatable {
    /// The line format.
    enum Format: String, Sendable, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    /// The importance of a line, from its prefix (`error:`, `warning:`) or its call site.
    enum Level: String, Sendable {
        case info, warning, error
        /// The final summary of a command: shown even with `--quiet`.
        case notice
    }

    var format: Format = .text
    var quiet = false

    /// Whether a line of `level` is printed.
    func shows(_ level: Level) -> Bool {
        !quiet || level == .error || level == .notice
    }

    /// The level and message of a line as callers write it (`error: …`, `warning: …`, or plain).
    static func classify(_ line: String) -> (Level, String) {
        for (prefix, level) in [("error: ", Level.error), ("warning: ", Level.warning)] where line.hasPrefix(prefix) {
            return (level, String(line.dropFirst(prefix.count)))
        }
        return (.info, line)
    }

    /// The line as written to stderr (with its newline).
    func render(_ message: String, level: Level, at date: Date = Date()) -> String {
        switch format {
        case .text:
            return (level == .error ? "error: " : level == .warning ? "warning: " : "") + message + "\n"
        case .json:
            let time = Self.timestamp(date)
            return "{\"time\":\(JSONText.quoted(time)),\"level\":\"\(level.rawValue)\",\"message\":\(JSONText.quoted(message))}\n"
        }
    }

    /// ISO 8601 UTC with milliseconds (`2026-12-03T02:00:00.123Z`).
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// The output flags `prepare`, `run` and `upload` share.
struct OutputFlags: ParsableArguments {
    @Flag(help: "Print only errors and the final summary (for cron: mail only what matters).")
    var quiet = false

    @Option(help: "Log lines on stderr as text or json (one object a line: time, level, message).")
    var logFormat: LogStyle.Format = .text

    @Option(
        name: .customLong("summary-json"),
        help: ArgumentHelp(
            "Write a summary of the command for other tools to this JSON file (formatVersion 1).",
            discussion: "Keys: formatVersion, command, pipeline, runDirectory, outcome, exitCode, counts, accepted, failed, stopReason, destination, timings. No emails, no key.",
            valueName: "path"))
    var summaryJSON: String?

    /// The log style these flags ask for.
    var style: LogStyle { LogStyle(format: logFormat, quiet: quiet) }
}
