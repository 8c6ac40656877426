/// Where one chunk stands in the upload: `pending → posting → posted(batchID) → done`, or `failed`.
public enum ChunkState: String, Sendable, Codable, CaseIterable {
    /// Not sent yet.
    case pending
    /// The POST may have been sent; its answer was not recorded. Reconciled before any resend.
    case posting
    /// Omnisend took the batch (`batchID` known); poll it, never post it again.
    case posted
    /// The batch finished and its per-item results are saved.
    case done
    /// The chunk failed as a whole (`reason`); `retryable` says whether `--retry-failed` resends it.
    case failed
}
