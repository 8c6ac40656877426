import ExportCore
import Foundation
import Hummingbird

/// An error answer, rendered in the version's style: `{"error", "fields"}` for v3/v5 (with the
/// default wording of Omnisend's v3 OpenAPI), an RFC 9457 problem for 2026-03-15.
struct APIError: Error, Sendable {
    var status: Int
    /// The detail; `nil` takes the status's default wording.
    var detail: String?
    var problems: [FieldProblem] = []
    /// Seconds to wait (429 only).
    var retryAfter: Int?

    init(status: Int, detail: String? = nil, problems: [FieldProblem] = [], retryAfter: Int? = nil) {
        self.status = status
        self.detail = detail
        self.problems = problems
        self.retryAfter = retryAfter
    }

    /// The v3 OpenAPI wording per status (typos as published); our own wording for the codes it omits.
    static func v3Text(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request - invalid parameters, fields or filters"
        case 401: return "Unauthorized - authorization error (invalid basic auth data or API key)"
        case 403: return "Forbidden – The server understood the request, but is refusing it (blocked due to many errors in particular time) or the access is not allowed."
        case 404: return " Not found – There is no resource behind the URI."
        case 408: return "Request timeout"
        case 413: return "Payload Too Large - the request body is larger than the limit"
        case 422: return "Unprocessable Entity – used if the server cannot process the enitity, e.g. mandatory fields are missing in the payload."
        case 429: return " to many requests (rate limit) - current "
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable - temporary overloading or maintenance"
        case 504: return "Gateway Timeout"
        default: return "Internal Server Error"
        }
    }

    /// The RFC 9457 `type` slug and `title` per status.
    static func problemKind(_ status: Int, validation: Bool) -> (String, String) {
        switch status {
        case 400: return validation ? ("validation-failed", "Validation failed") : ("bad-request", "Bad request")
        case 401: return ("unauthorized", "Authentication is missing or invalid")
        case 403: return ("forbidden", "Insufficient permissions for this operation")
        case 404: return ("not-found", "Not found")
        case 408: return ("request-timeout", "Request timeout")
        case 413: return ("payload-too-large", "Payload too large")
        case 429: return ("rate-limit-exceeded", "Rate limit exceeded")
        case 502: return ("bad-gateway", "Bad gateway")
        case 503: return ("service-unavailable", "Service unavailable")
        case 504: return ("gateway-timeout", "Gateway timeout")
        default: return ("internal-error", "Internal server error")
        }
    }

    /// The body and content type for `version`.
    func body(version: SimulatorAPIVersion) -> (String, String) {
        if version.usesProblemDetails {
            let (slug, title) = Self.problemKind(status, validation: !problems.isEmpty)
            var fields = [
                "\"type\":\(JSONText.quoted("https://problems.omnisend.com/" + slug))",
                "\"title\":\(JSONText.quoted(title))",
                "\"status\":\(status)",
                "\"detail\":\(JSONText.quoted(detail ?? (problems.isEmpty ? title : "One or more fields are invalid.")))",
                "\"instance\":\(JSONText.quoted("urn:omnisend:request:" + UUID().uuidString.lowercased()))",
            ]
            if !problems.isEmpty {
                let errors = problems.map {
                    "{\"field\":\(JSONText.quoted($0.field)),\"code\":\(JSONText.quoted($0.code)),\"message\":\(JSONText.quoted($0.message))}"
                }
                fields.append("\"errors\":[\(errors.joined(separator: ","))]")
            }
            if let retryAfter { fields.append("\"retryAfter\":\(retryAfter)") }
            return ("{" + fields.joined(separator: ",") + "}", "application/problem+json")
        }
        var text = "{\"error\":\(JSONText.quoted(detail ?? Self.v3Text(status)))"
        if !problems.isEmpty {
            var grouped: [(String, [String])] = []
            for problem in problems {
                if let index = grouped.firstIndex(where: { $0.0 == problem.field }) {
                    grouped[index].1.append(problem.message)
                } else {
                    grouped.append((problem.field, [problem.message]))
                }
            }
            let fields = grouped.map { field, messages in
                "\(JSONText.quoted(field)):[\(messages.map(JSONText.quoted).joined(separator: ","))]"
            }
            text += ",\"fields\":{\(fields.joined(separator: ","))}"
        }
        return (text + "}", "application/json")
    }

    func response(version: SimulatorAPIVersion) -> Response {
        let (text, contentType) = body(version: version)
        return Response.json(status: status, text: text, contentType: contentType)
    }
}

extension Response {
    /// A response with a JSON text body.
    static func json(status: Int, text: String, contentType: String = "application/json") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A response with a JSON body given as UTF-8 bytes.
    static func json(status: Int, bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
