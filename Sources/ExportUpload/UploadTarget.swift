import ExportCore
import Foundation

/// Where an upload goes: base URL, API version and key, checked for the personal-data rule.
public struct UploadTarget: Sendable {
    /// The base URL (`…/v5`).
    public var baseURL: String
    /// The API version.
    public var apiVersion: APIVersion
    /// The key.
    public var key: APIKey
    /// For a rehearsal: the run folder whose bundled simulator this target is.
    public var rehearsalOf: String?
    /// The destination's `name:` label, for messages.
    public var name: String?

    /// Creates a target.
    public init(baseURL: String, apiVersion: APIVersion, key: APIKey, rehearsalOf: String? = nil, name: String? = nil) {
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.key = key
        self.rehearsalOf = rehearsalOf
        self.name = name
    }

    /// Whether this is a rehearsal against the bundled simulator.
    public var isRehearsal: Bool { rehearsalOf != nil }

    /// The identity the checkpoint records: URL, version and key fingerprint, or the rehearsal's folder.
    public func identity(secret: InstallSecret) -> DestinationIdentity {
        if let rehearsalOf { return DestinationIdentity(rehearsalOf: rehearsalOf, apiVersion: apiVersion) }
        return DestinationIdentity(baseURL: baseURL, apiVersion: apiVersion, keyFingerprint: secret.fingerprint(of: key), name: name)
    }

    /// The host of the base URL, or `nil` when it does not parse.
    public var host: String? { URLComponents(string: baseURL)?.host }

    /// Whether the base URL points at this machine (127.0.0.0/8, ::1, localhost).
    public var isLoopback: Bool { Self.isLoopback(host: host ?? "") }

    /// Whether `host` names this machine: an IPv4 literal in 127.0.0.0/8, the IPv6 literal ::1
    /// (in any spelling), or the name `localhost`. Anything else, `127.invalid` or
    /// `127.0.0.1.example.com` included, is not loopback.
    public static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "localhost." { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }

    /// Resolves the real destination of a run: the base URL (`--base-url`, the pipeline's, or the
    /// version's default) and the key. Rehearsals are not resolved here (see `rehearsal`).
    /// - Throws: `UploadError.missingKey` when no key is configured (exit 78, with how to set one
    ///   or rehearse), `UploadError` for a bad URL or a missing personal-data acknowledgement,
    ///   `ExportError.config` for an unreadable key file.
    public static func resolve(
        destination: Destination, options: UploadOptions, environment: [String: String],
        relativeTo folder: String?, warn: (String) -> Void
    ) throws -> UploadTarget {
        let resolution = try APIKeyResolver.resolve(destination, environment: environment, relativeTo: folder)
        resolution.warnings.forEach(warn)
        let explicitURL = options.baseURL ?? destination.baseURL
        guard let key = resolution.key else {
            throw UploadError.missingKey(
                variable: destination.apiKeyFile == nil ? destination.apiKeyEnv ?? "OMNISEND_API_KEY" : nil, file: destination.apiKeyFile)
        }
        let target = UploadTarget(
            baseURL: explicitURL ?? destination.apiVersion.defaultBaseURL, apiVersion: destination.apiVersion, key: key, name: destination.name)
        guard let components = URLComponents(string: target.baseURL), let scheme = components.scheme,
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw UploadError.invalidBaseURL(target.baseURL)
        }
        if !target.isLoopback && !(destination.allowPersonalDataTransfer || options.acknowledgePersonalData) {
            throw UploadError.personalDataNotAcknowledged(host: host)
        }
        return target
    }
}
