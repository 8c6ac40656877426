import ArgumentParser
import ExportChunks
import ExportCore
import ExportRunOperations
import ExportUpload
import Foundation

/// `omnisend-export verify`: read uploaded contacts back and report those that differ from what was sent.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Read uploaded contacts back from Omnisend and report those that differ from what was sent.",
        discussion: """
            Reads the destination's contacts in one pass (GET /contacts, 250 a page, at the rate \
            share: about 4,000 requests for a million contacts) and compares each contact of the \
            run with what was sent. A small --sample is looked up one GET /contacts?email= at a \
            time instead, when that takes fewer requests (--read chooses).

            Each difference is printed as its chunk, item and email, then one line per field \
            with the value sent and the value stored side by side:

              chunk 3 item 17 email#2f1c0a9be4d3: firstName, tags
                firstName: sent "Ana" | stored "Anna"
                tags: sent ["vip"] | stored ["newsletter"]

            Emails are shown as their keyed hash unless --show-emails. A channel status Omnisend \
            kept because it holds a later decision (its status date rule; a status sent to be \
            kept is dated 1970) is not a difference: it is counted on the last line.

            --repair writes a new run folder (RUN_DIR-repair, or --repair-folder) with the \
            contacts that differ or are missing, each exactly as it was sent; send them again \
            with `omnisend-export upload RUN_DIR-repair`.

            The read goes at the rate share (--rate-share of --rate-limit) that the uploads and \
            reads of the same destination (the same key) on this machine take together, through \
            the rate ledger in the state folder. A million contacts take about 13 minutes: \
            after Ctrl-C, a lost network or a crash, run the same verify again and it continues \
            from its last page (its progress and the stored contacts found so far are kept in \
            the run folder, .verify-progress.json and .verify-spool, mode 0600, deleted when it \
            finishes); --restart starts over.

            Reads from the destination the run folder was uploaded to: another base URL, API \
            version or key exits 4, naming both (keys as fingerprints).

            Exit 0 when every checked contact matches, 2 when some differ or are missing (also \
            with --repair), 4 the run folder was uploaded elsewhere, 74 a read failed, 75 rate \
            limited for too long or another verify of the run folder is running, 77 the key was \
            refused, 78 no key.
            """)

    @Argument(help: "The run folder.")
    var runDirectory: String

    @Option(help: "Check this many contacts, spread over the run (default: all).")
    var sample: Int?

    @Option(help: ArgumentHelp(
        "How to read stored contacts: list (one pass over GET /contacts pages), lookup (one GET /contacts?email= per contact) or auto (lookup only when fewer requests than the pages of the run).",
        valueName: "auto|list|lookup"))
    var read: String = "auto"

    @OptionGroup var reading: ContactReadOptions

    @Flag(help: "Start over instead of continuing a stopped verify of this run folder.")
    var restart = false

    @Flag(help: "Write a new run folder with the contacts that differ or are missing, to send them again with `upload`.")
    var repair = false

    @Option(help: "The repair run folder to create (default: RUN_DIR-repair, RUN_DIR-repair-2, …).")
    var repairFolder: String?

    @Flag(help: "Print emails as they are instead of their keyed hash (email#…).")
    var showEmails = false

    func validate() throws {
        guard ContactVerifier.ReadMethod(rawValue: read) != nil else { throw ValidationError("--read must be auto, list or lookup, not \(read)") }
        if let sample, sample < 1 { throw ValidationError("--sample must be 1 or more") }
        if repairFolder != nil && !repair { throw ValidationError("--repair-folder needs --repair") }
    }

    func run() async throws {
        let manifest = try Console.reportingErrors { try ManifestFile.read(runDirectory: runDirectory) }
        let redactor = RedactionKeyFile.redactor(runDirectory: runDirectory, showsEmails: showEmails)
        let target: UploadTarget
        let settings: ContactPageReader.Settings
        do {
            target = try reading.target(destination: manifest.destination, warn: Console.note)
            // Read back from the destination the run folder was uploaded to, and no other.
            if let recorded = try DestinationBinding.recorded(runDirectory: runDirectory) {
                let identity = target.identity(secret: try InstallSecret(state: try StateDirectory(environment: ProcessInfo.processInfo.environment)))
                if recorded != identity {
                    throw UploadError.destinationMismatch(runDirectory: runDirectory, recorded: recorded.description, requested: identity.description)
                }
            }
            settings = try reading.settings(target: target)
        } catch {
            let code = ExitCodes.report(error, note: { Console.note(redactor.scrub($0)) })
            throw ExitCode(code)
        }
        let repairWriter = RepairBox()
        let folder = runDirectory
        let signals = ReadStopNotice { ReadStopNotice.verifyHint(runDirectory: folder, stopped: $0) }
        defer { signals.cancel() }
        let result: ContactVerifier.Result
        do {
            result = try await readAndCompare(target: target, settings: settings, manifest: manifest, redactor: redactor, repairWriter: repairWriter)
        } catch {
            ReadStopNotice.verifyHint(runDirectory: runDirectory, stopped: "stopped")
            throw error
        }
        let how = result.method == .lookup ? "one GET /contacts?email= each" : "GET /contacts pages"
        let sessions = result.resumed ? ", this verify and the stopped one together" : ""
        Console.note("verify: \(result.storedRead) stored contact(s) read in \(result.requests) request(s) (\(how)\(sessions))")
        let missing = result.missing == 0 ? "" : " (\(result.missing) missing)"
        let kept = result.keptByDateRule == 0 ? ""
            : " (\(result.keptByDateRule) kept a status Omnisend holds with a later date: its date rule, not a difference)"
        print("checked \(result.checked) contact(s): \(result.differing) differ\(missing)\(kept)")
        if let writer = repairWriter.writer {
            let count = try Console.reportingErrors { try writer.finish() }
            print("repair: \(count) contact(s) to send again in \(writer.directory); send them with: omnisend-export upload \(ResumeCommand.shellQuoted(writer.directory))")
        } else if repair {
            print("repair: nothing to send again")
        }
        if result.differing > 0 { throw ExitCode(ExitCodes.someContactsFailed) }
    }

    /// Reads the stored contacts and compares them, printing each difference (and adding it to
    /// the repair folder with --repair).
    private func readAndCompare(
        target: UploadTarget, settings: ContactPageReader.Settings, manifest: RunManifest, redactor: EmailRedactor, repairWriter: RepairBox
    ) async throws -> ContactVerifier.Result {
        try await Console.reportingErrorsAsync(redactor: redactor) {
            let network = try NetworkSettings.resolve(
                baseURL: target.baseURL, caFile: manifest.destination.caFile, environment: ProcessInfo.processInfo.environment)
            let verifier = ContactVerifier(runDirectory: runDirectory, target: target, network: network, settings: settings)
            return try await verifier.verify(
                sample: sample, method: ContactVerifier.ReadMethod(rawValue: read) ?? .auto, restart: restart,
                onDifference: { difference in
                    for line in Self.lines(difference, redactor: redactor) { print(line) }
                    if repair {
                        if repairWriter.writer == nil {
                            repairWriter.writer = try RepairFolderWriter(sourceRunDirectory: runDirectory, directory: repairFolder)
                        }
                        try repairWriter.writer?.add(email: difference.email, sentItem: difference.sentItem, chunk: difference.chunk, item: difference.item)
                    }
                },
                note: { Console.note(redactor.scrub($0)) })
        }
    }

    /// The printed lines of one difference: the contact, then each field's sent and stored value.
    static func lines(_ difference: ContactVerifier.Difference, redactor: EmailRedactor) -> [String] {
        let who = "chunk \(difference.chunk) item \(difference.item) \(redactor.token(difference.email))"
        if difference.missing { return ["\(who): missing", "  not stored in Omnisend"] }
        var lines = ["\(who): \(difference.fields.map(\.field).joined(separator: ", "))"]
        for field in difference.fields {
            let sent = field.sent.map(Self.shortened) ?? "(absent)"
            let stored = field.stored.map(Self.shortened) ?? "(absent)"
            lines.append(redactor.scrub("  \(field.field): sent \(sent) | stored \(stored)"))
        }
        return lines
    }

    /// `text` cut to 80 characters with an ellipsis.
    static func shortened(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(79)) + "…"
    }
}

extension ReadStopNotice {
    /// Prints, when a stopped verify's progress is saved, how to continue it.
    static func verifyHint(runDirectory: String, stopped: String) {
        guard let saved = ContactVerifier.savedProgress(runDirectory: runDirectory) else { return }
        Console.note(
            "verify: \(stopped) after \(saved.requests) request(s), \(saved.storedRead) stored contact(s) read; the progress is kept "
                + "(\(saved.path)): run the same command again to continue, or add --restart to start over")
    }
}

/// The repair writer, created on the first difference (none when nothing differs).
private final class RepairBox {
    var writer: RepairFolderWriter?
}

extension Console {
    /// `reportingErrors` for async work; emails in the message are redacted.
    static func reportingErrorsAsync<T>(redactor: EmailRedactor, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExportError {
            note("error: \(redactor.scrub(String(describing: error)))")
            throw ExitCode(ExitCodes.code(for: error))
        } catch let error as ContactReadRefused {
            note("error: \(redactor.scrub(error.message))")
            throw ExitCode(ExitCodes.code(for: error))
        }
    }
}
