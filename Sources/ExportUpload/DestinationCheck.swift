import ExportCore
import Foundation

/// The destination check run by `check --destination` and as the first step of `run` and
/// `upload`: one or two cheap requests that find a bad key, a missing permission or a wrong API
/// version before any work is wasted.
///
/// 1. `GET /batches?endpoint=contacts&limit=1`: the key is accepted (401/403 named), the API
///    version answers (404/410 named), and, where the version sends `X-Rate-Limit-*` headers,
///    the rate budget left in the window.
/// 2. Unless disabled (`write_probe: false`, `--no-write-probe`): `POST /batches` with no items.
///    Omnisend validates the body only after the permission, so 400 means writing is allowed and
///    403 that it is not. This is an inference, and the report says so; nothing is stored.
///
/// Transient answers (5xx, 408, network errors) are tried three times; a 429 leaves the check
/// inconclusive rather than failed.
public struct DestinationCheck: Sendable {
    /// Why the destination cannot be used.
    public enum Problem: Sendable, Equatable {
        /// The key was refused (401, or 403 on every request): exit 77.
        case keyRefused(String)
        /// The key is accepted but lacks a permission the upload needs: exit 6.
        case missingPermission(String)
        /// The base URL or API version does not answer (404, 410): exit 78.
        case versionUnavailable(String)
        /// No usable answer (network error, 5xx): exit 75.
        case unreachable(String)
    }

    /// The findings.
    public struct Report: Sendable, Equatable {
        /// One line per finding, for the terminal.
        public var lines: [String] = []
        /// The first problem found; `nil` when the destination can be used.
        public var problem: Problem?
        /// `X-Rate-Limit-Limit`, when the version sends it.
        public var rateLimit: Int?
        /// `X-Rate-Limit-Remaining`, when the version sends it.
        public var rateRemaining: Int?
        /// Requests the check sent.
        public var requests = 0
    }

    /// Where to check.
    public let target: UploadTarget
    /// Whether to send the write probe.
    public let probeWrite: Bool
    /// Rate limit, share and timeouts (for the estimate and the requests).
    public let options: UploadOptions

    /// A check of `target`.
    public init(target: UploadTarget, probeWrite: Bool, options: UploadOptions) {
        self.target = target
        self.probeWrite = probeWrite
        self.options = options
    }

    /// Runs the check; `openChunks`, when known, adds the upload's estimated duration.
    public func run(openChunks: Int? = nil) async -> Report {
        let client = OmnisendClient(
            baseURL: target.baseURL, apiVersion: target.apiVersion, key: target.key,
            // Generous even under a short --request-timeout: a slow answer is still an answer.
            connectTimeout: min(options.connectTimeout, 10), requestTimeout: min(max(options.requestTimeout, 10), 30),
            network: options.network)
        var report = Report()
        await check(client, into: &report, openChunks: openChunks)
        await client.shutdown()
        return report
    }

    private func check(_ client: OmnisendClient, into report: inout Report, openChunks: Int?) async {
        let version = target.apiVersion.rawValue
        let read = await send(into: &report) { await client.listBatches(query: "endpoint=contacts&limit=1") }
        var readForbidden: HTTPAnswer?
        switch read {
        case .networkError(let message), .notConnected(let message):
            report.problem = .unreachable("\(target.baseURL) does not answer: \(message)")
            report.lines.append("connection: failed (\(message))")
            return
        case .answer(let answer):
            switch answer.status {
            case 200..<300:
                report.lines.append("key: accepted (GET /batches answered \(answer.status))")
                report.lines.append("API version \(version): answers at \(target.baseURL)")
            case 401:
                report.problem = .keyRefused("the API key was refused: \(answer.errorMessage) on GET /batches; check the key's value")
                report.lines.append("key: refused (HTTP 401 Unauthorized)")
                return
            case 403:
                readForbidden = answer
            case 404, 410:
                let meaning = answer.status == 410 ? "the API version has been retired" : "nothing answers there"
                report.problem = .versionUnavailable(
                    "API version \(version) does not answer at \(target.baseURL): \(answer.errorMessage) (\(meaning)); "
                        + "check the destination's api_version and base_url")
                report.lines.append("API version \(version): HTTP \(answer.status) (\(meaning))")
                return
            case 429:
                report.lines.append("key: not checked (rate limited now: \(answer.errorMessage))")
            default:
                if answer.status >= 500 || answer.status == 408 {
                    report.problem = .unreachable("\(target.baseURL) answers \(answer.errorMessage) to GET /batches")
                    report.lines.append("connection: \(answer.errorMessage)")
                    return
                }
                report.lines.append("key: unclear (GET /batches answered \(answer.errorMessage))")
            }
            readRateHeaders(answer, into: &report)
        }
        if probeWrite {
            let body = Array(#"{"method":"POST","endpoint":"contacts","items":[]}"#.utf8)
            let write = await send(into: &report) { await client.postBatch(body) }
            guard case .answer(let answer) = write else {
                report.lines.append("write contacts: not checked (no answer to the probe)")
                if readForbidden != nil { report.problem = .keyRefused("the API key was refused: HTTP 403 on GET /batches") }
                return
            }
            switch answer.status {
            case 400, 422, 200..<300:
                report.lines.append(
                    "write contacts: allowed (inferred: an empty POST /batches answered \(answer.status), not 403; nothing was stored)")
                if readForbidden != nil {
                    report.problem = .missingPermission(
                        "the API key may write contacts but not read batches (HTTP 403 on GET /batches); "
                            + "give the key read permission for contacts (the upload polls its batches)")
                    report.lines.append("read batches: not allowed (HTTP 403)")
                    return
                }
            case 403:
                if readForbidden != nil {
                    report.problem = .keyRefused(
                        "the API key was refused: HTTP 403 on both GET and POST /batches (an unknown key, or a key with no permission for contacts)")
                    report.lines.append("key: refused (HTTP 403 Forbidden on every request)")
                    return
                }
                report.problem = .missingPermission(
                    "the API key may read but not write contacts (inferred: an empty POST /batches answered 403, not 400); "
                        + "give the key write permission for contacts, or set write_probe: false in the destination if this inference is wrong")
                report.lines.append("write contacts: not allowed (inferred: an empty POST /batches answered 403)")
                return
            case 401:
                report.problem = .keyRefused("the API key was refused: \(answer.errorMessage) on POST /batches")
                report.lines.append("key: refused (HTTP 401 Unauthorized)")
                return
            default:
                report.lines.append("write contacts: unclear (the empty POST /batches answered \(answer.errorMessage))")
            }
        } else {
            report.lines.append("write contacts: not probed (write_probe: false or --no-write-probe)")
            if readForbidden != nil {
                report.problem = .keyRefused("the API key was refused: HTTP 403 on GET /batches (an unknown key, or no read permission for contacts)")
                report.lines.append("key: refused (HTTP 403 Forbidden)")
                return
            }
        }
        if let limit = report.rateLimit, let remaining = report.rateRemaining {
            report.lines.append("rate budget: \(remaining) of \(limit) requests left in the current minute")
        } else {
            report.lines.append("rate budget: not reported by API \(version) (no X-Rate-Limit headers); assuming \(options.rateLimitPerMinute) a minute")
        }
        if let openChunks {
            let limit = report.rateLimit ?? options.rateLimitPerMinute
            let allowance = RateGovernor(limit: limit, share: options.rateShare).allowance
            let seconds = Uploader.estimate(chunks: openChunks, allowancePerMinute: allowance)
            report.lines.append(
                "estimated upload: \(openChunks) chunk(s), about \(DurationText.format(seconds)) at \(Int(options.rateShare * 100))% of "
                    + (limit == 0 ? "an unlimited rate" : "\(limit) requests a minute"))
        }
    }

    /// Sends with up to three attempts for transient failures.
    private func send(into report: inout Report, _ request: () async -> RetryPolicy.Outcome) async -> RetryPolicy.Outcome {
        var outcome = RetryPolicy.Outcome.networkError("not sent")
        for attempt in 1...3 {
            report.requests += 1
            outcome = await request()
            switch outcome {
            case .answer(let answer) where answer.status < 500 && answer.status != 408:
                return outcome
            default:
                if attempt < 3 { try? await Task.sleep(for: .milliseconds(200 * attempt)) }
            }
        }
        return outcome
    }

    private func readRateHeaders(_ answer: HTTPAnswer, into report: inout Report) {
        report.rateLimit = answer.headers["x-rate-limit-limit"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        report.rateRemaining = answer.headers["x-rate-limit-remaining"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
}
