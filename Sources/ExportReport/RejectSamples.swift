import ExportRunFolder

/// A few rejected rows of each reason, read from `rejects.ndjson`: where (`file:line`), the
/// reason, and what failed; emails masked. The counts per reason are the manifest's.
struct RejectSamples: Sendable, Equatable {
    /// One example row.
    struct Example: Sendable, Equatable {
        var location: String
        var detail: String
        /// The email as found, masked (`nil` when the row had none).
        var email: String?
    }

    /// Examples by reason code, at most `perReason` each, in file order.
    private(set) var examples: [String: [Example]] = [:]

    /// Reads examples of `reasons` from the run folder's rejects file, stopping once each reason
    /// has `perReason`.
    init(runDirectory: String, reasons: Set<String>, perReason: Int, mask: EmailMask) {
        var missing = reasons
        guard !missing.isEmpty else { return }
        SideFileReader(runDirectory: runDirectory).forEach(RejectLine.self) { line in
            guard missing.contains(line.reason) else { return true }
            let detail = mask.apply(String(line.detail.prefix(160)))
            let email = line.email.flatMap { $0.isEmpty ? nil : mask.apply(String($0.prefix(80))) }
            examples[line.reason, default: []].append(Example(location: "\(line.input):\(line.line)", detail: detail, email: email))
            if examples[line.reason]!.count >= perReason { missing.remove(line.reason) }
            return !missing.isEmpty
        }
    }
}
