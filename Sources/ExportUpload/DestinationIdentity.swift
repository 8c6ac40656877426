import ExportCore
import Foundation

/// Which destination a run folder is uploaded to: the base URL, the API version and the key's
/// fingerprint (never the key), or, for a rehearsal, `rehearsal` plus the run folder. The
/// checkpoint records it at the first upload; an upload to another identity is refused (exit 4).
public struct DestinationIdentity: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The normalised base URL (lowercase scheme and host, no trailing `/`); `nil` for a rehearsal.
    public var baseURL: String?
    /// The API version.
    public var apiVersion: String
    /// The hex HMAC-SHA256 of the key under the install secret; `nil` for a rehearsal.
    public var keyFingerprint: String?
    /// For a rehearsal: the run folder whose bundled simulator received the contacts.
    public var rehearsalOf: String?
    /// The destination's `name:` label, for messages; not compared.
    public var name: String?

    /// A real destination.
    public init(baseURL: String, apiVersion: APIVersion, keyFingerprint: String, name: String? = nil) {
        self.baseURL = Self.normalize(baseURL)
        self.apiVersion = apiVersion.rawValue
        self.keyFingerprint = keyFingerprint
        self.name = name
    }

    /// A rehearsal of `runDirectory` (its absolute, resolved path is recorded).
    public init(rehearsalOf runDirectory: String, apiVersion: APIVersion) {
        self.apiVersion = apiVersion.rawValue
        rehearsalOf = Self.absolute(runDirectory)
    }

    /// Whether this is a rehearsal against the bundled simulator.
    public var isRehearsal: Bool { rehearsalOf != nil }

    /// Equal when URL, version, fingerprint and rehearsal folder are; the name is a label only.
    public static func == (a: Self, b: Self) -> Bool {
        a.baseURL == b.baseURL && a.apiVersion == b.apiVersion && a.keyFingerprint == b.keyFingerprint && a.rehearsalOf == b.rehearsalOf
    }

    /// `production: https://api.omnisend.com/v5 (API v5, key fingerprint 1a2b3c4d5e6f7a8b)`, or
    /// `rehearsal (bundled simulator) of RUN_DIR`.
    public var description: String {
        if let rehearsalOf { return "rehearsal (bundled simulator) of \(rehearsalOf)" }
        let label = name.map { "\($0): " } ?? ""
        return "\(label)\(baseURL ?? "?") (API \(apiVersion), key fingerprint \((keyFingerprint ?? "?").prefix(16)))"
    }

    /// The JSON stored in the checkpoint.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Decodes the stored JSON, or `nil`.
    public static func decode(_ json: String) -> DestinationIdentity? {
        try? JSONDecoder().decode(DestinationIdentity.self, from: Data(json.utf8))
    }

    /// Lowercase scheme and host, no trailing slash.
    static func normalize(_ url: String) -> String {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        guard var components = URLComponents(string: text) else { return text }
        components.scheme = components.scheme?.lowercased()
        components.host = components.host?.lowercased()
        return components.string ?? text
    }

    /// The absolute path with symlinks resolved (the path as given when it does not exist).
    static func absolute(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).resolvingSymlinksInPath().standardizedFileURL.path
    }
}
