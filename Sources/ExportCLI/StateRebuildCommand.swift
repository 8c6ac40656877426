import ArgumentParser
import ExportCore
import ExportStages
import ExportUpload
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `omnisend-export state rebuild PIPELINE`: restores a destination's membership from its stored
/// contacts (`GET /contacts` pages) as `DestinationStateLine`s, when the state file is lost.
///
/// A subcommand of `state` (`StateCommand`'s `subcommands` list it). The producing part is
/// `StateRebuilder.rebuild(reader:from:readAt:sink:afterPage:)`; this command's sink writes
/// NDJSON to `--output FILE` (resumable) or stdout.
struct StateRebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Rebuild a destination's state from the contacts stored in Omnisend (GET /contacts).",
        discussion: """
            Reads every contact of the pipeline's destination (or only those with --tag), page by \
            page at the rate share (250 a page: 4,000 requests for a million contacts, about 12 \
            minutes of a 400-a-minute brand at --rate-share 0.8), and writes one state line per \
            contact with an email: the normalised email and each channel's status and status \
            date, origin "rebuild". Stored contacts are merged by Omnisend and are not our \
            payloads, so no hash is known: the next run sends everyone once, then only changes.

            With --output FILE the read is resumable: after each page the position is saved in \
            FILE.position; run the same command again after a stop or crash and it continues \
            from there (--restart starts over). Without --output, lines go to stdout. Then load             the lines into the state with `state import PIPELINE --input FILE`.

            Examples:
              omnisend-export state rebuild pipelines/customer-insights.yaml --output state-lines.ndjson
              omnisend-export state rebuild pipelines/customer-insights.yaml --tag "source: customer-insights" > lines.ndjson

            Exit 0 when done, 74 a read failed, 75 rate limited for too long (run it again), 77 \
            the key was refused, 78 an invalid pipeline or no key.
            """)

    @Argument(help: "The pipeline file whose destination to read.")
    var pipeline: String

    @Option(help: "Write the lines to this file (resumable) instead of stdout.")
    var output: String?

    @Flag(help: "Start over from the first page, ignoring a saved position.")
    var restart = false

    @Option(help: "Only contacts with this tag (the tag=… filter of GET /contacts).")
    var tag: String?

    @Option(help: "Contacts per GET /contacts page (1-250).")
    var pageSize: Int = ContactPaging.maxPageSize

    @Option(help: ArgumentHelp(
        "How GET /contacts pages: link (follow paging.next, v3/v5), cursor (paging.cursors.after, 2026-03-15) or auto (what the API version documents).",
        valueName: "auto|link|cursor"))
    var paging: String = "auto"

    @Option(help: "Share of the brand's rate limit to use (other integrations share it).")
    var rateShare: Double = 0.8

    @Option(help: "The brand's requests a minute, until Omnisend's X-Rate-Limit-Limit header says otherwise (0: no limit).")
    var rateLimit: Int = 400

    @Option(help: "Read from this base URL instead of the pipeline's.")
    var baseURL: String?

    @Flag(help: "Acknowledge that reading contacts moves personal data (needed for non-loopback URLs).")
    var acknowledgePersonalData = false

    func validate() throws {
        guard paging == "auto" || ContactPaging(rawValue: paging) != nil else {
            throw ValidationError("--paging must be auto, link or cursor, not \(paging)")
        }
        guard (1...ContactPaging.maxPageSize).contains(pageSize) else { throw ValidationError("--page-size must be 1 to \(ContactPaging.maxPageSize)") }
        guard rateShare > 0, rateShare <= 1 else { throw ValidationError("--rate-share must be above 0 and at most 1") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit must be 0 or more") }
        if restart && output == nil { throw ValidationError("--restart needs --output (a read to stdout always starts from the first page)") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let destination: Destination
        do {
            destination = try PipelineLoader.load(path: pipeline, environment: environment).destination
        } catch {
            Console.note("error: \(pipeline):\n\(error)")
            throw ExitCode(ExitCodes.config)
        }
        var options = UploadOptions()
        options.baseURL = baseURL
        options.acknowledgePersonalData = acknowledgePersonalData
        let target: UploadTarget
        do {
            target = try UploadTarget.resolve(destination: destination, options: options, environment: environment, relativeTo: nil, warn: Console.note)
        } catch {
            throw ExitCode(UploadDriver.exitCode(for: error, note: Console.note))
        }
        var settings = ContactPageReader.Settings()
        settings.paging = ContactPaging(rawValue: paging)
        settings.pageSize = pageSize
        settings.rateShare = rateShare
        settings.rateLimitPerMinute = rateLimit
        settings.tag = tag
        let redactor = EmailRedactor(key: Array(UUID().uuidString.utf8))
        let summary = try await Console.reportingErrorsAsync(redactor: redactor) {
            let network = try NetworkSettings.resolve(baseURL: target.baseURL, caFile: destination.caFile, environment: environment)
            let client = OmnisendClient(baseURL: target.baseURL, apiVersion: target.apiVersion, key: target.key, network: network)
            defer { Task { await client.shutdown() } }
            let reader = ContactPageReader(client: client, settings: settings)
            let readAt = StateRebuilder.timestamp(Date())
            if let output {
                return try await RebuildFile(path: output, target: target, restart: restart).rebuild(reader: reader, readAt: readAt)
            }
            let encoder = Self.encoder()
            return try await StateRebuilder.rebuild(
                reader: reader, readAt: readAt,
                sink: { line in FileHandle.standardOutput.write(try encoder.encode(line) + Data([0x0A])) })
        }
        let phoneOnly = summary.withoutEmail == 0 ? "" : ", \(summary.withoutEmail) without an email left out"
        Console.note("state rebuild: \(summary.lines) contact(s) written from \(summary.contactsRead) read in \(summary.requests) request(s)\(phoneOnly)")
    }

    /// The encoder of state lines: sorted keys, one line each.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// A rebuild into a file that resumes: after each page the file is flushed to disk and the
/// position saved in `FILE.position`; a resume cuts the file back to the saved length (lines of
/// a page written after the last save) and reads on from the saved page.
private struct RebuildFile {
    let path: String
    let target: UploadTarget
    let restart: Bool

    var positionPath: String { path + ".position" }

    func rebuild(reader: ContactPageReader, readAt: String) async throws -> StateRebuilder.Summary {
        var saved = try restart ? nil : ContactReadCursor.read(path: positionPath)
        if let cursor = saved, cursor.baseURL != target.baseURL || cursor.apiVersion != target.apiVersion.rawValue {
            throw ExportError(
                .usage,
                "the saved position is of a read of \(cursor.baseURL) (API \(cursor.apiVersion)), not \(target.baseURL) (API \(target.apiVersion.rawValue)); use --restart to start over",
                path: positionPath)
        }
        if saved != nil && !FileManager.default.fileExists(atPath: path) { saved = nil }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (saved == nil ? O_TRUNC : 0), 0o600)
        guard descriptor >= 0 else {
            throw ExportError(.cannotCreate, "cannot open the output: \(String(cString: strerror(errno)))", path: path)
        }
        defer { close(descriptor) }
        var written = saved?.outputBytes ?? 0
        guard ftruncate(descriptor, off_t(written)) == 0, lseek(descriptor, off_t(written), SEEK_SET) >= 0 else {
            throw ExportError(.io, "cannot resume the output at byte \(written): \(String(cString: strerror(errno)))", path: path)
        }
        if let saved { Console.note("state rebuild: resuming after \(saved.contactsRead) contact(s) read (\(positionPath))") }
        let encoder = StateRebuildCommand.encoder()
        let before = saved?.contactsRead ?? 0
        var summary = try await StateRebuilder.rebuild(
            reader: reader, from: saved?.nextQuery, readAt: readAt,
            sink: { line in
                let bytes = [UInt8](try encoder.encode(line)) + [0x0A]
                try Self.append(bytes, to: descriptor, path: path)
                written += bytes.count
            },
            afterPage: { nextQuery, contactsRead in
                guard let nextQuery else { return }
                guard fsync(descriptor) == 0 else { throw ExportError(.io, "cannot flush the output: \(String(cString: strerror(errno)))", path: path) }
                try ContactReadCursor(
                    baseURL: target.baseURL, apiVersion: target.apiVersion.rawValue, nextQuery: nextQuery, contactsRead: before + contactsRead,
                    outputBytes: written
                ).write(path: positionPath)
            })
        guard fsync(descriptor) == 0 else { throw ExportError(.io, "cannot flush the output: \(String(cString: strerror(errno)))", path: path) }
        ContactReadCursor.remove(path: positionPath)
        summary.contactsRead += before
        return summary
    }

    private static func append(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var start = 0
        while start < bytes.count {
            let done = bytes[start...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard done > 0 else { throw ExportError(.io, "cannot write the output: \(String(cString: strerror(errno)))", path: path) }
            start += done
        }
    }
}
