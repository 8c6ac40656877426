import ExportChunks
import ExportCore
import ExportPrepare
import ExportTestSupport
import Foundation
import Testing

/// prepare's fail-fast checks: mapped columns against CSV headers (before any folder is made),
/// mapped keys against the rows read (before the manifest), and the pipeline's run limits.
@Suite struct RunChecksTests {
    let header = "Email,FirstName,Segment\n"

    private func error(_ body: () throws -> Void) -> ExportError? {
        do {
            try body()
        } catch let error as ExportError {
            return error
        } catch {
            return nil
        }
        return nil
    }

    @Test func aMisspeltCSVColumnStopsBeforeAnyFolderIsMade() throws {
        let f = try PrepareFixture()
        try f.directory.write("mapping.yaml", PrepareFixture.mapping.replacingOccurrences(of: "FirstName", with: "FirstNmae"))
        try f.directory.write("in.csv", header + "ana@example.ro,Ana,VIP\n")
        try f.pipeline(inputs: ["in.csv"])
        let failure = try #require(error { _ = try f.prepare() })
        #expect(failure.code == .columnMissing)
        #expect(failure.message.contains(f.root + "/mapping.yaml:5:13: column 'FirstNmae' is not in the header of"))
        #expect(failure.message.contains("hint: did you mean 'FirstName'?"))
        #expect(!FileManager.default.fileExists(atPath: f.root + "/run"))
    }

    @Test func aMisspeltEmailColumnIsCaughtBeforeEveryRowIsRejected() throws {
        let f = try PrepareFixture()
        try f.directory.write("mapping.yaml", PrepareFixture.mapping.replacingOccurrences(of: "email: Email", with: "email: E-mail"))
        try f.directory.write("in.csv", header + "ana@example.ro,Ana,VIP\n")
        try f.pipeline(inputs: ["in.csv"])
        let failure = try #require(error { _ = try f.prepare() })
        #expect(failure.code == .columnMissing)
        #expect(failure.message.contains("column 'E-mail' is not in the header"))
        #expect(!FileManager.default.fileExists(atPath: f.root + "/run"))
    }

    @Test func aColumnThatOneOfTwoInputsHasIsNoError() throws {
        let f = try PrepareFixture()
        try f.directory.write("a.csv", header + "ana@example.ro,Ana,VIP\n")
        try f.directory.write("b.csv", "Email,Segment\nbob@example.com,VIP\n")
        try f.pipeline(inputs: ["a.csv", "b.csv"])
        #expect(try f.prepare().manifest.counts.kept == 2)
    }

    @Test func aColumnNoneOfSeveralInputsHasIsNamedOnce() throws {
        let f = try PrepareFixture()
        try f.directory.write("a.csv", "Email,Segment\nana@example.ro,VIP\n")
        try f.directory.write("b.csv", "Email,Segment\nbob@example.com,VIP\n")
        try f.pipeline(inputs: ["a.csv", "b.csv"])
        let failure = try #require(error { _ = try f.prepare() })
        #expect(failure.message.components(separatedBy: "column 'FirstName'").count == 2)
        #expect(failure.message.contains("(nor in the other 1 input)"))
    }

    @Test func aMisspeltNestedNDJSONPathFailsAtTheEndWithoutAManifest() throws {
        let f = try PrepareFixture()
        try f.directory.write("mapping.yaml", """
            version: 1
            email: Email
            address: Address.Stret
            """)
        try f.directory.write("in.ndjson", """
            {"Email":"ana@example.ro","Address":{"Street":"Str. Lungă 1"}}
            {"Email":"bob@example.com","Address":{"Street":"Str. Scurtă 2"}}

            """)
        try f.pipeline(inputs: ["in.ndjson"])
        let failure = try #require(error { _ = try f.prepare() })
        #expect(failure.code == .columnMissing)
        #expect(failure.message.contains(f.root + "/mapping.yaml:3:10: key 'Address.Stret' is in no row of the run (2 rows read)"))
        #expect(failure.message.contains("did you mean 'Address.Street'?"))
        #expect(!FileManager.default.fileExists(atPath: f.root + "/run/manifest.json"))
    }

    @Test func aKeyOnlySomeNDJSONRowsHaveIsNoError() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.ndjson", """
            {"Email":"ana@example.ro","Segment":"VIP"}
            {"Email":"bob@example.com","Segment":"VIP"}
            {"Email":"cy@example.com","FirstName":"Cy","Segment":"VIP"}

            """)
        try f.pipeline(inputs: ["in.ndjson"])
        #expect(try f.prepare().manifest.counts.kept == 3)
    }

    @Test func aHeaderOnlyFileIsPastTheDefaultMinKept() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header)
        try f.pipeline(inputs: ["in.csv"])
        let failure = try #require(error { _ = try f.prepare() })
        #expect(failure.code == .runLimit)
        #expect(failure.message.contains("kept 0 contacts of 0 rows read, fewer than limits.min_kept: 1"))
        #expect(!FileManager.default.fileExists(atPath: f.root + "/run/manifest.json"))
    }

    @Test func minKeptZeroAllowsAnEmptyRun() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header)
        try f.pipeline(inputs: ["in.csv"], extra: "limits: { min_kept: 0 }")
        #expect(try f.prepare().manifest.counts.rows == 0)
    }

    @Test func aRejectRateOverTheLimitStopsWithTheReasons() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header + """
            ana@example.ro,Ana,VIP
            not-an-email,Bad,VIP
            ,Nobody,VIP
            also bad,Bad,VIP
            bob@example.com,Bob,VIP

            """)
        try f.pipeline(inputs: ["in.csv"], extra: "limits: { max_reject_rate: 0.5 }")
        let failure = try #require(error { _ = try f.prepare() })
        #expect(failure.code == .runLimit)
        #expect(failure.message.contains("rejected 3 of 5 rows (60%), over limits.max_reject_rate: 0.5 (50%)"))
        #expect(failure.message.contains("rejected by reason: email_invalid 2, email_missing 1"))
        #expect(!FileManager.default.fileExists(atPath: f.root + "/run/manifest.json"))
        // The rejects stay for inspection.
        #expect(f.objects("rejects.ndjson").count == 3)
    }

    @Test func theRejectRateLeavesFilteredRowsOut() throws {
        let f = try PrepareFixture()
        try f.directory.write("mapping.yaml", PrepareFixture.mapping + "\nwhere:\n  - { column: Segment, equals: VIP }\n")
        try f.directory.write("in.csv", header + """
            ana@example.ro,Ana,VIP
            bad,Bad,VIP
            c@example.com,C,Other
            d@example.com,D,Other

            """)
        // 1 rejected of 2 considered (rows 4 − filtered 2) = 50%: at the limit, not over it.
        try f.pipeline(inputs: ["in.csv"], extra: "limits: { max_reject_rate: 0.5 }")
        let manifest = try f.prepare().manifest
        #expect((manifest.counts.rejected, manifest.counts.filtered) == (1, 2))
        try f.pipeline(inputs: ["in.csv"], extra: "limits: { max_reject_rate: 0.49 }")
        #expect(error { _ = try f.prepare(out: "second") }?.code == .runLimit)
    }
}
