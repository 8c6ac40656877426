import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
@testable import OmnisendSimulator

/// One answer, read whole.
struct HTTPAnswer {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    /// The body parsed as a JSON object (empty when it is not one).
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
}

/// Real HTTP over loopback with AsyncHTTPClient.
enum TestHTTP {
    static func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: String? = nil, timeout: TimeAmount = .seconds(30)
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 256 << 20)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: String(buffer: buffer))
    }

    /// Auth headers of a version.
    static func auth(_ version: SimulatorAPIVersion, key: String = "test-key") -> [(String, String)] {
        version.usesProblemDetails
            ? [("Authorization", "Omnisend-API-Key \(key)"), ("Omnisend-Version", "2026-03-15")]
            : [("X-API-KEY", key)]
    }

    /// A valid contact item for `email`.
    static func contact(_ email: String, status: String = "subscribed", date: String = "2024-01-02T03:04:05Z", extra: String = "") -> String {
        "{\"identifiers\":[{\"type\":\"email\",\"id\":\"\(email)\",\"channels\":{\"email\":{\"status\":\"\(status)\",\"statusDate\":\"\(date)\"}}}]\(extra)}"
    }

    /// A `POST /batches` body of these items.
    static func batch(_ items: [String]) -> String {
        "{\"method\":\"POST\",\"endpoint\":\"contacts\",\"items\":[\n" + items.joined(separator: ",\n") + "\n]}"
    }

    /// A simulator on an ephemeral port with no worker delay and no rate limit unless configured.
    static func start(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) async throws -> RunningSimulator {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.rateLimitPerMinute = 0
        configuration.batchProcessingDelay = .zero
        configure(&configuration)
        return try await Simulator.start(configuration)
    }

    /// Polls `GET /batches/{id}` until the batch is `finished` or `stopped`.
    static func waitForBatch(_ simulator: RunningSimulator, _ version: SimulatorAPIVersion, _ id: String, key: String = "test-key") async throws -> [String: Any] {
        for _ in 0..<2000 {
            let answer = try await send(.GET, simulator.baseURL(for: version) + "/batches/\(id)", headers: auth(version, key: key))
            let status = answer.object["status"] as? String
            if status == "finished" || status == "stopped" { return answer.object }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw CancellationError()
    }
}
