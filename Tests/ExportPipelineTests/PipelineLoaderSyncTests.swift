import ExportCore
import Foundation
import Testing
@testable import ExportPipeline

@Suite struct PipelineLoaderSyncTests {
    static func load(_ text: String) throws -> Pipeline {
        try PipelineLoader.parse(text: "version: 1\nmapping: { email: Email }\n" + text, path: "/srv/etl/p.yaml", environment: [:])
    }

    static func problems(_ text: String) -> [String] {
        do {
            _ = try load(text)
            return []
        } catch {
            return (error as? PipelineErrors)?.problems.map(\.description) ?? ["\(error)"]
        }
    }

    @Test func noSyncKeyMeansNoSync() throws {
        #expect(try Self.load("").sync == nil)
    }

    @Test func theShortFormsNameTheMode() throws {
        #expect(try Self.load("sync: incremental\n").sync == SyncSettings(mode: .incremental))
        #expect(try Self.load("sync: full\n").sync?.mode == .full)
    }

    @Test func theLongFormReadsEveryKey() throws {
        let sync = try #require(try Self.load("""
            sync: { mode: full, state: state/n.sqlite, full_every: 7d, leavers: unsubscribe, leaver_tag: "gone: N" }
            consent: { allow_leaver_downgrade: true }
            limits: { max_leaver_rate: 5% }

            """).sync)
        #expect(sync.mode == .full)
        #expect(sync.statePath == "/srv/etl/state/n.sqlite")
        #expect(sync.fullEverySeconds == Double(7 * 86400))
        #expect(sync.leavers == .unsubscribe)
        #expect(sync.leaverTag == "gone: N")
        #expect(sync.allowLeaverDowngrade)
        #expect(sync.maxLeaverRate == 0.05)
    }

    @Test func mistakesAreReportedWithTheKeyToWrite() {
        #expect(Self.problems("sync: sometimes\n").joined().contains("sync"))
        #expect(Self.problems("sync: { leavers: delete }\n").joined().contains("leavers"))
        #expect(Self.problems("sync: { full_every: weekly }\n").joined().contains("full_every must be a duration"))
        #expect(Self.problems("sync: { mode: incremental, stat: x }\n").joined().contains("stat"))
        #expect(Self.problems("sync: incremental\nlimits: { max_leaver_rate: 2 }\n").joined().contains("max_leaver_rate"))
        let downgrade = Self.problems("sync: { leavers: unsubscribe }\n").joined()
        #expect(downgrade.contains("consent: { allow_leaver_downgrade: true }"))
    }

    @Test func theMappingNamesItsVolatileFields() throws {
        let pipeline = try PipelineLoader.parse(text: """
            version: 1
            mapping:
              email: Email
              first_name: { first_non_empty: [Name, { source: input_file }] }
              last_name: Last
              status: { value: subscribed }
              status_date: now
              tags:
                - { source: run_date, prefix: "imported: " }
                - { column: Segment, prefix: "segment: " }
              custom_properties:
                importedOn: { source: run_date, type: date }
                row: { source: row_number, type: integer }
                line: { source: line, type: integer }
                tier: { column: Tier }
            consent: { allow_status_date_now: true, resubscribe: allow }

            """, path: "p.yaml", environment: [:])
        #expect(Set(pipeline.mapping.volatileFields) == [
            "firstName", "emailStatusDate", "tags:imported: ", "customProperties.importedOn", "customProperties.row",
            "customProperties.line",
        ])
    }
}
