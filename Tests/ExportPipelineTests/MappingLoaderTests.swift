import ExportCore
import Testing
@testable import ExportPipeline

@Suite struct MappingLoaderTests {
    static func problems(_ yaml: String) -> [String] {
        do {
            _ = try MappingLoader.parse(text: yaml, file: "m.yaml")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test(arguments: [
        ("email: E\nfirst_nam: F\n", "m.yaml:2:1: unknown key 'first_nam' in the mapping\n    hint: did you mean 'first_name'?"),
        ("first_name: F\n", "m.yaml:1:1: the mapping has no 'email'\n    hint: add e.g. email: { column: Email }"),
        ("email: E\nstatus: { value: subscribd }\n", "m.yaml:2:9: status 'subscribd' is not one of subscribed, unsubscribed, nonSubscribed\n    hint: did you mean 'subscribed'?"),
        ("email: E\ncity: { column: C, value: x }\n", "m.yaml:2:7: city has several sources (column, value)\n    hint: keep one; use first_non_empty to try several"),
        ("email: E\ncity: { transforms: [trim] }\n", "m.yaml:2:7: city has no source\n    hint: add column, columns, value, source or first_non_empty"),
        ("email: E\ncity: { column: C, transforms: [titel] }\n", "m.yaml:2:33: unknown transform 'titel'\n    hint: did you mean 'title'?"),
        ("email: E\ncity: { column: C, transforms: [map] }\n", "m.yaml:2:33: transform 'map' needs an argument\n    hint: write { map: … }; see docs/mapping.md"),
        ("email: E\ncity: { column: C, transforms: [{ replace: \"(\" }] }\n", "m.yaml:2:44: '(' is not a valid regular expression\n    hint: ICU syntax, as in NSRegularExpression"),
        ("email: E\nbirthdate: { column: D, formats: [\"DD/MM/YYY\"] }\n", "m.yaml:2:35: 'DD/MM/YYY' is not a date format\n    hint: use YYYY, MM, DD (and HH, mm, ss) with separators, e.g. DD/MM/YYYY, or iso8601"),
        ("email: E\ncustom_properties:\n  points: { column: P, type: int }\n", "m.yaml:3:30: type must be one of string, number, integer, boolean, date, list, not 'int'\n    hint: did you mean 'integer'?"),
        ("email: E\nphone: { column: P, default_country_code: \"+4O\" }\n", "m.yaml:2:43: default_country_code must be 1 to 3 digits, not '+4O'\n    hint: e.g. 40 for Romania, 1 for the US; or a country per row: { column: Country }"),
        ("email: E\nrequire: [frist_name]\n", "m.yaml:2:11: require names unknown field 'frist_name'\n    hint: did you mean 'first_name'?"),
        ("email: E\nwhere: [{ column: S }]\n", "m.yaml:2:9: a where rule needs exactly one test\n    hint: equals, not_equals, in, not_in, present or matches"),
        ("email: E\ncity: { source: today }\n", "m.yaml:2:17: source must be one of input_file, row_number, line, run_date, not 'today'"),
        ("email: E\non_invalid: ignore\n", "m.yaml:2:13: on_invalid must be one of drop, reject, not 'ignore'"),
        ("email: E\ntags: { column: T }\n", "m.yaml:2:7: tags must be a list of tag sources\n    hint: e.g. tags: [{ value: imported }, { column: Segment, prefix: \"segment: \" }]"),
        ("version: 2\nemail: E\n", "m.yaml:1:10: mapping version 2 is not supported\n    hint: this tool reads version 1"),
    ])
    func goldenMappingMessages(yaml: String, expected: String) {
        #expect(Self.problems(yaml) == [expected])
    }

    @Test func reportsAllProblemsAtOnce() {
        let yaml = "email: E\nfrist_name: F\ncity: { column: C, transforms: [titel] }\ngender: { column: G, on_invalid: maybe }\n"
        #expect(Self.problems(yaml).count == 3)
    }

    @Test func checkReportsColumnsTheHeaderLacks() throws {
        let plan = try MappingLoader.parse(
            text: "email: Emial\nstatus: subscribed\ncity: { column: address.city }\nfirst_name: First\n", file: "m.yaml")
        let header = Header(["Email", "First", "address"])
        #expect(plan.check(header: header, file: "in.csv").map(\.description) == [
            "m.yaml:1:8: column 'Emial' is not in the header of in.csv\n    hint: did you mean 'Email'?",
            "m.yaml:2:9: column 'subscribed' is not in the header of in.csv\n    hint: a plain value names a column; for a constant write { value: subscribed }",
        ])
        #expect(plan.columnNames == ["Emial", "subscribed", "address.city", "First"])
    }

    @Test func fieldsComeOutInWireOrderWhateverTheMappingOrder() throws {
        let plan = try MappingLoader.parse(text: "birthdate: B\ncity: C\nemail: E\nfirst_name: F\n", file: "m.yaml")
        #expect(plan.fields.map(\.wireName) == ["firstName", "city", "birthdate"])
    }
}
