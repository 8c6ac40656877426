/// Errors that stop an upload for reasons of its own (besides `ExportError`s about files).
public enum UploadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another uploader holds the run folder's lock.
    case locked(runDirectory: String, pid: Int32?)
    /// The destination is not loopback and personal-data transfer was not acknowledged.
    case personalDataNotAcknowledged(host: String)
    /// The base URL cannot be used.
    case invalidBaseURL(String)
    /// No API key is configured (exit 78): the variable or file the destination names is empty.
    case missingKey(variable: String?, file: String?)
    /// The run folder was uploaded to another destination (exit 4); both named, keys as fingerprints.
    case destinationMismatch(runDirectory: String, recorded: String, requested: String)
    /// Another `run` of the pipeline to the destination holds the run lock (exit 75).
    case runInProgress(pipeline: String, destination: String, holder: String)

    /// A message for the user; never contains the key.
    public var description: String {
        switch self {
        case .locked(let runDirectory, let pid):
            let holder = pid.map { "process \($0)" } ?? "another process"
            return "\(runDirectory): another upload (\(holder)) is running on this run folder; wait for it or stop it first"
        case .personalDataNotAcknowledged(let host):
            return """
                uploading to \(host) sends personal data (emails, names, consent) out of your systems; \
                acknowledge it with 'allow_personal_data_transfer: true' in the pipeline's destination \
                or with --acknowledge-personal-data
                """
        case .invalidBaseURL(let url):
            return "invalid base URL '\(url)': expected http(s)://host[:port]/path"
        case .missingKey(let variable, let file):
            let problem: String
            if let file {
                problem = "no API key: the file \(file) (the destination's api_key_file) is empty"
            } else {
                let name = variable ?? "OMNISEND_API_KEY"
                problem = "no API key: the environment variable \(name) is not set or empty (cron starts jobs with an almost empty environment)"
            }
            return """
                \(problem). Nothing was sent. Either
                  - set the key: export \(variable ?? "OMNISEND_API_KEY")=… (in a crontab, on a line of its own above the job), or
                  - keep it in a file (first line, chmod 600): destination: { api_key_file: /path/to/omnisend.key }, or
                  - read it from another variable: destination: { api_key_env: MY_OMNISEND_KEY }, or
                  - rehearse against the bundled simulator instead (nothing leaves this machine): add --rehearse to run or upload, or destination: { simulator: true }
                """
        case .destinationMismatch(let runDirectory, let recorded, let requested):
            return """
                \(runDirectory) was uploaded to \(recorded), not to \(requested). \
                Resume with the first destination's base URL and key, or start over for the new one with \
                --new-destination (the old checkpoint is kept as history)
                """
        case .runInProgress(let pipeline, let destination, let holder):
            return "another run of \(pipeline) to \(destination) is in progress (\(holder)); wait for it or stop it first"
        }
    }
}
