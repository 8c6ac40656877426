import ArgumentParser
import ExportCore
import ExportUpload
import Foundation

/// The options of the commands that read a destination's contacts back page by page (`verify`
/// and `state rebuild`): paging, rate share, base URL, the personal-data acknowledgement; and
/// the steps they share: resolving the destination and the reader's settings.
struct ContactReadOptions: ParsableArguments {
    @Option(help: "Contacts per GET /contacts page (1-250).")
    var pageSize: Int = ContactPaging.maxPageSize

    @Option(help: ArgumentHelp(
        "How GET /contacts pages: link (follow paging.next, v3/v5), cursor (paging.cursors.after, 2026-03-15) or auto (what the API version documents).",
        valueName: "auto|link|cursor"))
    var paging: String = "auto"

    /// `--base-url`, `--rate-share`, `--rate-limit`.
    @OptionGroup var destination: DestinationFlags

    @Flag(help: "Acknowledge that reading contacts back moves personal data (needed for non-loopback URLs).")
    var acknowledgePersonalData = false

    func validate() throws {
        guard paging == "auto" || ContactPaging(rawValue: paging) != nil else {
            throw ValidationError("--paging must be auto, link or cursor, not \(paging)")
        }
        guard (1...ContactPaging.maxPageSize).contains(pageSize) else { throw ValidationError("--page-size must be 1 to \(ContactPaging.maxPageSize)") }
    }

    /// The destination to read: `destination` with `--base-url`, its key resolved.
    /// - Throws: what `UploadTarget.resolve` throws (no key, a non-loopback URL without the acknowledgement).
    func target(destination: Destination, warn: (String) -> Void) throws -> UploadTarget {
        var options = UploadOptions()
        options.baseURL = self.destination.baseURL
        options.acknowledgePersonalData = acknowledgePersonalData
        return try UploadTarget.resolve(
            destination: destination, options: options, environment: ProcessInfo.processInfo.environment, relativeTo: nil, warn: warn)
    }

    /// The reader's settings for `target`: its requests take places in the rate ledger of the
    /// destination (`STATE_DIR/rate/<key fingerprint>.ledger`), the budget its uploads share.
    /// `OMNISEND_EXPORT_RATE_WINDOW_SECONDS` shortens the rate window (tests against a simulator
    /// with a short window).
    func settings(target: UploadTarget, tag: String? = nil) throws -> ContactPageReader.Settings {
        let environment = ProcessInfo.processInfo.environment
        let state = try StateDirectory(environment: environment)
        var settings = ContactPageReader.Settings()
        settings.rateLedger = try RateLedger.path(in: state, identity: target.identity(secret: try InstallSecret(state: state)))
        if let window = environment["OMNISEND_EXPORT_RATE_WINDOW_SECONDS"].flatMap(Double.init), window > 0 { settings.rateWindow = window }
        settings.paging = ContactPaging(rawValue: paging)
        settings.pageSize = pageSize
        settings.rateShare = destination.rateShare
        settings.rateLimitPerMinute = destination.rateLimit
        settings.tag = tag
        return settings
    }
}

/// On SIGINT or SIGTERM, says where a read of contacts stopped and how to continue (`hint` gets
/// `interrupted` or `terminated`), and exits 130 or 143. `verify` and `state rebuild` save their
/// position after each page, so stopping at any moment loses at most the page being read.
final class ReadStopNotice: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    init(hint: @escaping @Sendable (String) -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                hint(signalNumber == SIGINT ? "interrupted" : "terminated")
                exit(signalNumber == SIGINT ? ExitCodes.interrupted : ExitCodes.terminated)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops watching (the signals' default actions return).
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
