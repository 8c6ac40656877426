import ArgumentParser
import ExportCore
import ExportPipeline
import Testing
@testable import ExportCLI
@testable import ExportUpload

/// `ExitCodes`: every error a command can meet becomes, through the one function
/// `ExitCodes.code(for:)`, the code that the table of `omnisend-export --help` documents for it.
/// The process-level check that `--help` and docs/upload.md print the same table is
/// `OutcomeProcessTests.theExitCodeTableIsTheSameInHelpAndInTheDocs`.
@Suite struct ExitCodesTests {
    /// The rows of the main table (before `status exits:`): code and meaning.
    static let rows: [(code: Int32, meaning: String)] = {
        var rows: [(Int32, String)] = []
        for line in ExitCodes.table.split(separator: "\n") {
            if line.hasPrefix("status exits") { break }
            let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
            guard words.count == 2, let code = Int32(words[0]) else { continue }
            rows.append((code, words[1].trimmingCharacters(in: .whitespaces)))
        }
        return rows
    }()

    /// The code of the one table row whose meaning contains `phrase`; `nil` when none or several do.
    static func documented(_ phrase: String) -> Int32? {
        let matching = rows.filter { $0.meaning.contains(phrase) }
        return matching.count == 1 ? matching[0].code : nil
    }

    /// The words of the table row that documents each kind of `ExportError` (a new case does not
    /// compile until it is given a row).
    static func phrase(for code: ExportError.Code) -> String {
        switch code {
        case .usage: "usage: bad flags or arguments"
        case .corruptInput, .limitExceeded, .columnMissing: "an input is unusable"
        case .noInput: "an input, or the run folder's manifest, does not exist"
        case .cannotCreate: "could not be created"
        case .io: "I/O error or disk full"
        case .config: "configuration: invalid pipeline or mapping"
        case .tampered: "the run folder changed since prepare"
        case .runLimit: "the pipeline's limits were exceeded"
        case .notReady: "inputs not ready"
        case .staleState: "the destination state moved on since prepare"
        case .internal: "a bug in the tool"
        }
    }

    /// The words of the row that documents each `UploadError`.
    static func phrase(for error: UploadError) -> String {
        switch error {
        case .locked, .runInProgress: "holds the lock"
        case .personalDataNotAcknowledged, .missingKey: "configuration"
        case .invalidBaseURL: "usage: bad flags or arguments"
        case .destinationMismatch: "belongs to another destination"
        }
    }

    /// The words of the row that documents each problem of the destination check.
    static func phrase(for problem: DestinationCheck.Problem) -> String {
        switch problem {
        case .keyRefused: "the API key was refused"
        case .missingPermission: "lacks a permission"
        case .versionUnavailable: "configuration"
        case .unreachable: "Omnisend unreachable"
        }
    }

    @Test func theTableHasEveryDocumentedCodeOnceAndFitsTheHelpWidth() throws {
        let codes: [Int32] = [
            ExitCodes.success, ExitCodes.checkFailed, ExitCodes.someContactsFailed, ExitCodes.deadline, ExitCodes.destinationMismatch,
            ExitCodes.limitsExceeded, ExitCodes.missingPermission, ExitCodes.staleState, ExitCodes.usage, ExitCodes.dataError,
            ExitCodes.noInput, ExitCodes.software, ExitCodes.cannotCreate, ExitCodes.ioError, ExitCodes.temporaryFailure,
            ExitCodes.permission, ExitCodes.config, ExitCodes.interrupted, ExitCodes.terminated,
        ]
        #expect(Self.rows.map(\.code) == codes, "the table lists each constant once, in order")
        // `--help` wraps its discussion at 80 columns: a longer row would break in two.
        let help = RootCommand.helpMessage(columns: 80)
        for line in ExitCodes.table.split(separator: "\n") {
            #expect(help.contains(line), "--help does not print the row unbroken: \(line)")
        }
    }

    @Test(arguments: ExportError.Code.allCases)
    func everyExportErrorCodeExitsWithTheCodeTheHelpTableDocuments(code: ExportError.Code) throws {
        let documented = try #require(Self.documented(Self.phrase(for: code)), "no single table row documents \(code)")
        #expect(ExitCodes.code(for: ExportError(code, "a message", path: "some/file")) == documented)
        #expect(ExitCodes.code(for: code) == documented)
    }

    @Test func everyUploadErrorExitsWithTheCodeTheHelpTableDocuments() throws {
        let errors: [UploadError] = [
            .locked(runDirectory: "runs/a", pid: 42), .locked(runDirectory: "runs/a", pid: nil),
            .personalDataNotAcknowledged(host: "api.example.com"), .invalidBaseURL("ftp://x"),
            .missingKey(variable: "OMNISEND_API_KEY", file: nil), .missingKey(variable: nil, file: "/etc/key"),
            .destinationMismatch(runDirectory: "runs/a", recorded: "one", requested: "two"),
            .runInProgress(pipeline: "p.yaml", destination: "d", holder: "process 7"),
        ]
        for error in errors {
            let documented = try #require(Self.documented(Self.phrase(for: error)), "no single table row documents \(error)")
            #expect(ExitCodes.code(for: error) == documented, "\(error)")
        }
    }

    @Test func everyDestinationProblemExitsWithTheCodeTheHelpTableDocuments() throws {
        let problems: [DestinationCheck.Problem] = [
            .keyRefused("401"), .missingPermission("403 on POST /batches"), .versionUnavailable("404"), .unreachable("timeout"),
        ]
        for problem in problems {
            let documented = try #require(Self.documented(Self.phrase(for: problem)), "no single table row documents \(problem)")
            #expect(ExitCodes.code(for: problem) == documented, "\(problem)")
        }
    }

    @Test func otherErrorsExitAsTheTableSays() throws {
        let pipeline = PipelineErrors(problems: [ConfigProblem(file: "p.yaml", line: 3, column: 1, message: "unknown key 'inptus'")])
        #expect(ExitCodes.code(for: pipeline) == Self.documented("configuration: invalid pipeline or mapping"))
        #expect(ExitCodes.code(for: ContactReadRefused(message: "GET /contacts: 403")) == Self.documented("the API key was refused"))
        #expect(ExitCodes.code(for: ValidationError("--concurrency: expected 1 to 64")) == Self.documented("usage: bad flags or arguments"))
        struct Unforeseen: Error {}
        #expect(ExitCodes.code(for: Unforeseen()) == Self.documented("a bug in the tool"))
    }

    @Test func reportPrintsOneErrorLineAndReturnsTheCode() {
        var lines: [String] = []
        let usage = ExitCodes.report(ValidationError("--rate-share: expected a number above 0 and at most 1")) { lines.append($0) }
        let missing = ExitCodes.report(ExportError(.noInput, "no input matched", path: "exports/*.csv")) { lines.append($0) }
        #expect(usage == 64 && missing == 66)
        #expect(lines == ["error: --rate-share: expected a number above 0 and at most 1", "error: exports/*.csv: no input matched"])
    }
}
