/// Where a run's contacts go and how the key is found. Never holds the key itself.
public struct Destination: Sendable, Codable, Equatable {
    /// The API version.
    public var apiVersion: APIVersion
    /// Base URL to which `/batches` and `/contacts` are appended; `nil` means the version's default,
    /// or the bundled simulator when no API key is configured.
    public var baseURL: String?
    /// The environment variable that holds the API key (default `OMNISEND_API_KEY`).
    public var apiKeyEnv: String?
    /// A file that holds the API key (first line, trimmed).
    public var apiKeyFile: String?
    /// The user's acknowledgement that personal data leaves their systems (needed for non-loopback URLs).
    public var allowPersonalDataTransfer: Bool
    /// A PEM bundle of CA certificates trusted in addition to the system's (`destination.ca_file`,
    /// for a corporate TLS-inspecting proxy); `nil` when not set.
    public var caFile: String?
    /// `simulator: true`: every upload of the run is a rehearsal against the bundled simulator
    /// (no key needed, nothing leaves the machine). `nil` means `false`.
    public var simulator: Bool?
    /// `name:`: a label for the destination in messages (`production`, `staging`); not part of its identity.
    public var name: String?
    /// `write_probe: false`: the destination check does not send its empty `POST /batches` (which
    /// tells whether the key may write contacts). `nil` means `true`.
    public var writeProbe: Bool?

    /// Creates a destination.
    public init(
        apiVersion: APIVersion = .v5, baseURL: String? = nil, apiKeyEnv: String? = "OMNISEND_API_KEY",
        apiKeyFile: String? = nil, allowPersonalDataTransfer: Bool = false
    ) {
        self.apiVersion = apiVersion
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.apiKeyFile = apiKeyFile
        self.allowPersonalDataTransfer = allowPersonalDataTransfer
    }

    /// Whether uploads of this destination rehearse against the bundled simulator.
    public var rehearses: Bool { simulator ?? false }

    /// Whether the destination check may send its write probe.
    public var probesWrite: Bool { writeProbe ?? true }
}
