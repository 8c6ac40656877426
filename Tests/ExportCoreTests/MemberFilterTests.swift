import ExportCore
import Testing

@Suite struct MemberFilterTests {
    @Test(arguments: [
        ("_manifest.json", true), ("_SUCCESS", true), (".DS_Store", true), ("part-0001.csv.crc", true),
        ("dir/_meta.json", true), ("dir\\.hidden", true), ("part-0001.csv", false), ("my_file.csv", false),
        ("crc.csv", false), ("_dir/part.csv", false),
    ])
    func theDefaultSkipsBookkeepingByBaseName(name: String, skipped: Bool) {
        #expect((MemberFilter().skipReason(name) != nil) == skipped)
    }

    @Test func theReasonNamesTheRuleAndTheWayOut() {
        #expect(MemberFilter().skipReason("_manifest.json") == "default rule '_*' (set members: { include: [...] } to read it)")
        #expect(MemberFilter(include: ["*.csv"]).skipReason("a.json") == "matches no glob of members.include")
        #expect(MemberFilter(exclude: ["old-*"]).skipReason("old-1.csv") == "members.exclude 'old-*'")
    }

    @Test func givenGlobsReplaceTheDefault() {
        let filter = MemberFilter(include: ["*.csv"], exclude: ["*-test.csv"])
        #expect(filter.skipReason("_part.csv") == nil)
        #expect(filter.skipReason("a-test.csv") != nil)
        #expect(MemberFilter(exclude: ["*.txt"]).skipReason("_manifest.json") == nil)
    }

    @Test func globsWithASlashMatchTheWholeName() {
        #expect(MemberFilter.matches("data/*.csv", "data/a.csv"))
        #expect(!MemberFilter.matches("data/*.csv", "other/a.csv"))
        #expect(MemberFilter.matches("*.csv", "other/a.csv"))
    }

    @Test(arguments: [
        ("*", "", true), ("a*b*c", "axxbyyc", true), ("a*b*c", "axxbyy", false), ("?.csv", "a.csv", true),
        ("?.csv", "ab.csv", false), ("*.*.crc", "a.csv.crc", true), ("**", "x", true), ("a", "A", false),
    ])
    func wildcards(glob: String, name: String, matches: Bool) {
        #expect(MemberFilter.matches(glob, name) == matches)
    }
}
