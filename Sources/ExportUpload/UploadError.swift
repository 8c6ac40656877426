/// Errors that stop an upload for reasons of its own (besides `ExportError`s about files).
public enum UploadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another uploader holds the run folder's lock.
    case locked(runDirectory: String, pid: Int32?)
    /// The destination is not loopback and personal-data transfer was not acknowledged.
    case personalDataNotAcknowledged(host: String)
    /// The base URL cannot be used.
    case invalidBaseURL(String)

    /// A message for the user; never contains the key.
    public var description: String {
        switch self {
        case .locked(let runDirectory, let pid):
            let holder = pid.map { "process \($0)" } ?? "another process"
            return "\(runDirectory): another upload (\(holder)) is running on this run folder; wait for it or stop it first"
        case .personalDataNotAcknowledged(let host):
            return """
                uploading to \(host) sends personal data (emails, names, consent) out of your systems; \
                acknowledge it with 'allowPersonalDataTransfer: true' in the pipeline's destination \
                or with --acknowledge-personal-data
                """
        case .invalidBaseURL(let url):
            return "invalid base URL '\(url)': expected http(s)://host[:port]/path"
        }
    }
}
