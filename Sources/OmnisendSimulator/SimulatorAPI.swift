import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Serves the Omnisend routes. Every request goes through the same steps: version header,
/// authentication and permission, the brand's rate limit, the fault plan, the operation, and the
/// ledger of answers by status.
struct SimulatorAPI: Sendable {
    let configuration: SimulatorConfiguration
    let store: SimulatorStore
    let limiter: RateLimiter
    let faults: FaultInjector
    let keys: [String: SimulatorKey]
    let requestLog: RequestLog

    init(configuration: SimulatorConfiguration, store: SimulatorStore, requestLog: RequestLog) {
        self.configuration = configuration
        self.store = store
        self.requestLog = requestLog
        let window = configuration.rateLimitWindow.components
        limiter = RateLimiter(
            limit: configuration.rateLimitPerMinute, clock: configuration.clock,
            window: Double(window.seconds) + Double(window.attoseconds) / 1e18)
        faults = FaultInjector(plan: configuration.faults, seed: configuration.seed)
        var keys: [String: SimulatorKey] = [:]
        for key in configuration.allKeys where keys[key.key] == nil { keys[key.key] = key }
        self.keys = keys
    }

    /// Registers the routes of every version on `router`.
    func register(on router: Router<SimulatorRequestContext>) {
        for version in SimulatorAPIVersion.allCases {
            let prefix = "/" + version.pathPrefix
            router.post("\(prefix)/batches") { request, context in
                await serve(request, context, version, .createBatch)
            }
            router.get("\(prefix)/batches") { request, context in
                await serve(request, context, version, .listBatches)
            }
            router.get("\(prefix)/batches/:id") { request, context in
                await serve(request, context, version, .getBatch(id: context.parameters.get("id") ?? ""))
            }
            router.get("\(prefix)/batches/:id/items") { request, context in
                await serve(request, context, version, .getBatchItems(id: context.parameters.get("id") ?? ""))
            }
            if !version.usesProblemDetails {
                router.get("\(prefix)/batches/:id/items/:item") { request, context in
                    await serve(
                        request, context, version,
                        .getBatchItem(id: context.parameters.get("id") ?? "", itemID: context.parameters.get("item") ?? ""))
                }
            }
            router.post("\(prefix)/contacts") { request, context in
                await serve(request, context, version, .createContact)
            }
            router.get("\(prefix)/contacts") { request, context in
                await serve(request, context, version, .listContacts)
            }
            router.get("\(prefix)/contacts/:id") { request, context in
                await serve(request, context, version, .getContact(id: context.parameters.get("id") ?? ""))
            }
        }
    }

    /// Runs one request through the pipeline and records its answer in the ledger.
    func serve(_ request: Request, _ context: SimulatorRequestContext, _ version: SimulatorAPIVersion, _ route: SimulatorRoute) async -> Response {
        let arrived = configuration.clock.now()
        let (response, status) = await answer(request, context, version, route)
        requestLog.record(RequestLog.Entry(
            at: arrived.timeIntervalSince1970, method: request.method.rawValue, path: request.uri.path, status: status,
            query: request.uri.query.flatMap { $0.isEmpty ? nil : $0 }))
        return response
    }

    /// The answer to one request and its ledger status (`"200"`, `"429"`, `"dropped"`…).
    private func answer(
        _ request: Request, _ context: SimulatorRequestContext, _ version: SimulatorAPIVersion, _ route: SimulatorRoute
    ) async -> (Response, String) {
        var rateHeaders: RateLimiter.Decision?
        var response: Response
        do {
            let key = try authenticate(request, version: version, route: route)
            let decision = limiter.admit(brand: key.brand)
            if limiter.isEnabled && !version.usesProblemDetails { rateHeaders = decision }
            guard decision.admitted else {
                throw APIError(status: 429, detail: version.usesProblemDetails ? "You have exceeded \(decision.limit) requests per minute for this brand." : nil, retryAfter: decision.resetSeconds)
            }
            let fault = faults.nextRequestFault()
            switch fault {
            case .status500: throw APIError(status: 500)
            case .status503: throw APIError(status: 503)
            case .status408: throw APIError(status: 408)
            case .status429:
                // As a real refusal: nothing left, and the reset says when to come back.
                rateHeaders?.remaining = 0
                rateHeaders?.resetSeconds = configuration.faultRetryAfterSeconds
                throw APIError(status: 429, retryAfter: configuration.faultRetryAfterSeconds)
            case .dropBefore:
                return (await drop(context), "dropped")
            case .slow:
                try? await Task.sleep(for: configuration.slowResponseDelay)
            default:
                break
            }
            let hidden = fault == .storeLate ? configuration.storeLateDelay : nil
            response = try await perform(route, request: request, brand: key.brand, version: version, hiddenFor: hidden)
            switch fault {
            case .dropAfter, .storeLate: return (await drop(context), "dropped")
            case .store502: throw APIError(status: 502)
            case .store504: throw APIError(status: 504)
            default: break
            }
        } catch let error as APIError {
            response = error.response(version: version)
            if error.status == 429, configuration.retryAfterHeader, let seconds = error.retryAfter {
                response.headers[.retryAfter] = String(seconds)
            }
        } catch {
            configuration.logger.error("request failed", metadata: ["error": "\(error)"])
            response = APIError(status: 500).response(version: version)
        }
        if let rateHeaders {
            response.headers[HTTPField.Name("X-Rate-Limit-Limit")!] = String(rateHeaders.limit)
            response.headers[HTTPField.Name("X-Rate-Limit-Remaining")!] = String(rateHeaders.remaining)
            response.headers[HTTPField.Name("X-Rate-Limit-Reset")!] = String(rateHeaders.resetSeconds)
        }
        let status = String(response.status.code)
        try? await store.recordRequest(status: status)
        return (response, status)
    }

    /// Closes the connection without an answer (the write of the returned response fails).
    private func drop(_ context: SimulatorRequestContext) async -> Response {
        try? await store.recordRequest(status: "dropped")
        try? await context.channel.close()
        return Response(status: .internalServerError)
    }

    /// The key of the request, checked against the route's permission.
    private func authenticate(_ request: Request, version: SimulatorAPIVersion, route: SimulatorRoute) throws -> SimulatorKey {
        var presented: String?
        if version.usesProblemDetails {
            if configuration.requireVersionHeader {
                let header = request.headers[HTTPField.Name("Omnisend-Version")!]
                guard let header else {
                    throw APIError(status: 400, detail: "The Omnisend-Version header is required.",
                                   problems: [FieldProblem(field: "Omnisend-Version", code: "required", message: "header is required")])
                }
                guard header == SimulatorAPIVersion.v2026_03_15.rawValue else {
                    throw APIError(status: 400, detail: "Unsupported API version.",
                                   problems: [FieldProblem(field: "Omnisend-Version", code: "invalid_value", message: "supported versions: 2026-03-15")])
                }
            }
            if let authorization = request.headers[.authorization] {
                let scheme = "Omnisend-API-Key "
                if authorization.hasPrefix(scheme) {
                    presented = String(authorization.dropFirst(scheme.count)).trimmingWhitespace()
                } else {
                    presented = ""
                }
            }
        } else {
            presented = request.headers[HTTPField.Name("X-API-KEY")!]
        }
        guard let presented, !presented.isEmpty else { throw APIError(status: 401) }
        guard let key = keys[presented] else { throw APIError(status: configuration.unknownKeyStatus == 403 ? 403 : 401) }
        if !route.requiredScopes.allSatisfy(key.allows) { throw APIError(status: 403) }
        return key
    }

    private func perform(
        _ route: SimulatorRoute, request: Request, brand: String, version: SimulatorAPIVersion, hiddenFor: Duration? = nil
    ) async throws -> Response {
        switch route {
        case .createBatch: return try await createBatch(request, brand: brand, version: version, hiddenFor: hiddenFor)
        case .listBatches: return try await listBatches(request, brand: brand, version: version)
        case .getBatch(let id): return try await getBatch(id, brand: brand, version: version)
        case .getBatchItems(let id): return try await getBatchItems(request, id: id, brand: brand, version: version)
        case .getBatchItem(let id, let itemID): return try await getBatchItem(id, itemID: itemID, brand: brand, version: version)
        case .createContact: return try await createContact(request, brand: brand, version: version)
        case .listContacts: return try await listContacts(request, brand: brand, version: version)
        case .getContact(let id): return try await getContact(id, brand: brand, version: version)
        }
    }

    /// The request body, at most ``SimulatorConfiguration/maxBodyBytes`` bytes (413 above).
    func collectBody(_ request: Request) async throws -> [UInt8] {
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge()
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge()
        }
    }

    private func tooLarge() -> APIError {
        APIError(status: 413, problems: [
            FieldProblem(field: "body", code: "too_large", message: "must be at most \(configuration.maxBodyBytes) bytes"),
        ])
    }
}
