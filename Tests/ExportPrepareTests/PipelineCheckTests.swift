import ExportCore
import ExportPrepare
import ExportTestSupport
import Foundation
import Testing

/// A temporary folder with `in.csv`, a mapping and a pipeline reading it, for `PipelineCheck`.
private final class CheckFixture {
    let directory: TemporaryDirectory
    var root: String { directory.path }
    var pipeline: String { root + "/pipeline.yaml" }
    var mapping: String { root + "/mapping.yaml" }

    init(csv: String, mapping: String, inputs: String = "  - in.csv") throws {
        directory = try TemporaryDirectory(prefix: "check")
        try directory.write("in.csv", csv)
        try directory.write("mapping.yaml", mapping)
        try directory.write("pipeline.yaml", "version: 1\ninputs:\n\(inputs)\nmapping: mapping.yaml\n")
    }

    func check(sample: Int = 1000, preview: Int = 3) -> PipelineCheckReport {
        PipelineCheck(pipelinePath: pipeline, sampleSize: sample, previewCount: preview, runDate: "2026-11-29", environment: [:])
            .run()
    }
}

private let people = """
    Email,FirstName,Phone,Consent,Sex,Points,Segment,Date
    ana@example.ro,Ana,0722 123 456,yes,F,,VIP,2024-05-01T10:00:00Z
    ion@example.ro,Ion,,no,M,,VIP,
    bad-address,Bad,,yes,F,,VIP,2024-05-02T10:00:00Z
    ,Nobody,,yes,M,,VIP,2024-05-03T10:00:00Z
    test@example.ro,Test,0722 000 000,yes,F,,TEST,2024-05-04T10:00:00Z
    ANA@example.ro,Ana again,,yes,F,,VIP,2025-01-01T10:00:00Z

    """

private let peopleMapping = """
    version: 1
    email: Email
    status: { column: Consent, transforms: [{ map: { yes: subscribed, no: nonSubscribed } }] }
    status_date: Date
    phone: { column: Phone, default_country_code: "40" }
    first_name: FirstName
    gender: { column: Sex, transforms: [lower] }
    where:
      - { column: Segment, not_equals: TEST }

    """

@Suite struct PipelineCheckTests {
    static let root = SharedFolder.packageRoot

    @Test func theCustomerInsightsSampleIsSound() {
        let report = PipelineCheck(
            pipelinePath: Self.root + "/pipelines/customer-insights.yaml", runDate: "2026-11-29", environment: [:]
        ).run()
        #expect(report.isSound, "\(report.problemText)")
        #expect(report.inputs.map(\.rows) == [30, 6])
        #expect(report.inputs.filter { !$0.complete }.isEmpty)
        #expect(report.rows == 36)
        #expect(report.contacts == 29)
        #expect(report.duplicates == 1)
        #expect(report.filtered == 3)
        #expect(report.rejectReasons.map(\.code).sorted()
            == ["email_invalid", "email_missing", "required_field_missing", "status_date_invalid"])
        #expect(report.warnings.map(\.code).sorted() == ["birthdate_invalid", "country_code_unknown", "phone_invalid"])
        #expect(report.problemText == "no problems found")
    }

    @Test func aColumnTheHeaderLacksIsLocatedInTheMappingWithADidYouMean() throws {
        let fixture = try CheckFixture(csv: people, mapping: peopleMapping.replacingOccurrences(
            of: "first_name: FirstName", with: "first_name: FirstNmae"))
        let report = fixture.check()
        #expect(!report.isSound)
        let problem = try #require(report.problems.first { $0.message.contains("FirstNmae") })
        #expect(problem.file == fixture.mapping)
        #expect(problem.line == 6 && problem.column == 13)
        #expect(problem.message == "column 'FirstNmae' is not in the header of \(fixture.root)/in.csv")
        #expect(problem.hint == "did you mean 'FirstName'?")
        #expect(problem.description.hasPrefix("\(fixture.mapping):6:13: column 'FirstNmae'"))
        // The rest of the check still ran.
        #expect(report.rows == 6)
    }

    @Test func aNumberPropertyOnAColumnEmptyInEverySampledRowIsReported() throws {
        let fixture = try CheckFixture(
            csv: people, mapping: peopleMapping + "custom_properties:\n  points: { column: Points, type: number }\n")
        let report = fixture.check()
        let problem = try #require(report.problems.first)
        #expect(report.problems.count == 1)
        #expect(problem.file == fixture.mapping && problem.line == 11 && problem.column == 11)
        #expect(problem.message.hasPrefix("custom property 'points' (number) is empty in all 5 sampled rows"))
        #expect(problem.message.hasSuffix("(sample of \(fixture.root)/in.csv)"))
    }

    @Test func aTypedPropertyOnAMissingColumnIsReportedOnceAsAMissingColumn() throws {
        let fixture = try CheckFixture(
            csv: people, mapping: peopleMapping + "custom_properties:\n  points: { column: Score, type: number }\n")
        let report = fixture.check()
        #expect(report.problems.map(\.message) == ["column 'Score' is not in the header of \(fixture.root)/in.csv"])
    }

    @Test func aNewestDedupeFieldTheHeaderLacksIsReportedInThePipeline() throws {
        let fixture = try CheckFixture(csv: people, mapping: peopleMapping)
        try fixture.directory.write(
            "pipeline.yaml", "version: 1\ninputs: [in.csv]\ndedupe: { keep: newest, field: UpdatedAt }\nmapping: mapping.yaml\n")
        let problems = fixture.check().problems
        #expect(problems.count == 1)
        #expect(problems.first?.file == fixture.pipeline && problems.first?.line == 3 && problems.first?.column == 32)
        #expect(problems.first?.message == "dedupe field 'UpdatedAt' is not in the header of \(fixture.root)/in.csv")
    }

    @Test func aValueMapThatMissesSampledValuesIsReported() throws {
        let csv = people + "maybe@example.ro,May,,maybe,X,,VIP,2024-05-05T10:00:00Z\n"
        let report = try CheckFixture(csv: csv, mapping: peopleMapping).check()
        #expect(!report.isSound)
        let messages = report.problems.map(\.message)
        #expect(messages.contains { $0.hasPrefix("status gets 'maybe' in 1 of 6 sampled rows") })
        #expect(messages.contains { $0.hasPrefix("gender gets 'x' in 1 of 6 sampled rows") })
        #expect(report.rejectReasons.contains { $0.code == "status_invalid" && $0.count == 1 })
    }

    @Test func rejectReasonsFillRatesAndCountsAreThoseOfTheSample() throws {
        let fixture = try CheckFixture(csv: people, mapping: peopleMapping)
        let report = fixture.check()
        #expect(report.isSound, "\(report.problemText)")
        #expect(report.rows == 6 && report.contacts == 3 && report.filtered == 1 && report.duplicates == 1)
        #expect(report.rejectReasons == [
            .init(code: "email_invalid", count: 1, example: "\(fixture.root)/in.csv:4: no @"),
            .init(code: "email_missing", count: 1, example: "\(fixture.root)/in.csv:5: the email field is empty"),
        ])
        #expect(report.fillRates == [
            .init(field: "statusDate", filled: 2), .init(field: "phone", filled: 1), .init(field: "firstName", filled: 3), .init(field: "gender", filled: 3),
        ])
        let text = report.summary()
        #expect(text.contains("sample: 6 rows → 3 contacts (1 with an email seen earlier in the sample), 2 rejected, 1 filtered"))
        #expect(text.contains("  phone       1   33%"))
        #expect(text.contains("  email_missing  1  first: \(fixture.root)/in.csv:5: the email field is empty"))
    }

    @Test func thePreviewShowsTheFirstNContactsWithoutDuplicates() throws {
        let fixture = try CheckFixture(csv: people, mapping: peopleMapping)
        let two = fixture.check(preview: 2)
        #expect(two.preview.map(\.origin.line) == [2, 3])
        #expect(String(decoding: two.preview[0].json, as: UTF8.self).hasPrefix(
            #"{"identifiers":[{"type":"email","id":"ana@example.ro","channels":{"email":{"status":"subscribed","statusDate":"2024-05-01T10:00:00Z"}}"#))
        let text = two.summary()
        #expect(text.components(separatedBy: "\n── ").count == 3)
        #expect(text.contains("preview: the first 2 contacts, as prepare would write them"))
        #expect(text.contains(#"  "firstName": "Ana","#))
        let compact = two.summary(compactPreview: true).split(separator: "\n")
        #expect(compact.filter { $0.hasPrefix("\(fixture.root)/in.csv:") }.count == 2)
        // Asking for more than there are: the row with a repeated email is not previewed.
        #expect(fixture.check(preview: 10).preview.map(\.origin.line) == [2, 3])
        #expect(fixture.check(preview: 0).preview.isEmpty)
    }

    @Test func theSampleSizeBoundsTheRowsRead() throws {
        let report = try CheckFixture(csv: people, mapping: peopleMapping).check(sample: 2)
        #expect(report.rows == 2)
        #expect(report.inputs.first?.complete == false)
        #expect(report.summary().contains("2 rows (first rows only)"))
    }

    @Test func aLatin1InputIsTranscoded() throws {
        let latin1: [UInt8] = Array("Email,FirstName,Consent,Sex,Date\njose@example.es,Jos".utf8) + [0xE9]
            + Array(",yes,M,2024-01-01\nj@example.de,J".utf8) + [0xFC] + Array("rgen Wei".utf8) + [0xDF] + Array(",no,M,\n".utf8)
        let fixture = try CheckFixture(
            csv: "", mapping: peopleMapping.replacingOccurrences(of: "phone: { column: Phone, default_country_code: \"40\" }\n", with: "")
                .replacingOccurrences(of: "where:\n  - { column: Segment, not_equals: TEST }\n", with: ""),
            inputs: "  - { path: in.csv, csv: { encoding: latin-1 } }")
        try fixture.directory.write("in.csv", latin1)
        let report = fixture.check()
        #expect(report.isSound, "\(report.problemText)")
        let names = report.preview.map { String(decoding: $0.json, as: UTF8.self) }
        #expect(names.count == 2)
        #expect(names[0].contains(#""firstName":"José""#))
        #expect(names[1].contains(#""firstName":"Jürgen Weiß""#))

        // The same bytes read as UTF-8 are rejected row by row.
        try fixture.directory.write("pipeline.yaml", "version: 1\ninputs: [in.csv]\nmapping: mapping.yaml\n")
        let utf8 = fixture.check()
        #expect(utf8.rejectReasons.map(\.code) == ["invalid_utf8"])
        #expect(utf8.contacts == 0)
    }

    @Test func theLatin1SampleFileGivesCorrectlyTranscodedNames() {
        let report = PipelineCheck(
            pipelinePath: Self.root + "/pipelines/customer-insights.yaml", previewCount: 100, runDate: "2026-11-29",
            environment: [:]
        ).run()
        let latin = report.preview.filter { $0.origin.file.hasSuffix("customer-insights-latin1.csv") }
            .map { String(decoding: $0.json, as: UTF8.self) }
        #expect(latin.count == 6)
        for expected in [#""firstName":"François","lastName":"Lefèvre""#, #""firstName":"Jürgen","lastName":"Weiß""#,
            #""firstName":"Søren","lastName":"Bøgh""#, #""firstName":"Begoña","lastName":"Ibáñez""#] {
            #expect(latin.contains { $0.contains(expected) }, "\(expected)")
        }
    }

    @Test func aMissingInputIsAProblemLocatedInThePipeline() throws {
        let fixture = try CheckFixture(csv: people, mapping: peopleMapping, inputs: "  - in.csv\n  - gone.csv")
        let report = fixture.check()
        #expect(report.problems.count == 1)
        let problem = try #require(report.problems.first)
        #expect(problem.file == fixture.pipeline && problem.line == 4 && problem.column == 5)
        #expect(problem.message == "input 'gone.csv': no such file (looked for \(fixture.root)/gone.csv)")
        #expect(report.rows == 6)
    }

    @Test func aMissingInputIsLocatedAtItsEntryEvenWhenItsNameAppearsEarlier() throws {
        // The name first appears in a comment and inside a longer path: the problem points at the
        // entry the loader read, not at the first place the text occurs.
        let fixture = try CheckFixture(
            csv: people, mapping: peopleMapping, inputs: "  # gone.csv moved to archive/gone.csv\n  - in.csv\n  - \"gone.csv\"")
        let problem = try #require(fixture.check().problems.first)
        #expect(problem.file == fixture.pipeline && problem.line == 5 && problem.column == 5)
        #expect(problem.message.hasPrefix("input 'gone.csv': no such file"))
    }

    @Test func aNewestDedupeFieldIsLocatedAtItsValueInABlockMapping() throws {
        let fixture = try CheckFixture(csv: people, mapping: peopleMapping)
        try fixture.directory.write("pipeline.yaml", """
            version: 1
            # field: UpdatedAt was the old name
            inputs: [in.csv]
            dedupe:
              keep: newest
              field:   UpdatedAt
            mapping: mapping.yaml

            """)
        let problem = try #require(fixture.check().problems.first)
        #expect(problem.line == 6 && problem.column == 12)
    }

    @Test func pipelineErrorsAreReportedAllAtOnceWithoutReadingInputs() throws {
        let fixture = try CheckFixture(
            csv: people, mapping: peopleMapping.replacingOccurrences(of: "[lower]", with: "[lowercase]") + "frist_name: X\n")
        let report = fixture.check()
        #expect(report.problems.map(\.message) == ["unknown transform 'lowercase'", "unknown key 'frist_name' in the mapping"])
        #expect(report.problems.map(\.hint) == ["did you mean 'lower'?", "did you mean 'first_name'?"])
        #expect(report.inputs.isEmpty && report.summary().isEmpty)
        #expect(report.problemText.hasSuffix("2 problems found"))
    }

    @Test func anNDJSONHeaderIsTheUnionOfTheSampledKeys() throws {
        let fixture = try CheckFixture(
            csv: "", mapping: "version: 1\nemail: Email\nfirst_name: FirstName\ncity: Address.City\nlast_name: Surname\n",
            inputs: "  - in.ndjson")
        try fixture.directory.write("in.ndjson", """
            {"Email":"a@example.ro"}
            {"Email":"b@example.ro","FirstName":"B","Address":{"City":"Iași"}}

            """)
        let report = fixture.check()
        #expect(report.inputs.first?.format == "ndjson" && report.inputs.first?.columns == 3)
        // A key the sample lacks may come later: a warning, not a problem (prepare fails at its end).
        #expect(report.problems.isEmpty)
        #expect(report.mappingWarnings.map(\.message) == ["key 'Surname' is in none of the 2 sampled rows of \(fixture.root)/in.ndjson"])
        #expect(report.fillRates.map(\.filled) == [1, 0, 1])
    }

    @Test func aMisspeltNestedNDJSONPathIsAWarningWithASuggestion() throws {
        let fixture = try CheckFixture(
            csv: "", mapping: "version: 1\nemail: Email\naddress: Address.Stret\ncity: Address.City\n",
            inputs: "  - in.ndjson")
        try fixture.directory.write("in.ndjson", """
            {"Email":"a@example.ro","Address":{"Street":"Str. 1","City":"Iași"}}
            {"Email":"b@example.ro","Address":{"Street":"Str. 2"}}

            """)
        let report = fixture.check()
        #expect(report.isSound)
        let warning = try #require(report.mappingWarnings.first)
        #expect(report.mappingWarnings.count == 1)
        #expect((warning.line, warning.column) == (3, 10))
        #expect(warning.message == "key 'Address.Stret' is in none of the 2 sampled rows of \(fixture.root)/in.ndjson")
        #expect(warning.hint == "did you mean 'Address.Street'?; prepare stops (exit 65) if no row of the run has it")
        #expect(report.summary().contains("warning: \(fixture.root)/mapping.yaml:3:10: key 'Address.Stret'"))
    }

    @Test func checkSkipsTheBundleMembersPrepareSkips() throws {
        let fixture = try CheckFixture(csv: "", mapping: peopleMapping, inputs: "  - bundle.zip")
        _ = try makeZip(in: fixture.directory, entries: [
            ("_manifest.json", "{\"parts\": 1}\n"),
            ("part-1.csv", people),
            ("part-1.csv.crc", "crc"),
        ])
        let report = fixture.check()
        #expect(report.inputs.map(\.name) == ["\(fixture.root)/bundle.zip:part-1.csv"])
        #expect(report.notes.contains("\(fixture.root)/bundle.zip:_manifest.json: skipped member: default rule '_*' (set members: { include: [...] } to read it)"))
        #expect(report.notes.contains { $0.contains("part-1.csv.crc: skipped member: default rule '*.crc'") })
        #expect(report.rejectReasons.allSatisfy { $0.example.contains("part-1.csv") })
    }

    @Test func theSameMissingColumnInSeveralInputsIsReportedOnce() throws {
        let fixture = try CheckFixture(
            csv: people, mapping: peopleMapping.replacingOccurrences(of: "first_name: FirstName", with: "first_name: Name"),
            inputs: "  - in.csv\n  - copy.csv")
        try fixture.directory.write("copy.csv", people)
        let problems = fixture.check().problems
        #expect(problems.count == 1)
        #expect(problems.first?.message.hasSuffix("in.csv (and 1 more input)") == true)
    }
}
