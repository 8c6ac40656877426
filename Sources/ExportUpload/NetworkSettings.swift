import AsyncHTTPClient
import ExportCore
import Foundation
import NIOSSL

/// How the uploader's HTTP client reaches the destination: through a proxy (from the
/// environment, `ProxyConfiguration`) and with extra trusted CA certificates (`destination.ca_file`).
public struct NetworkSettings: Sendable, Equatable {
    /// The proxy, or `nil` for direct connections.
    public var proxy: ProxyConfiguration?
    /// A PEM file of CA certificates added to the system's trust roots.
    public var caFile: String?

    /// Direct connections, system trust roots only.
    public static let direct = NetworkSettings()

    /// Creates settings.
    public init(proxy: ProxyConfiguration? = nil, caFile: String? = nil) {
        self.proxy = proxy
        self.caFile = caFile
    }

    /// The settings for requests to `baseURL`: the proxy the environment names for it, and the CA bundle.
    /// - Throws: `ExportError.config` naming the proxy variable or the CA file when either is unusable.
    public static func resolve(baseURL: String, caFile: String?, environment: [String: String]) throws -> NetworkSettings {
        var settings = NetworkSettings(caFile: caFile)
        do {
            settings.proxy = try ProxyConfiguration.resolve(for: baseURL, environment: environment)
        } catch {
            throw ExportError(.config, error.description)
        }
        if let caFile {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                if certificates.isEmpty { throw ExportError(.config, "no certificate in the CA bundle", path: caFile) }
            } catch let error as ExportError {
                throw error
            } catch {
                throw ExportError(.config, "destination.ca_file is not a PEM bundle of CA certificates", path: caFile, cause: error)
            }
        }
        return settings
    }

    /// Applies the settings to an AsyncHTTPClient configuration.
    func apply(to configuration: inout HTTPClient.Configuration) {
        if let proxy {
            let authorization = proxy.credentials.map { HTTPClient.Authorization.basic(username: $0.user, password: $0.password) }
            configuration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        if let caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = [.file(caFile)]
            configuration.tlsConfiguration = tls
        }
    }
}
