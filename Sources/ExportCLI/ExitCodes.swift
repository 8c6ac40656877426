import ArgumentParser
import ExportCore

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

    /// The exit code for an `ExportError`.
    public static func code(for error: ExportError) -> Int32 {
        switch error.code {
        case .usage: return usage
        case .corruptInput, .limitExceeded, .tampered, .columnMissing: return dataError
        case .noInput: return noInput
        case .cannotCreate: return cannotCreate
        case .io: return ioError
        case .config: return config
        case .runLimit: return limitsExceeded
        case .notReady: return temporaryFailure
        case .internal: return software
        }
    }
}
