import ExportCore
import ExportSync
import ExportTestSupport
import Testing

@Suite struct StateSnapshotTests {
    @Test func classifiesNewChangedAndUnchangedAndFindsLeavers() throws {
        let dir = try TemporaryDirectory()
        let store = try DestinationStateStore(path: dir.path + "/s.sqlite", key: "k")
        let hasher = PayloadHasher(volatileFields: [])
        func item(_ email: String, _ name: String) -> [UInt8] {
            Array(#"{"identifiers":[{"type":"email","id":"\#(email)","channels":{"email":{"status":"subscribed","statusDate":"2024-01-01T00:00:00Z"}}}],"firstName":"\#(name)"}"#.utf8)
        }
        var accepted: [DestinationStateStore.Accepted] = []
        for (email, name) in [("same@x.com", "A"), ("changed@x.com", "B"), ("gone@x.com", "C"), ("rejected@x.com", "D")] {
            let digest = try hasher.digest(item(email, name))
            accepted.append(.init(email: email, payloadHash: digest.hashHex, channels: digest.channels))
        }
        try store.apply(run: "/r", chunk: 1, contacts: accepted, full: true)
        var snapshot = try StateSnapshot.load(store)
        #expect(snapshot.version == 1)
        #expect(snapshot.members == 4)
        #expect(snapshot.classify(email: Array("same@x.com".utf8), hash: try hasher.digest(item("same@x.com", "A")).hash) == .unchanged)
        #expect(snapshot.classify(email: Array("changed@x.com".utf8), hash: try hasher.digest(item("changed@x.com", "B2")).hash) == .changed)
        #expect(snapshot.classify(email: Array("new@x.com".utf8), hash: try hasher.digest(item("new@x.com", "N")).hash) == .new)
        snapshot.markSeen(email: Array("rejected@x.com".utf8))
        #expect(snapshot.isLeaver("gone@x.com"))
        #expect(!snapshot.isLeaver("rejected@x.com"))
        #expect(!snapshot.isLeaver("same@x.com"))
        #expect(!snapshot.isLeaver("new@x.com"))
        #expect(snapshot.leaverCount == 1, "gone@x.com alone: rejected@x.com was named, new@x.com is not in the state")
    }

    @Test func anUnknownHashOrALeaverIsSentAgain() throws {
        let dir = try TemporaryDirectory()
        let store = try DestinationStateStore(path: dir.path + "/s.sqlite", key: "k")
        try store.merge([DestinationStateLine(email: "rebuilt@x.com", payloadHash: nil, channels: [:], acceptedAt: "2026-12-01T00:00:00Z", run: nil, origin: "rebuild")], origin: "rebuild")
        try store.apply(run: "/r", chunk: 1, contacts: [.init(email: "left@x.com", payloadHash: nil, channels: [:], left: true)], full: false)
        var snapshot = try StateSnapshot.load(store)
        #expect(snapshot.members == 1)
        #expect(snapshot.classify(email: Array("rebuilt@x.com".utf8), hash: [UInt8](repeating: 0, count: 32)) == .changed)
        #expect(snapshot.classify(email: Array("left@x.com".utf8), hash: [UInt8](repeating: 0, count: 32)) == .changed)
        #expect(!snapshot.isLeaver("left@x.com"))
        #expect(snapshot.leaverCount == 0, "a contact that left before is no leaver again")
    }

    @Test func knowsUnsubscribesForTheConsentGuard() throws {
        let dir = try TemporaryDirectory()
        let store = try DestinationStateStore(path: dir.path + "/s.sqlite", key: "k")
        try store.apply(run: "/r", chunk: 1, contacts: [
            .init(email: "u@x.com", payloadHash: nil, channels: ["email": .init(status: "unsubscribed", statusDate: "2025-06-01T00:00:00Z")]),
            .init(email: "s@x.com", payloadHash: nil, channels: ["email": .init(status: "subscribed", statusDate: "2025-06-01T00:00:00Z")]),
        ], full: false)
        let snapshot = try StateSnapshot.load(store)
        #expect(snapshot.knownUnsubscribe(email: Array("u@x.com".utf8)) == "2025-06-01T00:00:00Z")
        #expect(snapshot.knownUnsubscribe(email: Array("s@x.com".utf8)) == nil)
    }
}
