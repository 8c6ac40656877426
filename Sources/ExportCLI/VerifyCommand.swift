import ArgumentParser
import ExportChunks
import ExportCore
import ExportUpload
import Foundation

/// `omnisend-export verify`: read uploaded contacts back and report those that differ from what was sent.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Read uploaded contacts back from Omnisend and report those that differ from what was sent.",
        discussion: """
            Reads from the destination the run folder was uploaded to: another base URL, API \
            version or key exits 4, naming both (keys as fingerprints).

            Exit 0 when every checked contact matches, 2 when some differ or are missing, 4 the \
            run folder was uploaded elsewhere, 78 no key. A channel status Omnisend kept because it \
            holds a later decision (its status date rule; a status sent to be kept is dated 1970) is \
            not a difference: it is counted on the last line.
            """)

    @Argument(help: "The run folder.")
    var runDirectory: String

    @Option(help: "Check this many contacts, spread over the run (default: all).")
    var sample: Int?

    @Option(help: "Read from this base URL instead of the pipeline's.")
    var baseURL: String?

    @Flag(help: "Acknowledge that reading contacts back moves personal data (needed for non-loopback URLs).")
    var acknowledgePersonalData = false

    @Flag(help: "Print emails as they are instead of their keyed hash (email#…).")
    var showEmails = false

    func run() async throws {
        let manifest = try Console.reportingErrors { try ManifestFile.read(runDirectory: runDirectory) }
        let redactor = RedactionKeyFile.redactor(runDirectory: runDirectory, showsEmails: showEmails)
        var options = UploadOptions()
        options.baseURL = baseURL
        options.acknowledgePersonalData = acknowledgePersonalData
        let target: UploadTarget
        do {
            target = try UploadTarget.resolve(
                destination: manifest.destination, options: options, environment: ProcessInfo.processInfo.environment, relativeTo: nil,
                warn: Console.note)
            // Read back from the destination the run folder was uploaded to, and no other.
            if let recorded = try DestinationBinding.recorded(runDirectory: runDirectory) {
                let identity = target.identity(secret: try InstallSecret(state: try StateDirectory(environment: ProcessInfo.processInfo.environment)))
                if recorded != identity {
                    throw UploadError.destinationMismatch(runDirectory: runDirectory, recorded: recorded.description, requested: identity.description)
                }
            }
        } catch {
            let code = UploadDriver.exitCode(for: error, note: { Console.note(redactor.scrub($0)) })
            throw ExitCode(code)
        }
        let result = try await Console.reportingErrorsAsync(redactor: redactor) {
            let network = try NetworkSettings.resolve(
                baseURL: target.baseURL, caFile: manifest.destination.caFile, environment: ProcessInfo.processInfo.environment)
            return try await ContactVerifier(runDirectory: runDirectory, target: target, network: network).verify(sample: sample)
        }
        for difference in result.differences {
            print("chunk \(difference.chunk) item \(difference.item) \(redactor.token(difference.email)): \(difference.fields.joined(separator: ", "))")
        }
        let kept = result.keptByDateRule == 0 ? ""
            : " (\(result.keptByDateRule) kept a status Omnisend holds with a later date: its date rule, not a difference)"
        print("checked \(result.checked) contact(s): \(result.differences.count) differ\(kept)")
        if !result.differences.isEmpty { throw ExitCode(ExitCodes.someContactsFailed) }
    }
}

extension Console {
    /// `reportingErrors` for async work; emails in the message are redacted.
    static func reportingErrorsAsync<T>(redactor: EmailRedactor, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExportError {
            note("error: \(redactor.scrub(String(describing: error)))")
            throw ExitCode(ExitCodes.code(for: error))
        }
    }
}
