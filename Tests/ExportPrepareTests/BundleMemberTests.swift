import ExportCore
import ExportPrepare
import ExportTestSupport
import Foundation
import Testing

/// Bundle members named like bookkeeping files (`_*`, `.*`, `*.crc`) are skipped and listed in
/// the manifest; `members: { include, exclude }` overrides the default.
@Suite struct BundleMemberTests {
    let part = "Email,FirstName,Segment\nana@example.ro,Ana,VIP\n"

    @Test func aManifestMemberIsSkippedAndListedNotRejected() throws {
        let f = try PrepareFixture()
        let zip = try makeZip(in: f.directory, entries: [
            ("_manifest.json", "{\"parts\": [\"part-1.csv\"]}\n"),
            ("part-1.csv", part),
            ("sub/.hidden.csv", part),
            ("part-1.csv.crc", "crc"),
            ("_SUCCESS", ""),
        ])
        try f.pipeline(inputs: [zip])
        let manifest = try f.prepare().manifest
        #expect(manifest.counts.rejected == 0 && manifest.counts.kept == 1)
        #expect(manifest.inputs.first?.members.map(\.name) == ["part-1.csv"])
        #expect(manifest.inputs.first?.skippedMembers == ["_manifest.json", "sub/.hidden.csv", "part-1.csv.crc", "_SUCCESS"])
    }

    @Test func aPlainFileHasNoSkippedMembersKey() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", part)
        try f.pipeline(inputs: ["in.csv"])
        #expect(try f.prepare().manifest.inputs.first?.skippedMembers == nil)
        let manifest = try String(contentsOfFile: f.root + "/run/manifest.json", encoding: .utf8)
        #expect(!manifest.contains("skippedMembers"))
    }

    @Test func includeAndExcludeGlobsReplaceTheDefault() throws {
        let f = try PrepareFixture()
        let zip = try makeZip(in: f.directory, entries: [
            ("_part-0.csv", part.replacingOccurrences(of: "ana@", with: "zero@")),
            ("part-1.csv", part),
            ("part-2.csv", part.replacingOccurrences(of: "ana@", with: "two@")),
            ("readme.txt", "not data"),
        ])
        try f.directory.write("pipeline.yaml", """
            version: 1
            inputs:
              - path: \(zip)
                members: { include: ["*.csv"], exclude: ["part-2*"] }
            mapping: mapping.yaml
            consent: { resubscribe: allow }

            """)
        let manifest = try f.prepare().manifest
        #expect(manifest.inputs.first?.members.map(\.name) == ["_part-0.csv", "part-1.csv"])
        #expect(manifest.inputs.first?.skippedMembers == ["part-2.csv", "readme.txt"])
        #expect(try f.emails() == ["zero@example.ro", "ana@example.ro"])
    }
}
