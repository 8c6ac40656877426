/// The Omnisend API versions we speak; the version decides paths, auth headers, limits and wire names.
public enum APIVersion: String, Sendable, Codable, CaseIterable {
    case v3
    case v5
    /// The dated version, under `/api` with `Omnisend-Version: 2026-03-15`.
    case v2026_03_15 = "2026-03-15"

    /// Most items one `POST /batches` may carry (1000 for v3/v5, 100 for 2026-03-15).
    public var maxBatchItems: Int { self == .v2026_03_15 ? 100 : 1000 }

    /// The recommended cap on one request body, in bytes (1 MB).
    public static let maxBatchBytes = 1_000_000

    /// The production base URL, to which the resource paths (`/batches`, `/contacts`) are appended.
    public var defaultBaseURL: String {
        switch self {
        case .v3: return "https://api.omnisend.com/v3"
        case .v5: return "https://api.omnisend.com/v5"
        case .v2026_03_15: return "https://api.omnisend.com/api"
        }
    }

    /// The wire name of a channel's status date (`statusDate`, or `statusChangedAt` for 2026-03-15).
    public var statusDateKey: String { self == .v2026_03_15 ? "statusChangedAt" : "statusDate" }
}
