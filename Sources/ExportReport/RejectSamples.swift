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

    /// Reads examples of `reasons` from `path`, stopping once each reason has `perReason`.
    init(path: String, reasons: Set<String>, perReason: Int, mask: EmailMask) {
        var missing = reasons
        guard !missing.isEmpty else { return }
        NDJSONLines.forEach(path: path) { line in
            guard let reason = NDJSONLines.string("reason", in: line), missing.contains(reason) else { return true }
            let input = NDJSONLines.string("input", in: line) ?? "?"
            let number = NDJSONLines.int("line", in: line).map { ":\($0)" } ?? ""
            let detail = mask.apply(String((NDJSONLines.string("detail", in: line) ?? "").prefix(160)))
            let email = NDJSONLines.string("email", in: line).flatMap { $0.isEmpty ? nil : mask.apply(String($0.prefix(80))) }
            examples[reason, default: []].append(Example(location: input + number, detail: detail, email: email))
            if examples[reason]!.count >= perReason { missing.remove(reason) }
            return !missing.isEmpty
        }
    }
}
