import ExportCore
import Foundation

/// Finds the API key a destination names: its `api_key_file` (first line, trimmed), else the
/// environment variable `api_key_env` (default `OMNISEND_API_KEY`).
public enum APIKeyResolver {
    /// A key and the warnings found on the way (a key file readable by others).
    public struct Resolution: Sendable {
        /// The key, or `nil` when none is configured.
        public var key: APIKey?
        /// Messages for the user; never contain the key.
        public var warnings: [String]
    }

    /// Resolves the key of `destination`.
    /// - Parameters:
    ///   - relativeTo: the folder against which a relative `api_key_file` is resolved.
    /// - Throws: `ExportError.config` when the named key file cannot be read.
    public static func resolve(
        _ destination: Destination, environment: [String: String] = ProcessInfo.processInfo.environment,
        relativeTo folder: String? = nil
    ) throws -> Resolution {
        var warnings: [String] = []
        if let file = destination.apiKeyFile, !file.isEmpty {
            let path = file.hasPrefix("/") || folder == nil ? file : "\(folder!)/\(file)"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ExportError(.config, "cannot read the API key file named by the destination's api_key_file", path: path)
            }
            if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let mode = attributes[.posixPermissions] as? Int, mode & 0o044 != 0
            {
                warnings.append(
                    "warning: \(path): the API key file is readable by others (mode \(String(mode, radix: 8))); run chmod 600 on it")
            }
            let firstLine = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
            let key = APIKey(String(firstLine))
            return Resolution(key: key.isEmpty ? nil : key, warnings: warnings)
        }
        let name = destination.apiKeyEnv ?? "OMNISEND_API_KEY"
        let key = APIKey(environment[name] ?? "")
        return Resolution(key: key.isEmpty ? nil : key, warnings: warnings)
    }
}
