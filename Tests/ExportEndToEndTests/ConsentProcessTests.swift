import AsyncHTTPClient
import ExportTestSupport
import Foundation
import NIOCore
import Testing

/// Consent end to end: `run` with the binary against a simulator child process, several times
/// with conflicting statuses and dates, then the stored contacts read back.
@Suite(.serialized, .enabled(if: CLI.exists, "build the binary first: swift build --product omnisend-export"))
struct ConsentProcessTests {
    /// A pipeline reading `csv` with `mapping` (indented under `mapping:`), uploading to v5.
    private func pipeline(_ directory: TemporaryDirectory, name: String, csv: String, mapping: String) throws -> String {
        try directory.write("\(name).csv", csv)
        let indented = mapping.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        return try directory.write("\(name).yaml", """
            version: 1
            name: \(name)
            inputs: [\(name).csv]
            mapping:
            \(indented)
            destination: { api_version: v5, api_key_env: OMNISEND_API_KEY }

            """)
    }

    /// The stored status of each channel of `email` (`email`, `sms`).
    private func stored(_ email: String, simulator: SimulatorProcess, key: String) async throws -> [String: String] {
        var request = HTTPClientRequest(url: simulator.v5 + "/contacts?email=" + email)
        request.headers.add(name: "X-API-KEY", value: key)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        let contact = try #require((object?["contacts"] as? [[String: Any]])?.first, "\(email) is not stored")
        var out: [String: String] = [:]
        for identifier in contact["identifiers"] as? [[String: Any]] ?? [] {
            for (name, channel) in identifier["channels"] as? [String: Any] ?? [:] {
                out[name] = (channel as? [String: Any])?["status"] as? String
            }
        }
        return out
    }

    static let withConsent = """
        email: Email
        status: { column: Consent }
        status_date: Date
        phone:
          column: Phone
          default_country_code: "40"
          sms_status: { column: Sms }
          sms_status_date: SmsDate
        """

    static let withoutConsent = """
        email: Email
        first_name: Name
        phone: { column: Phone, default_country_code: "40" }
        """

    @Test func conflictingUploadsKeepEveryLaterDecision() async throws {
        let key = "consent-key-\(UUID().uuidString)"
        let simulator = try SimulatorProcess(key: key)
        defer { simulator.stop() }
        let env = ["OMNISEND_API_KEY": key]
        let directory = try TemporaryDirectory(prefix: "consent")
        func run(_ pipeline: String) throws -> CLI.Result {
            let folder = CLI.scratch("consent-run")
            return try CLI.run(["run", pipeline, "--out", folder, "--base-url", simulator.v5], environment: env, scratch: folder)
        }

        // 1. The first decisions, with their dates.
        let first = try pipeline(directory, name: "first", csv: """
            Email,Consent,Date,Phone,Sms,SmsDate
            una@example.com,unsubscribed,2025-06-01T00:00:00Z,,,
            sub@example.com,subscribed,2024-01-01T00:00:00Z,0722 123 456,subscribed,2024-01-01T00:00:00Z
            chg@example.com,subscribed,2024-01-01T00:00:00Z,,,
            now@example.com,subscribed,2024-01-01T00:00:00Z,,,

            """, mapping: Self.withConsent)
        let one = try run(first)
        #expect(one.status == 0, "\(one.output)")
        #expect(try await stored("sub@example.com", simulator: simulator, key: key) == ["email": "subscribed", "sms": "subscribed"])

        // 2. A mapping without any consent, the phone included: nothing changes status.
        let plain = try pipeline(directory, name: "plain", csv: """
            Email,Name,Phone
            sub@example.com,Sub,0722 123 456
            una@example.com,Una,
            fresh@example.com,Fresh,0733 000 111

            """, mapping: Self.withoutConsent)
        let two = try run(plain)
        #expect(two.status == 0, "\(two.output)")
        #expect(try await stored("sub@example.com", simulator: simulator, key: key) == ["email": "subscribed", "sms": "subscribed"])
        #expect(try await stored("una@example.com", simulator: simulator, key: key) == ["email": "unsubscribed"])
        #expect(try await stored("fresh@example.com", simulator: simulator, key: key) == ["email": "nonSubscribed", "sms": "nonSubscribed"])

        // 3. Conflicting decisions: an older subscribe loses, a newer unsubscribe wins, an
        // unsubscribe without a date is "now", a subscribe without a date is rejected.
        let third = try pipeline(directory, name: "third", csv: """
            Email,Consent,Date,Phone,Sms,SmsDate
            una@example.com,subscribed,2024-03-01T00:00:00Z,,,
            chg@example.com,unsubscribed,2025-09-01T00:00:00Z,,,
            now@example.com,unsubscribed,,,,
            sub@example.com,subscribed,,,,

            """, mapping: Self.withConsent)
        let three = try run(third)
        #expect(three.status == 0, "\(three.output)")
        #expect(try await stored("una@example.com", simulator: simulator, key: key) == ["email": "unsubscribed"])
        #expect(try await stored("chg@example.com", simulator: simulator, key: key) == ["email": "unsubscribed"])
        #expect(try await stored("now@example.com", simulator: simulator, key: key) == ["email": "unsubscribed"])
        #expect(try await stored("sub@example.com", simulator: simulator, key: key) == ["email": "subscribed", "sms": "subscribed"])

        // 4. A newer dated subscribe wins over the unsubscribe of step 3.
        let fourth = try pipeline(directory, name: "fourth", csv: """
            Email,Consent,Date,Phone,Sms,SmsDate
            chg@example.com,subscribed,2025-10-01T00:00:00Z,,,

            """, mapping: Self.withConsent)
        let four = try run(fourth)
        #expect(four.status == 0, "\(four.output)")
        #expect(try await stored("chg@example.com", simulator: simulator, key: key) == ["email": "subscribed"])
    }

    @Test func prepareRefusesAStatusWithoutItsDateAtItsPlace() throws {
        let directory = try TemporaryDirectory(prefix: "consent-refuse")
        let pipeline = try pipeline(directory, name: "nodate", csv: "Email,Consent\na@example.com,subscribed\n",
            mapping: "email: Email\nstatus: { column: Consent }\n")
        let folder = CLI.scratch("consent-refuse")
        let prepared = try CLI.run(["prepare", pipeline, "--out", folder], scratch: folder)
        #expect(prepared.status != 0)
        #expect(prepared.stderr.contains("nodate.yaml:6:11: status is mapped without status_date"), "\(prepared.output)")
        let checked = try CLI.run(["check", pipeline], scratch: folder)
        #expect(checked.status == 1)
        #expect(checked.stderr.contains("nodate.yaml:6:11: status is mapped without status_date"), "\(checked.output)")
    }
}
