import AsyncHTTPClient
import ExportCore
import Foundation
import NIOCore
import NIOHTTP1

/// Talks HTTP to one Omnisend API version: headers per version, timeouts, connection reuse
/// (one AsyncHTTPClient pool for the whole upload). Knows nothing of retries or the rate limit.
public final class OmnisendClient: Sendable {
    /// The base URL, without a trailing slash (`https://api.omnisend.com/v5`).
    public let baseURL: String
    /// The API version.
    public let apiVersion: APIVersion
    private let key: APIKey
    private let http: HTTPClient
    private let requestTimeout: TimeAmount

    /// Creates a client.
    /// - Parameters:
    ///   - connectTimeout: seconds to establish a connection.
    ///   - requestTimeout: seconds for one whole request (Omnisend recommends 10 s for synchronous calls).
    ///   - network: the proxy and extra CA certificates (`NetworkSettings.resolve`).
    public init(
        baseURL: String, apiVersion: APIVersion, key: APIKey, connectTimeout: Double = 10, requestTimeout: Double = 30,
        network: NetworkSettings = .direct
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiVersion = apiVersion
        self.key = key
        self.requestTimeout = .milliseconds(Int64(requestTimeout * 1000))
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(
            connect: .milliseconds(Int64(connectTimeout * 1000)), read: .milliseconds(Int64(requestTimeout * 1000)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 8)
        configuration.httpVersion = .automatic
        configuration.redirectConfiguration = .disallow
        network.apply(to: &configuration)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the connection pool; call once at the end.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// `POST /batches` with the chunk's exact bytes.
    public func postBatch(_ body: [UInt8]) async -> RetryPolicy.Outcome {
        await send(.POST, path: "/batches", body: body)
    }

    /// `GET /batches/{id}`.
    public func getBatch(_ batchID: String) async -> RetryPolicy.Outcome {
        await send(.GET, path: "/batches/\(Self.escape(batchID))")
    }

    /// `GET /batches/{id}/items`, optionally one page of it.
    public func getBatchItems(_ batchID: String, query: String? = nil) async -> RetryPolicy.Outcome {
        await send(.GET, path: "/batches/\(Self.escape(batchID))/items" + (query.map { "?\($0)" } ?? ""))
    }

    /// `GET /batches?endpoint=contacts&dateFrom=…` plus paging parameters.
    public func listBatches(query: String) async -> RetryPolicy.Outcome {
        await send(.GET, path: "/batches?\(query)")
    }

    /// Sends a request to an absolute URL on the same host (a `paging.next` link).
    public func get(absoluteURL: String) async -> RetryPolicy.Outcome {
        guard absoluteURL.hasPrefix(baseURL) else {
            return .networkError("refusing to follow a paging link to another host")
        }
        return await send(.GET, path: String(absoluteURL.dropFirst(baseURL.count)))
    }

    private func send(_ method: HTTPMethod, path: String, body: [UInt8]? = nil) async -> RetryPolicy.Outcome {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "omnisend-export/\(ToolVersion.current)")
        switch apiVersion {
        case .v3, .v5:
            request.headers.add(name: "X-API-KEY", value: key.headerValue)
        case .v2026_03_15:
            request.headers.add(name: "Authorization", value: "Omnisend-API-Key \(key.headerValue)")
            request.headers.add(name: "Omnisend-Version", value: APIVersion.v2026_03_15.rawValue)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await http.execute(request, timeout: requestTimeout)
            var buffer = try await response.body.collect(upTo: 64 << 20)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            var headers: [String: String] = [:]
            for header in response.headers where headers[header.name.lowercased()] == nil {
                headers[header.name.lowercased()] = header.value
            }
            return .answer(HTTPAnswer(status: Int(response.status.code), headers: headers, body: bytes))
        } catch is CancellationError {
            return .networkError("cancelled")
        } catch {
            let message = key.redact(String(describing: error))
            return Self.isConnectFailure(error) ? .notConnected("could not connect: \(message)") : .networkError(message)
        }
    }

    /// Whether `error` says no connection was made (so the request never left): refused,
    /// unreachable, or the connect timeout.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        // NIOPosix's happy-eyeballs error (every address refused), named to avoid a NIOPosix import.
        if String(reflecting: type(of: error)).hasSuffix("NIOConnectionError") { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        if let error = error as? IOError {
            return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode)
        }
        return false
    }

    private static func escape(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "+&=/?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
