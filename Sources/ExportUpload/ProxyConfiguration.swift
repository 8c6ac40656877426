import Foundation

/// The HTTP proxy an upload goes through, from the environment as curl and most tools read it:
/// `https_proxy`/`HTTPS_PROXY` for an `https` base URL, `http_proxy`/`HTTP_PROXY` for `http`
/// (lowercase first), unless `no_proxy`/`NO_PROXY` names the host.
///
/// `NO_PROXY` is a comma-separated list of host names, domain suffixes (`example.com` and
/// `.example.com` both match `api.example.com`), IP addresses, each optionally with `:port`, or
/// `*` for every host. Loopback addresses are proxied like any other unless listed.
public struct ProxyConfiguration: Sendable, Equatable {
    /// The proxy's host and port.
    public var host: String
    public var port: Int
    /// `user:password` from the proxy URL, for `Proxy-Authorization: Basic` (never logged).
    public var credentials: (user: String, password: String)? {
        guard let user else { return nil }
        return (user, password ?? "")
    }
    var user: String?
    var password: String?
    /// The variable it came from (`HTTPS_PROXY`, `http_proxy`, …), for messages.
    public var variable: String

    /// Where to log it: `host:port (VARIABLE)`; never the credentials.
    public var description: String { "\(host):\(port) (\(variable))" }

    /// A problem with a proxy variable (its value is not echoed: it may hold a password).
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var variable: String
        public var reason: String
        public var description: String {
            "\(variable) is not a usable proxy URL: \(reason) (expected http://[user:password@]host:port)"
        }
    }

    /// The proxy for requests to `url`, or `nil` for a direct connection.
    /// - Throws: `Problem` when the variable that applies does not parse.
    public static func resolve(for url: String, environment: [String: String]) throws(Problem) -> ProxyConfiguration? {
        guard let target = URLComponents(string: url), let scheme = target.scheme?.lowercased(), let host = target.host else { return nil }
        let names = scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"]
        guard let name = names.first(where: { !(environment[$0] ?? "").isEmpty }), let value = environment[name] else { return nil }
        let port = target.port ?? (scheme == "https" ? 443 : 80)
        let exclusions = ["no_proxy", "NO_PROXY"].compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        if bypasses(host: host, port: port, noProxy: exclusions) { return nil }
        return try parse(value, variable: name)
    }

    /// Whether `NO_PROXY`-style `list` excludes `host:port`.
    public static func bypasses(host: String, port: Int, noProxy list: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        for raw in list.split(separator: ",") {
            var entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if entry.isEmpty { continue }
            if entry == "*" { return true }
            // An optional :port (not for a bare IPv6 address, which has several colons).
            if entry.filter({ $0 == ":" }).count == 1, let colon = entry.lastIndex(of: ":") {
                guard Int(entry[entry.index(after: colon)...]) == port else { continue }
                entry = String(entry[..<colon])
            }
            entry = entry.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            while entry.hasPrefix(".") || entry.hasPrefix("*") { entry.removeFirst() }
            if entry.isEmpty { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    /// Parses a proxy URL (`http://host:port`, scheme optional, port 80 when absent).
    static func parse(_ value: String, variable: String) throws(Problem) -> ProxyConfiguration {
        let text = value.contains("://") ? value : "http://" + value
        guard let url = URLComponents(string: text), let host = url.host, !host.isEmpty else {
            throw Problem(variable: variable, reason: "no host")
        }
        guard url.scheme?.lowercased() == "http" else {
            throw Problem(variable: variable, reason: "only http:// proxies are supported (HTTPS goes through them with CONNECT)")
        }
        var proxy = ProxyConfiguration(host: host, port: url.port ?? 80, variable: variable)
        proxy.user = url.user.map { $0.removingPercentEncoding ?? $0 }
        proxy.password = url.password.map { $0.removingPercentEncoding ?? $0 }
        return proxy
    }

    init(host: String, port: Int, variable: String) {
        self.host = host
        self.port = port
        self.variable = variable
    }

    public static func == (a: ProxyConfiguration, b: ProxyConfiguration) -> Bool {
        a.host == b.host && a.port == b.port && a.user == b.user && a.password == b.password && a.variable == b.variable
    }
}
