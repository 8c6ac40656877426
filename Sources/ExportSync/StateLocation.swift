import ExportCore
import Foundation

/// Where a pipeline's destination state lives and what it is keyed by.
///
/// The key is the destination's `name:` (default: the base URL's host, `api.omnisend.com` when
/// the pipeline names none) and the pipeline's name: not the key or the API version, so a key
/// rotation or a move from v5 to 2026-03-15 keeps the state. The file is `sync: { state: PATH }`
/// when given, else `STATE_DIR/sync/NAME--PIPELINE.sqlite`.
public struct StateLocation: Sendable, Equatable {
    /// The state file (absolute).
    public var path: String
    /// `NAME/PIPELINE`.
    public var key: String

    /// The location for a pipeline.
    /// - Parameters:
    ///   - explicitPath: `sync.state`, when set (already resolved against the pipeline's folder).
    ///   - stateDirectory: the tool's state folder.
    public init(destination: Destination, pipelineName: String, explicitPath: String?, stateDirectory: StateDirectory) {
        let name = destination.name ?? Self.host(destination.baseURL) ?? "api.omnisend.com"
        key = "\(name)/\(pipelineName)"
        let file = explicitPath ?? stateDirectory.file("sync/\(Self.safe(name))--\(Self.safe(pipelineName)).sqlite")
        path = Self.absolute(file)
    }

    /// The host of `url` (lowercased, without port), or `nil`.
    static func host(_ url: String?) -> String? {
        guard let url, let host = URLComponents(string: url)?.host, !host.isEmpty else { return nil }
        return host.lowercased()
    }

    /// `text` with everything but letters, digits, `.`, `-` and `_` replaced by `_`.
    static func safe(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
