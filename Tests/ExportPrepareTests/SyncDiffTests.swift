import ExportChunks
import ExportCore
import ExportPrepare
import ExportSync
import ExportTestSupport
import Foundation
import Testing

/// `prepare` with `sync:` against a destination state filled as the upload's recorder would.
@Suite struct SyncDiffTests {
    /// Records every item of `run`'s chunks in `store`, as accepted (what StateRecorder does after an upload).
    static func accept(_ f: PrepareFixture, run: String, store: DestinationStateStore, full: Bool) throws {
        let manifest = try JSONDecoder().decode(
            RunManifest.self, from: Data(contentsOf: URL(fileURLWithPath: f.root + "/" + run + "/manifest.json")))
        let hasher = PayloadHasher(volatileFields: manifest.sync?.volatileFields ?? [])
        for (index, chunk) in manifest.chunks.enumerated() {
            let text = try String(contentsOfFile: f.root + "/" + run + "/" + chunk.file, encoding: .utf8)
            let items = text.split(separator: "\n").dropFirst().dropLast().map { $0.hasSuffix(",") ? $0.dropLast() : $0 }
            let accepted = try items.map { item -> DestinationStateStore.Accepted in
                let digest = try hasher.digest(Array(item.utf8))
                return .init(email: digest.email ?? "", payloadHash: digest.hashHex, channels: digest.channels)
            }
            try store.apply(run: f.root + "/" + run, chunk: index + 1, contacts: accepted, full: full)
        }
    }

    @Test func fullEveryTurnsAnIncrementalRunFullUntilAFullRunIsRecorded() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", "Email,FirstName,Segment\na@example.com,A,S\nb@example.com,B,S\n")
        try f.pipeline(inputs: ["in.csv"], extra: "sync: { mode: incremental, state: state.sqlite, full_every: 7d }")
        let first = try f.prepare(out: "one")
        #expect(first.manifest.sync?.mode == .incremental)
        let store = try DestinationStateStore(path: f.root + "/state.sqlite", key: "k")
        // Recorded, but not as a full run: the next run is due for one.
        try Self.accept(f, run: "one", store: store, full: false)
        let second = try f.prepare(out: "two")
        #expect(second.manifest.sync?.mode == .full)
        #expect(second.manifest.counts.unchanged == nil)
        #expect(second.manifest.contactsInChunks == 2)
        try Self.accept(f, run: "two", store: store, full: true)
        let third = try f.prepare(out: "three")
        #expect(third.manifest.sync?.mode == .incremental)
        #expect(third.manifest.counts.unchanged == 2)
        #expect(third.manifest.contactsInChunks == 0)
        #expect(third.manifest.counts.isBalanced)
        #expect(f.lines("unchanged.ndjson", run: "three").count == 2)
    }

    @Test func aSubscribeOlderThanAnUnsubscribeTheStateKnowsIsRejected() throws {
        let f = try PrepareFixture()
        try f.directory.write("mapping.yaml", "version: 1\nemail: Email\nstatus: { column: Status }\nstatus_date: Date\n")
        try f.directory.write("in.csv", """
            Email,Status,Date
            old@example.com,subscribed,2024-01-01T00:00:00Z
            new@example.com,subscribed,2026-01-01T00:00:00Z
            plain@example.com,subscribed,2024-01-01T00:00:00Z

            """)
        try f.directory.write("pipeline.yaml", """
            version: 1
            name: test
            inputs: [in.csv]
            mapping: mapping.yaml
            runs_dir: \(f.root)/runs
            sync: { state: state.sqlite }

            """)
        let store = try DestinationStateStore(path: f.root + "/state.sqlite", key: "k")
        let unsubscribed: [String: DestinationStateLine.Channel] = ["email": .init(status: "unsubscribed", statusDate: "2025-06-01T00:00:00Z")]
        try store.apply(run: "/elsewhere", chunk: 1, contacts: [
            .init(email: "old@example.com", payloadHash: nil, channels: unsubscribed),
            .init(email: "new@example.com", payloadHash: nil, channels: unsubscribed),
        ], full: true)
        let result = try f.prepare()
        #expect(result.manifest.rejectReasons == ["consent_resubscribe": 1])
        #expect(try f.emails() == ["new@example.com", "plain@example.com"])
        let reject = try #require(f.objects("rejects.ndjson").first)
        #expect(reject["email"] as? String == "old@example.com")
        #expect((reject["detail"] as? String)?.contains("2025-06-01T00:00:00Z") == true)
    }

    @Test func aPipelineWithoutSyncWritesNoSyncFiles() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", "Email,FirstName,Segment\na@example.com,A,S\n")
        try f.pipeline(inputs: ["in.csv"])
        let result = try f.prepare()
        #expect(result.manifest.sync == nil)
        #expect(result.manifest.counts.unchanged == nil)
        #expect(!FileManager.default.fileExists(atPath: f.root + "/run/unchanged.ndjson"))
        #expect(!FileManager.default.fileExists(atPath: f.root + "/run/leavers.ndjson"))
    }
}
