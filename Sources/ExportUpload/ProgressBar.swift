/// Renders an upload's progress as one terminal line: a bar of contacts accepted, requests a
/// minute against the allowance, 429s, retries and the ETA.
public enum ProgressBar {
    /// The line (without carriage return), at most about `width` columns.
    public static func render(_ progress: UploadProgress, width: Int = 30) -> String {
        let total = max(1, progress.contactsTotal)
        let done = progress.contactsAccepted + progress.contactsFailed
        let filled = min(width, width * done / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let eta = progress.remaining.map { DurationText.format($0) } ?? "?"
        return "[\(bar)] \(done)/\(progress.contactsTotal) sent, \(progress.contactsAccepted) accepted, "
            + "\(progress.requestsLastMinute)/\(progress.allowancePerMinute) req/min, \(progress.rateLimited) 429s, "
            + "\(progress.retries) retries, ETA \(eta)"
    }
}
