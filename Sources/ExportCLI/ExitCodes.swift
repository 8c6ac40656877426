import ArgumentParser
import ExportCore
import ExportPipeline
import ExportUpload

/// The documented exit codes of `omnisend-export`; sysexits where one fits.
public enum ExitCodes {
    /// Everything done; every contact accepted.
    public static let success: Int32 = 0
    /// `check` found problems in the pipeline or mapping.
    public static let checkFailed: Int32 = 1
    /// Some contacts were refused by Omnisend (listed in `failed.ndjson`).
    public static let someContactsFailed: Int32 = 2
    /// Stopped at `--max-duration`; run `upload RUN_DIR` again to resume. For `status`: the
    /// upload is unfinished and resumable.
    public static let deadline: Int32 = 3
    /// The run folder belongs to another destination (base URL, API version or key fingerprint).
    public static let destinationMismatch: Int32 = 4
    /// The pipeline's run limits (`limits.max_reject_rate`, `limits.min_kept`, …) were exceeded.
    public static let limitsExceeded: Int32 = 5
    /// The API key is accepted but lacks a permission the run needs (e.g. writing contacts).
    public static let missingPermission: Int32 = 6
    /// The destination state (`sync:`) was advanced by another run since this run folder was
    /// prepared against it: prepare again (its own resumes are not refused).
    public static let staleState: Int32 = 8
    /// Bad flags or arguments (EX_USAGE).
    public static let usage: Int32 = 64
    /// An input is unusable, or the run folder does not match its manifest (EX_DATAERR).
    public static let dataError: Int32 = 65
    /// An input does not exist (EX_NOINPUT).
    public static let noInput: Int32 = 66
    /// A bug in the tool (EX_SOFTWARE).
    public static let software: Int32 = 70
    /// The run folder could not be written (EX_CANTCREAT).
    public static let cannotCreate: Int32 = 73
    /// An I/O error (EX_IOERR).
    public static let ioError: Int32 = 74
    /// Omnisend stayed unreachable; run again to resume (EX_TEMPFAIL).
    public static let temporaryFailure: Int32 = 75
    /// The API key was refused (EX_NOPERM).
    public static let permission: Int32 = 77
    /// The pipeline or mapping is invalid (EX_CONFIG).
    public static let config: Int32 = 78
    /// Interrupted by SIGINT (128 + 2); resumable.
    public static let interrupted: Int32 = 130
    /// Terminated by SIGTERM (128 + 15); resumable.
    public static let terminated: Int32 = 143

    /// The one table of exit codes, as `omnisend-export --help` prints it and docs/upload.md
    /// repeats it ("Exit codes"); a test keeps the two the same.
    public static let table = """
        exit codes (prepare, run, upload, check, verify, inspect):
           0  done: every contact accepted (check: no problems)
           1  check found problems; inspect --contact: not in the run
           2  some contacts failed (failed.ndjson); resend with --retry-failed
           3  stopped at --max-duration; resumable
           4  the run folder belongs to another destination
           5  the pipeline's limits were exceeded
           6  the API key lacks a permission (writing contacts)
           8  the destination state moved on since prepare (sync:); prepare again
          64  usage: bad flags or arguments
          65  an input is unusable, or the run folder changed since prepare
          66  an input, or the run folder's manifest, does not exist
          70  a bug in the tool
          73  the run folder could not be created
          74  I/O error or disk full
          75  Omnisend unreachable, a run holds the lock, inputs not ready; resumable
          77  the API key was refused (401/403)
          78  configuration: invalid pipeline or mapping, no API key
         130  interrupted by SIGINT (Ctrl-C); resumable
         143  terminated by SIGTERM; resumable
        status exits:
           0  every chunk done
           2  done with failed items
           3  unfinished and resumable
        """

    /// The exit code of `error`: the one place an error becomes an exit code, for every command.
    /// `ExportError`s by their code; `UploadError`s by their case; a pipeline that does not load
    /// 78; a refused contact read 77;
    /// `ValidationError` (a flag the parser could not check) 64; anything else is a bug, 70.
    public static func code(for error: any Error) -> Int32 {
        switch error {
        case let error as ExportError: return code(for: error.code)
        case let error as UploadError:
            switch error {
            case .locked, .runInProgress: return temporaryFailure
            case .personalDataNotAcknowledged, .missingKey: return config
            case .invalidBaseURL: return usage
            case .destinationMismatch: return destinationMismatch
            }
        case is PipelineErrors: return config
        case is ContactReadRefused: return permission
        case is ValidationError: return usage
        default: return software
        }
    }

    /// The exit code of an `ExportError.Code` (its doc comment names the same number).
    public static func code(for code: ExportError.Code) -> Int32 {
        switch code {
        case .usage: return usage
        case .corruptInput, .limitExceeded, .tampered, .columnMissing: return dataError
        case .noInput: return noInput
        case .cannotCreate: return cannotCreate
        case .io: return ioError
        case .config: return config
        case .runLimit: return limitsExceeded
        case .notReady: return temporaryFailure
        case .internal: return software
        case .staleState: return staleState
        }
    }

    /// The exit code of a problem the destination check found.
    public static func code(for problem: DestinationCheck.Problem) -> Int32 {
        switch problem {
        case .keyRefused: return permission
        case .missingPermission: return missingPermission
        case .versionUnavailable: return config
        case .unreachable: return temporaryFailure
        }
    }

    /// Prints `error` as an `error: …` line through `note` and returns its exit code.
    static func report(_ error: any Error, note: (String) -> Void) -> Int32 {
        if let error = error as? ValidationError {
            note("error: \(error.message)")
        } else {
            note("error: \(error)")
        }
        return code(for: error)
    }
}
