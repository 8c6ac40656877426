import Testing
@testable import ExportContactRules
@testable import ExportPipeline

@Suite struct LookupTests {
    @Test(arguments: [
        ("Romania", "RO" as String?), ("România", "RO"), ("ROMÂNIA", "RO"), ("RO", "RO"), ("ro", "RO"), ("ROU", "RO"),
        (" Deutschland ", "DE"), ("United Kingdom", "GB"), ("UK", "GB"), ("Korea, Republic of", "KR"), ("South Korea", "KR"),
        ("Côte d'Ivoire", "CI"), ("cote divoire", nil), ("Cote d'Ivoire", "CI"), ("日本", "JP"), ("Україна", "UA"),
        ("Bolivia", "BO"), ("Atlantis", nil), ("", nil), ("XX", nil),
    ])
    func countryCodesFromNamesAndCodes(input: String, expected: String?) {
        #expect(CountryCodes.alpha2(for: input) == expected)
    }

    @Test(arguments: [
        ("+40 722 123 456", nil as String?, "+40722123456" as String?), ("0040722123456", nil, "+40722123456"),
        ("0722-123-456", "40", "+40722123456"), ("(0722) 123.456", "40", "+40722123456"), ("0722123456", nil, nil),
        ("+44 20 7654 0809", "40", "+442076540809"), ("12", "40", nil), ("+1 234", nil, nil), ("+0123456789", nil, nil),
        ("call me", "40", nil), ("+40 722 123 456 789 012", nil, nil), ("722+123", "40", nil),
    ])
    func phoneNumbersNormaliseToE164(input: String, defaultCode: String?, expected: String?) {
        #expect(PhoneNumber.e164(input, defaultCountryCode: defaultCode) == expected)
    }

    @Test func didYouMeanFindsCloseNames() {
        #expect(Suggestion.closest(to: "frist_name", in: ["first_name", "last_name"]) == "first_name")
        #expect(Suggestion.closest(to: "firstName", in: ["first_name", "last_name"]) == "first_name")
        #expect(Suggestion.closest(to: "lowercase", in: Transform.names) == "lower")
        #expect(Suggestion.closest(to: "zzz", in: ["first_name"]) == nil)
    }

    @Test(arguments: [
        ("YYYY-MM-DD", "2024-02-29", "2024-02-29" as String?), ("YYYY-MM-DD", "2023-02-29", nil),
        ("MM/DD/YYYY", "12/31/1999", "1999-12-31"), ("DD.MM.YY", "01.02.69", "2069-02-01"), ("DD.MM.YY", "01.02.70", "1970-02-01"),
        ("iso8601", "2024-05-01T10:07:28.123Z", "2024-05-01"), ("iso8601", "2024-05-01T10:07", "2024-05-01"),
        ("iso8601", "2024-05-01T25:00", nil), ("YYYY-MM-DD", "2024-05-01 ", nil),
    ])
    func datePatternsParse(pattern: String, text: String, expected: String?) {
        let parsed = DatePattern(pattern)!.parse(text)
        #expect(parsed.map { DatePattern("YYYY-MM-DD")!.format($0) } == expected)
    }

    @Test func badDatePatternsAreRefused() {
        #expect(DatePattern("YYY-MM-DD") == nil)
        #expect(DatePattern("HH:mm") == nil)
        #expect(DatePattern("DD/MM/YYYY") != nil)
    }
}
