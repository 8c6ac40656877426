/// An API key the simulator accepts: which brand owns it and what it may do.
///
/// Keys files hold one key a line: `KEY [BRAND] [PERMISSIONS]`, where PERMISSIONS is a
/// comma-separated list of `read` and `write` (every resource; `read,write` is the default) and
/// per-resource scopes `contacts.read`, `contacts.write`, `batches.read`, `batches.write`.
/// Blank lines and lines starting with `#` are skipped.
///
/// As on Omnisend, a batch needs the scope of its target endpoint too: `POST /batches` (of
/// contacts) needs `batches.write` and `contacts.write`; reading batches needs `batches.read` and
/// `contacts.read`.
public struct SimulatorKey: Sendable, Equatable {
    /// The secret sent by clients. Never printed in errors.
    public var key: String
    /// The brand (account) that owns the key; keys of one brand share its contacts and rate limit.
    public var brand: String
    /// Whether the key may read (`GET`).
    public var canRead: Bool
    /// Whether the key may write (`POST`).
    public var canWrite: Bool
    /// Per-resource scopes granted besides `canRead`/`canWrite`: `contacts.read`, `contacts.write`,
    /// `batches.read`, `batches.write`.
    public var scopes: Set<String>

    /// The per-resource scopes a keys file may name.
    public static let knownScopes: Set<String> = ["contacts.read", "contacts.write", "batches.read", "batches.write"]

    public init(key: String, brand: String = "default", canRead: Bool = true, canWrite: Bool = true, scopes: Set<String> = []) {
        self.key = key
        self.brand = brand
        self.canRead = canRead
        self.canWrite = canWrite
        self.scopes = scopes
    }

    /// Whether the key holds `scope` (`contacts.write`…), directly or through `read`/`write`.
    public func allows(_ scope: String) -> Bool {
        if scope.hasSuffix(".read") && canRead || scope.hasSuffix(".write") && canWrite { return true }
        return scopes.contains(scope)
    }

    /// `read,write`, or the scopes held, for the simulator's banner.
    public var permissionText: String {
        let global = [canRead ? "read" : nil, canWrite ? "write" : nil].compactMap { $0 }
        let text = (global + scopes.sorted()).joined(separator: ",")
        return text.isEmpty ? "none" : text
    }

    /// Parses a keys file's text. Errors name the line, never the key.
    public static func parseKeysFile(_ text: String, path: String) throws(SimulatorKeyFileError) -> [SimulatorKey] {
        var keys: [SimulatorKey] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count <= 3 else {
                throw SimulatorKeyFileError(path: path, line: offset + 1, reason: "expected KEY [BRAND] [PERMISSIONS]")
            }
            var key = SimulatorKey(key: fields[0], brand: fields.count > 1 ? fields[1] : "default")
            if fields.count == 3 {
                let permissions = Set(fields[2].split(separator: ",").map { String($0.map { $0 == ":" ? "." : $0 }) })
                guard !permissions.isEmpty, permissions.isSubset(of: Self.knownScopes.union(["read", "write"])) else {
                    throw SimulatorKeyFileError(
                        path: path, line: offset + 1,
                        reason: "permissions must be read, write, or the scopes contacts.read, contacts.write, batches.read, batches.write, comma-separated")
                }
                key.canRead = permissions.contains("read")
                key.canWrite = permissions.contains("write")
                key.scopes = permissions.intersection(Self.knownScopes)
            }
            keys.append(key)
        }
        return keys
    }
}

/// A keys file that cannot be read or parsed.
public struct SimulatorKeyFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var reason: String
    public var description: String { "\(path):\(line): \(reason)" }
}
