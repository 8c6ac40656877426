import ExportCore
import ExportSync
import ExportTestSupport
import Foundation
import Testing

@Suite struct DestinationStateStoreTests {
    static func accepted(_ email: String, hash: String = String(repeating: "ab", count: 32), status: String? = "subscribed") -> DestinationStateStore.Accepted {
        DestinationStateStore.Accepted(
            email: email, payloadHash: hash,
            channels: status.map { ["email": .init(status: $0, statusDate: "2024-01-01T00:00:00Z")] } ?? [:])
    }

    @Test func createsThePrivateFileAndItsFolder() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/nested/sync/state.sqlite"
        let store = try DestinationStateStore(path: path, key: "production/newsletter")
        #expect(try store.key() == "production/newsletter")
        let version = try store.version()
        #expect(version.number == 0 && version.run == nil && version.lastFullAt == nil)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let folderMode = try FileManager.default.attributesOfItem(atPath: dir.path + "/nested/sync")[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
    }

    @Test func applyingAChunkTwiceChangesNothing() throws {
        let dir = try TemporaryDirectory()
        let store = try DestinationStateStore(path: dir.path + "/s.sqlite", key: "k")
        #expect(try store.apply(run: "/runs/a", chunk: 1, contacts: [Self.accepted("a@x.com")], full: false))
        // The same (run, chunk) again, even with other contents: nothing is written.
        #expect(try !store.apply(run: "/runs/a", chunk: 1, contacts: [Self.accepted("b@x.com")], full: false))
        #expect(try store.summary().contacts == 1)
        #expect(try store.appliedChunks(run: "/runs/a") == [1])
    }

    @Test func theVersionMovesOncePerRecordingRun() throws {
        let dir = try TemporaryDirectory()
        let store = try DestinationStateStore(path: dir.path + "/s.sqlite", key: "k")
        try store.apply(run: "/runs/a", chunk: 1, contacts: [Self.accepted("a@x.com")], full: true)
        try store.apply(run: "/runs/a", chunk: 2, contacts: [Self.accepted("b@x.com")], full: true)
        #expect(try store.version().number == 1)
        #expect(try store.version().run == "/runs/a")
        #expect(try store.version().lastFullAt != nil)
        try store.apply(run: "/runs/b", chunk: 1, contacts: [Self.accepted("a@x.com", hash: String(repeating: "cd", count: 32))], full: false)
        #expect(try store.version().number == 2)
        try store.reset()
        #expect(try store.version().number == 3)
        #expect(try store.version().run == nil)
        #expect(try store.summary().contacts == 0)
    }

    @Test func aChannelNotSentKeepsWhatTheStateHad() throws {
        let dir = try TemporaryDirectory()
        let store = try DestinationStateStore(path: dir.path + "/s.sqlite", key: "k")
        try store.apply(run: "/r", chunk: 1, contacts: [Self.accepted("a@x.com", status: "unsubscribed")], full: false)
        // A leaver's tag item: no channel recorded, hash unknown, marked left.
        try store.apply(run: "/r2", chunk: 1, contacts: [.init(email: "a@x.com", payloadHash: nil, channels: [:], left: true)], full: false)
        var lines: [DestinationStateLine] = []
        try store.forEachLine { lines.append($0) }
        #expect(lines.count == 1)
        #expect(lines[0].channels["email"]?.status == "unsubscribed")
        #expect(lines[0].payloadHash == nil)
        #expect(lines[0].run == "r2")
        #expect(lines[0].origin == "upload")
        #expect(try store.summary().left == 1)
    }

    @Test func exportedLinesImportIntoAnotherState() throws {
        let dir = try TemporaryDirectory()
        let a = try DestinationStateStore(path: dir.path + "/a.sqlite", key: "k")
        try a.apply(run: "/r", chunk: 1, contacts: [Self.accepted("a@x.com"), Self.accepted("b@x.com", status: nil)], full: false)
        var lines: [DestinationStateLine] = []
        try a.forEachLine { lines.append($0) }
        let b = try DestinationStateStore(path: dir.path + "/b.sqlite", key: "k")
        #expect(try b.merge(lines, origin: "import") == 2)
        var back: [DestinationStateLine] = []
        try b.forEachLine { back.append($0) }
        #expect(back.map(\.email) == ["a@x.com", "b@x.com"])
        #expect(back.map(\.payloadHash) == lines.map(\.payloadHash))
        #expect(back.map(\.channels) == lines.map(\.channels))
        #expect(back.allSatisfy { $0.origin == "import" })
        #expect(try b.version().number == 1)
    }

    @Test func forgetErasesOnlyThePerson() throws {
        let dir = try TemporaryDirectory()
        let store = try DestinationStateStore(path: dir.path + "/s.sqlite", key: "k")
        try store.apply(run: "/r", chunk: 1, contacts: [Self.accepted("a@x.com"), Self.accepted("b@x.com")], full: false)
        #expect(try store.forget(emails: ["a@x.com", "nobody@x.com"]) == 1)
        var emails: [String] = []
        try store.forEachLine { emails.append($0.email) }
        #expect(emails == ["b@x.com"])
    }

    @Test func claimsAreListedUntilReleased() throws {
        let dir = try TemporaryDirectory()
        let store = try DestinationStateStore(path: dir.path + "/s.sqlite", key: "k")
        try store.claim(run: "/runs/a")
        try store.claim(run: "/runs/a")
        #expect(try store.claimedRuns() == ["/runs/a"])
        try store.release(run: "/runs/a")
        #expect(try store.claimedRuns().isEmpty)
    }

    @Test func aRebuildRecordsPageByPageWithItsPositionAndKeepsUploadedContacts() throws {
        let dir = try TemporaryDirectory()
        let store = try DestinationStateStore(path: dir.path + "/s.sqlite", key: "k")
        try store.apply(run: "/runs/a", chunk: 1, contacts: [Self.accepted("kept@x.com")], full: false)
        #expect(try store.rebuildPosition() == nil)
        try store.beginRebuild(position: "page-1", replacing: false)
        #expect(try store.rebuildPosition() == "page-1")
        #expect(try store.version().number == 2 && store.version().run == nil)
        func line(_ email: String, _ status: String) -> DestinationStateLine {
            DestinationStateLine(
                email: email, payloadHash: nil, channels: ["email": .init(status: status, statusDate: "2025-01-01T00:00:00Z")],
                acceptedAt: "2026-12-03T10:00:00Z", run: nil, origin: "rebuild")
        }
        try store.applyRebuildPage([line("a@x.com", "subscribed"), line("kept@x.com", "unsubscribed")], position: "page-2")
        #expect(try store.rebuildPosition() == "page-2")
        #expect(try store.version().number == 2, "a page does not move the version")
        // Read again (the destination's order moved): the later read wins, and the end advances the version.
        try store.applyRebuildPage([line("a@x.com", "unsubscribed")], position: nil)
        #expect(try store.rebuildPosition() == nil)
        #expect(try store.version().number == 3)
        var lines: [DestinationStateLine] = []
        try store.forEachLine { lines.append($0) }
        #expect(lines.map(\.email) == ["a@x.com", "kept@x.com"])
        #expect(lines[0].channels["email"]?.status == "unsubscribed" && lines[0].origin == "rebuild" && lines[0].payloadHash == nil)
        #expect(lines[1].origin == "upload" && lines[1].payloadHash != nil, "an uploaded contact keeps its hash")
        // Replacing empties the state first.
        try store.beginRebuild(position: "page-1", replacing: true)
        #expect(try store.summary().contacts == 0 && store.summary().appliedChunks == 0)
    }
}
