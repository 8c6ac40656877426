import ArgumentParser
import ExportCore
import ExportPipeline
import ExportSync
import ExportUpload
import Foundation

/// `omnisend-export state rebuild PIPELINE`: restores a lost destination state from the contacts
/// stored in Omnisend (`GET /contacts` pages), written straight into the pipeline's state.
///
/// A subcommand of `state` (`StateCommand`'s `subcommands` list it). The lines come from
/// `StateRebuilder`; each page's lines and the position of the next page are committed to the
/// state in one transaction (`DestinationStateStore.applyRebuildPage`), so a stopped or killed
/// rebuild continues where it stood when run again.
struct StateRebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Restore a lost destination state from the contacts stored in Omnisend (GET /contacts).",
        discussion: """
            Reads every contact of the pipeline's destination (or only those with --tag), page by \
            page at the rate share (250 a page: 4,000 requests for a million contacts, about 12 \
            minutes of a 400-a-minute brand at --rate-share 0.8), and records each contact with \
            an email in the pipeline's destination state: the normalised email and each \
            channel's status and status date, origin "rebuild". Stored contacts are merged by \
            Omnisend and are not our payloads, so no hash is known: the next run sends everyone \
            once, then only changes.

            Each page is committed with the position of the next one, so a rebuild stopped by \
            Ctrl-C, a lost network or a crash continues from there when run again (--restart \
            starts over). It restores a lost state: over a state that holds contacts it stops \
            (exit 64) unless --replace, which empties the state first. The state's version goes \
            up when a rebuild starts and when it ends, so run folders prepared before are \
            refused by upload: prepare again.

            Examples:
              omnisend-export state rebuild pipelines/customer-insights.yaml
              omnisend-export state rebuild pipelines/customer-insights.yaml --replace --tag "source: customer-insights"
              omnisend-export state show pipelines/customer-insights.yaml

            Exit 0 when done, 64 the state holds contacts (add --replace), 74 a read failed, 75 \
            rate limited for too long (run it again), 77 the key was refused, 78 an invalid \
            pipeline or no key.
            """)

    @Argument(help: "The pipeline file whose destination to read and whose state to restore.")
    var pipeline: String

    @Option(help: "Restore into this state file instead of the pipeline's.")
    var state: String?

    @Flag(help: "Empty a state that holds contacts and rebuild it.")
    var replace = false

    @Flag(help: "Start over from the first page, dropping what a stopped rebuild restored.")
    var restart = false

    @Option(help: "Only contacts with this tag (the tag=… filter of GET /contacts).")
    var tag: String?

    @OptionGroup var reading: ContactReadOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let loaded: Pipeline
        do {
            loaded = try PipelineLoader.load(path: pipeline, environment: environment)
        } catch {
            Console.note("error: \(pipeline):\n\(error)")
            throw ExitCode(ExitCodes.code(for: error))
        }
        let target: UploadTarget
        let location: StateLocation
        do {
            target = try reading.target(destination: loaded.destination, warn: Console.note)
            location = StateLocation(
                destination: loaded.destination, pipelineName: loaded.name, explicitPath: state ?? loaded.sync?.statePath,
                stateDirectory: try StateDirectory(environment: environment))
        } catch {
            throw ExitCode(ExitCodes.report(error, note: Console.note))
        }
        let redactor = EmailRedactor(key: Array(UUID().uuidString.utf8))
        let hint = { @Sendable (stopped: String) in
            // Only for a rebuild under way (not, say, one refused over a state that holds contacts).
            guard (try? DestinationStateStore.openIfPresent(path: location.path, key: location.key)?.rebuildPosition()) != nil else { return }
            Console.note(
                "state rebuild: \(stopped); the pages read so far are committed to \(location.path): run the same command again to "
                    + "continue, or add --restart to start over")
        }
        let signals = ReadStopNotice(hint: hint)
        defer { signals.cancel() }
        let outcome: (summary: StateRebuilder.Summary, restored: Int, version: Int)
        do { outcome = try await rebuild(loaded: loaded, target: target, location: location, redactor: redactor) } catch {
            hint("stopped")
            throw error
        }
        let phoneOnly = outcome.summary.withoutEmail == 0 ? "" : ", \(outcome.summary.withoutEmail) without an email left out"
        Console.note(
            "state rebuild: \(outcome.restored) contact(s) restored into \(location.key), state version \(outcome.version)\(phoneOnly); "
                + "this session read \(outcome.summary.contactsRead) in \(outcome.summary.requests) request(s): \(location.path)")
    }

    /// Reads the destination's contacts into the state, page by page; returns what this session
    /// read, the contacts the state holds and its version.
    private func rebuild(
        loaded: Pipeline, target: UploadTarget, location: StateLocation, redactor: EmailRedactor
    ) async throws -> (summary: StateRebuilder.Summary, restored: Int, version: Int) {
        let environment = ProcessInfo.processInfo.environment
        return try await Console.reportingErrorsAsync(redactor: redactor) {
            let store = try DestinationStateStore(path: location.path, key: location.key)
            let settings = try reading.settings(target: target, tag: tag)
            let network = try NetworkSettings.resolve(baseURL: target.baseURL, caFile: loaded.destination.caFile, environment: environment)
            let client = OmnisendClient(baseURL: target.baseURL, apiVersion: target.apiVersion, key: target.key, network: network)
            defer { Task { await client.shutdown() } }
            let reader = ContactPageReader(client: client, settings: settings)
            var cursor = try start(store: store, location: location, target: target, firstQuery: reader.firstQuery)
            let before = cursor.contactsRead
            var page: [DestinationStateLine] = []
            var pages = 0
            var lastNote = Date.distantPast
            let summary = try await StateRebuilder.rebuild(
                reader: reader, from: cursor.nextQuery, readAt: StateRebuilder.timestamp(Date()),
                sink: { page.append($0) },
                afterPage: { nextQuery, contactsRead in
                    cursor.contactsRead = before + contactsRead
                    if let nextQuery { cursor.nextQuery = nextQuery }
                    try store.applyRebuildPage(page, position: nextQuery == nil ? nil : cursor.text)
                    page.removeAll(keepingCapacity: true)
                    pages += 1
                    if nextQuery != nil, Date().timeIntervalSince(lastNote) >= 5 {
                        lastNote = Date()
                        Console.note("state rebuild: page \(pages) committed, \(cursor.contactsRead) contact(s) read")
                    }
                })
            let counts = try store.summary()
            return (summary, counts.contacts, counts.version.number)
        }
    }

    /// Where the read starts: the saved position of a stopped rebuild (said on stderr), or the
    /// first page of a new one, which refuses a state that holds contacts unless `--replace`.
    private func start(store: DestinationStateStore, location: StateLocation, target: UploadTarget, firstQuery: String) throws -> ContactReadCursor {
        let saved = try store.rebuildPosition()
        if let saved, !restart {
            let cursor = try ContactReadCursor.decode(saved, path: location.path)
            guard cursor.matches(target) else {
                throw ExportError(
                    .usage,
                    "a stopped rebuild of this state read \(cursor.baseURL) (API \(cursor.apiVersion)), not \(target.baseURL) "
                        + "(API \(target.apiVersion.rawValue)); add --restart to start over",
                    path: location.path)
            }
            Console.note("state rebuild: resuming a stopped rebuild after \(cursor.contactsRead) contact(s) read (--restart starts over)")
            return cursor
        }
        let held = try store.summary().contacts
        if held > 0 && saved == nil && !replace {
            throw ExportError(
                .usage,
                "the destination state of \(location.key) holds \(held) contact(s); state rebuild restores a lost state. "
                    + "Add --replace to empty it and rebuild from Omnisend's contacts (or see them first with `state show`)",
                path: location.path)
        }
        let cursor = ContactReadCursor(baseURL: target.baseURL, apiVersion: target.apiVersion.rawValue, nextQuery: firstQuery, contactsRead: 0)
        try store.beginRebuild(position: cursor.text, replacing: held > 0)
        return cursor
    }
}
