import ArgumentParser
import ExportChunks
import ExportCore
import ExportRunOperations
import ExportSync
import ExportUpload
import Foundation

/// `omnisend-export forget EMAIL`: erase one person from every run folder (GDPR erasure).
struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget", abstract: "Erase one person (by email) from run folders: chunks, side files, failures, checkpoint.",
        discussion: """
            Rewrites the chunks without the person (new checksums in manifest.json, emptied chunks \
            deleted), removes their lines from contacts, rejects, duplicates and failed.ndjson, \
            deletes their checkpoint rows and vacuums it, and deletes a rehearsal simulator state \
            that holds them. Chunks already uploaded stay uploaded: `upload` neither refuses the \
            folder nor sends them again. The email is shown as its keyed hash. Contacts already \
            stored at Omnisend are not touched: delete them there.

            The person is also erased from every destination state of incremental sync (the \
            files under $OMNISEND_EXPORT_STATE_DIR/sync/, and each --state PATH): a later run \
            sends them again only if an export names them again.

            Exit 0 when done (also when the person was not found), 65 when a folder changed since \
            prepare, 75 while an upload holds a folder.
            """)

    @Argument(help: "The email of the person to forget.")
    var email: String

    @Option(name: .customLong("runs"), help: "A run folder, or a folder of run folders; repeatable (default: runs).")
    var runs: [String] = []

    @Option(name: .customLong("state"), help: "A destination state file (sync: { state: PATH }) to erase the person from too; repeatable (the state folder's sync/ files always are).")
    var states: [String] = []

    @Flag(help: "Show what would change; write nothing.")
    var dryRun = false

    @Flag(help: "Print the email as is instead of its keyed hash.")
    var showEmails = false

    func run() throws {
        let forgetter = RunForgetter(email: email, dryRun: dryRun)
        guard !forgetter.email.isEmpty else { throw ValidationError("EMAIL is empty") }
        let folders = (runs.isEmpty ? ["runs"] : runs).flatMap { RunForgetter.runFolders(at: $0) }
        if folders.isEmpty { Console.note("no run folder found under \(runs.isEmpty ? "runs" : runs.joined(separator: ", "))") }
        var failure: ExitCode?
        for folder in folders {
            let redactor = RedactionKeyFile.redactor(runDirectory: folder, showsEmails: showEmails)
            let token = redactor.token(forgetter.email)
            do {
                let result = try forgetter.forget(runDirectory: folder, token: token)
                if result.changed {
                    // The report's examples may name the person: rebuild it from the erased files.
                    if !dryRun { ReportHook.refresh(runDirectory: folder) }
                    print("\(folder): \(dryRun ? "would forget" : "forgot") \(token)")
                    for line in result.lines { print(line) }
                } else {
                    print("\(folder): \(token) not found")
                }
            } catch let error as ExportError {
                Console.note("error: \(redactor.scrub(String(describing: error)))")
                failure = ExitCode(ExitCodes.code(for: error))
            } catch let error as UploadError {
                Console.note("error: \(error)")
                failure = ExitCode(ExitCodes.code(for: error))
            }
        }
        do {
            // The token of the first run folder's key (no folder: a key that lives only in this process).
            let redactor = RedactionKeyFile.redactor(runDirectory: folders.first ?? "/nonexistent", showsEmails: showEmails)
            try forgetInStates(forgetter.email, token: redactor.token(forgetter.email))
        } catch let error as ExportError {
            Console.note("error: \(error)")
            failure = ExitCode(ExitCodes.code(for: error))
        }
        if let failure { throw failure }
    }

    /// Erases the person from the destination states (docs/security.md).
    private func forgetInStates(_ email: String, token: String) throws {
        var paths = states
        if let directory = try? StateDirectory(environment: ProcessInfo.processInfo.environment) {
            let sync = directory.file("sync")
            paths += FileSystem.contents(of: sync).filter { $0.hasSuffix(".sqlite") }.sorted().map { sync + "/" + $0 }
        }
        for path in Set(paths).sorted() {
            guard let store = try DestinationStateStore.openIfPresent(path: path, key: "(unknown)") else {
                Console.note("\(path): no destination state there")
                continue
            }
            if dryRun {
                print("\(path): \(try store.contains(email: email) ? "would forget" : "not found:") \(token)")
            } else {
                print("\(path): \(try store.forget(emails: [email]) > 0 ? "forgot" : "not found:") \(token)")
            }
        }
    }
}
