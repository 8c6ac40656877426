import ExportCore
import ExportPrepare
import ExportTestSupport
import Foundation
import Testing

/// `check`'s consent effect, its warning about a constant `subscribed`, and a preview that shows
/// the row the dedupe policy keeps.
@Suite struct PipelineCheckConsentTests {
    static let csv = """
        Email,Consent,Date,Updated,Phone,Country
        ana@example.ro,unsubscribed,2025-06-01T10:00:00Z,2025-06-01,0722 123 456,RO
        ion@example.ro,no,,2024-01-01,,RO
        ANA@example.ro,yes,2024-01-01T10:00:00Z,2025-07-01,,RO
        eva@example.ro,unsubscribed,,2024-01-01,0151 23456789,Germany
        max@example.ro,yes,2024-03-01T10:00:00Z,2024-01-01,0151 2345678,Atlantis

        """

    static let mapping = """
        version: 1
        email: Email
        status: { column: Consent, transforms: [{ map: { yes: subscribed, no: nonSubscribed } }] }
        status_date: Date
        phone: { column: Phone, default_country_code: { column: Country } }

        """

    static func check(dedupe: String, mapping: String = Self.mapping, preview: Int = 10) throws -> PipelineCheckReport {
        let directory = try TemporaryDirectory(prefix: "check-consent")
        try directory.write("in.csv", csv)
        try directory.write("mapping.yaml", mapping)
        try directory.write("pipeline.yaml", "version: 1\ninputs: [in.csv]\ndedupe: \(dedupe)\nmapping: mapping.yaml\n")
        return PipelineCheck(
            pipelinePath: directory.path + "/pipeline.yaml", previewCount: preview, runDate: "2026-11-29", environment: [:]
        ).run()
    }

    @Test func thePreviewShowsTheRowTheDedupePolicyKeeps() throws {
        let first = try Self.check(dedupe: "first")
        #expect(first.isSound, "\(first.problemText)")
        #expect(first.preview.map(\.origin.line) == [2, 3, 5, 6])
        #expect(String(decoding: first.preview[0].json, as: UTF8.self).contains(#""status":"unsubscribed""#))
        // keep: newest by Updated: the later row for ana is the subscribed one, and it is what prepare sends.
        let newest = try Self.check(dedupe: "{ keep: newest, field: Updated }")
        #expect(newest.preview.map(\.origin.line) == [3, 4, 5, 6])
        #expect(String(decoding: newest.preview[1].json, as: UTF8.self).contains(
            #""id":"ana@example.ro","channels":{"email":{"status":"subscribed","statusDate":"2024-01-01T10:00:00Z"}}"#))
        #expect(try Self.check(dedupe: "last", preview: 1).preview.map(\.origin.line) == [3])
    }

    @Test func theConsentEffectCountsKeptContactsPerChannelAndDateSource() throws {
        let report = try Self.check(dedupe: "first")
        #expect(report.consent == [
            .init(channel: "email", status: "nonSubscribed", dateSource: "keep-existing", count: 1),
            .init(channel: "email", status: "subscribed", dateSource: "column", count: 1),
            .init(channel: "email", status: "unsubscribed", dateSource: "column", count: 1),
            .init(channel: "email", status: "unsubscribed", dateSource: "now", count: 1),
            .init(channel: "sms", status: "nonSubscribed", dateSource: "keep-existing", count: 2),
        ])
        #expect(report.consentWarnings.isEmpty)
        #expect(report.warnings.map(\.code) == ["phone_country_unknown"])
        let text = report.summary()
        #expect(text.contains("consent of the contacts prepare keeps (status, and where its date comes from):"))
        #expect(text.contains("  email  nonSubscribed  1  date: keep-existing (existing contacts keep their status; new ones get it)"))
        #expect(text.contains("  sms    nonSubscribed  2  date: keep-existing"))
    }

    @Test func aConstantSubscribedIsAWarningNotAProblem() throws {
        let mapping = "version: 1\nemail: Email\nstatus: { value: subscribed }\nstatus_date: Date\n"
        let report = try Self.check(dedupe: "first", mapping: mapping)
        #expect(report.isSound, "\(report.problemText)")
        let warning = try #require(report.consentWarnings.first)
        #expect(report.consentWarnings.count == 1)
        #expect(warning.line == 3 && warning.column == 9)
        #expect(warning.message == "status is the constant subscribed: every contact of the input is sent as subscribed to email")
        #expect(report.consentWarningText.contains(":3:9: warning: status is the constant subscribed"))
        #expect(report.consent.first == .init(channel: "email", status: "subscribed", dateSource: "column", count: 2))
        #expect(report.rejectReasons.map(\.code) == ["status_date_missing"])
    }

    /// Every bundled pipeline but the benchmark's (which reads `--input` and has no consent column)
    /// is sound and takes consent from a column with its date: no consent warning.
    @Test func everySamplePipelineChecksWithoutAConsentWarning() throws {
        let folder = SharedFolder.packageRoot + "/pipelines"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".yaml") && $0 != "benchmark.yaml" }.sorted()
        #expect(names.count >= 4)
        for name in names {
            let report = PipelineCheck(pipelinePath: folder + "/" + name, runDate: "2026-11-29", environment: [:]).run()
            #expect(report.isSound, "\(name): \(report.problemText)")
            #expect(report.consentWarnings.isEmpty, "\(name): \(report.consentWarningText)")
            let email = report.consent.filter { $0.channel == "email" }
            #expect(email.contains { $0.status == "subscribed" && $0.dateSource == "column" }, "\(name): \(report.consent)")
            #expect(!email.contains { $0.dateSource == "constant" }, "\(name): \(report.consent)")
        }
    }
}
