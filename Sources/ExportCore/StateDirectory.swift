import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The tool's per-install state folder: `$OMNISEND_EXPORT_STATE_DIR`, else
/// `$XDG_STATE_HOME/omnisend-export`, else `$HOME/.local/state/omnisend-export` (the home folder
/// from the user database when `HOME` is unset, as under `env -i`). It holds the
/// install secret (key fingerprints) and the run locks; it is created `0700` on first use.
public struct StateDirectory: Sendable, Equatable {
    /// The folder's path.
    public let path: String

    /// A state folder at `path` (tests).
    public init(path: String) {
        self.path = path
    }

    /// The state folder the environment names.
    /// - Throws: `ExportError.config` when no variable is set and the user has no home folder.
    public init(environment: [String: String]) throws {
        if let explicit = environment["OMNISEND_EXPORT_STATE_DIR"], !explicit.isEmpty {
            path = explicit
        } else if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            path = xdg + "/omnisend-export"
        } else if let home = environment["HOME"] ?? Self.userHome(), !home.isEmpty {
            path = home + "/.local/state/omnisend-export"
        } else {
            throw ExportError(
                .config,
                "no state folder: set OMNISEND_EXPORT_STATE_DIR (or HOME) so the tool can keep its install secret and run locks")
        }
    }

    /// The home folder of the user database's entry for this user.
    static func userHome() -> String? {
        guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return nil }
        return String(cString: directory)
    }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Creates the folder (and `subfolder` inside it) with mode `0700` if missing; returns the path.
    /// - Throws: `ExportError.cannotCreate` naming the folder.
    @discardableResult
    public func create(_ subfolder: String? = nil) throws -> String {
        let target = subfolder.map { self.file($0) } ?? path
        do {
            try FileManager.default.createDirectory(
                atPath: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ExportError(.cannotCreate, "cannot create the state folder", path: target, cause: error)
        }
        return target
    }
}
