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
}
