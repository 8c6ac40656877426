/// An API key the simulator accepts: which brand owns it and what it may do.
///
/// Keys files hold one key a line: `KEY [BRAND] [PERMISSIONS]`, where PERMISSIONS is `read`,
/// `write` or `read,write` (the default); blank lines and lines starting with `#` are skipped.
public struct SimulatorKey: Sendable, Equatable {
    /// The secret sent by clients. Never printed in errors.
    public var key: String
    /// The brand (account) that owns the key; keys of one brand share its contacts and rate limit.
    public var brand: String
    /// Whether the key may read (`GET`).
    public var canRead: Bool
    /// Whether the key may write (`POST`).
    public var canWrite: Bool

    public init(key: String, brand: String = "default", canRead: Bool = true, canWrite: Bool = true) {
        self.key = key
        self.brand = brand
        self.canRead = canRead
        self.canWrite = canWrite
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
                let permissions = Set(fields[2].split(separator: ",").map(String.init))
                guard !permissions.isEmpty, permissions.isSubset(of: ["read", "write"]) else {
                    throw SimulatorKeyFileError(path: path, line: offset + 1, reason: "permissions must be read, write or read,write")
                }
                key.canRead = permissions.contains("read")
                key.canWrite = permissions.contains("write")
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
