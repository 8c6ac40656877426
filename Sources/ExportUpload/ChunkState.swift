/// Where one chunk stands in the upload: `pending → posting → posted(batchID) → done`, or `failed`;
/// `posting → unresolved → posted(batchID)` when a POST's fate is looked up, or back to `pending`
/// only once `--reconcile-horizon` has passed since its last POST without its batch appearing.
public enum ChunkState: String, Sendable, Codable, CaseIterable {
    /// Not sent yet.
    case pending
    /// The POST may have been sent; its answer was not recorded. Reconciled before any resend.
    case posting
    /// The POST got no usable answer (network error, timeout, 5xx) and the batch list does not
    /// show it yet: listed again with backoff until found or until the reconcile horizon passes.
    /// Never posted while in this state, and never by `--retry-failed`.
    case unresolved
    /// Omnisend took the batch (`batchID` known); poll it, never post it again.
    case posted
    /// The batch finished and its per-item results are saved.
    case done
    /// The chunk failed as a whole (`reason`); `retryable` says whether `--retry-failed` resends it.
    case failed
}
