/// The Omnisend API versions the simulator serves, each under its own path prefix.
public enum SimulatorAPIVersion: String, Sendable, CaseIterable, Codable {
    /// `/v3/…` with `X-API-KEY`.
    case v3
    /// `/v5/…` with `X-API-KEY`.
    case v5
    /// `/api/…` with `Authorization: Omnisend-API-Key <key>` and `Omnisend-Version: 2026-03-15`.
    case v2026_03_15 = "2026-03-15"

    /// The first path component of the version's routes (`v3`, `v5` or `api`).
    public var pathPrefix: String {
        switch self {
        case .v3: return "v3"
        case .v5: return "v5"
        case .v2026_03_15: return "api"
        }
    }

    /// Most items one `POST /batches` may carry (1000 for v3/v5, 100 for 2026-03-15).
    public var maxBatchItems: Int { self == .v2026_03_15 ? 100 : 1000 }

    /// Whether errors are RFC 9457 problems (2026-03-15) rather than `{"error", "fields"}` bodies.
    public var usesProblemDetails: Bool { self == .v2026_03_15 }

    /// Whether lists page with cursors (2026-03-15) rather than `offset`/`limit`.
    public var usesCursorPaging: Bool { self == .v2026_03_15 }

    /// The status code of a successful `POST /batches` when the configuration leaves it open
    /// (200 per the v3 OpenAPI, 201 for 2026-03-15).
    public var defaultBatchCreatedStatus: Int { self == .v2026_03_15 ? 201 : 200 }

    /// Parses `v3`, `v5`, `api`, `2026-03-15` or `v2026-03-15`.
    public init?(name: String) {
        switch name.lowercased() {
        case "v3", "3": self = .v3
        case "v5", "5": self = .v5
        case "api", "2026-03-15", "v2026-03-15", "v2026_03_15": self = .v2026_03_15
        default: return nil
        }
    }
}
