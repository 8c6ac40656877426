import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
import OmnisendSimulator
import Testing
@testable import ExportRunOperations
@testable import ExportUpload

/// Which stored values `verify` counts as differences, as Omnisend merges (date rule, additive
/// tags, custom properties by name), and the verifier against the simulator: one pass of pages
/// or one lookup per contact, the same differences with both values.
@Suite(.serialized) struct ContactVerifierTests {
    static func contact(email: (String, String?), sms: (String, String?)? = nil, key: String = "statusDate") -> [String: Any] {
        func channel(_ state: (String, String?)) -> [String: Any] {
            var out: [String: Any] = ["status": state.0]
            if let date = state.1 { out[key] = date }
            return out
        }
        var identifiers: [[String: Any]] = [["type": "email", "id": "a@b.co", "channels": ["email": channel(email)]]]
        if let sms { identifiers.append(["type": "phone", "id": "+40722123456", "channels": ["sms": channel(sms)]]) }
        return ["identifiers": identifiers]
    }

    private func fields(_ sent: [String: Any], _ stored: [String: Any]) -> [String] {
        ContactComparison.differences(sent: sent, stored: stored, email: "a@b.co").map(\.field)
    }

    @Test func aStatusTheDateRuleKeptIsNotADifference() {
        let sent = Self.contact(email: ("subscribed", "2024-01-01T00:00:00Z"), sms: ("nonSubscribed", "1970-01-01T00:00:00Z"))
        let stored = Self.contact(email: ("unsubscribed", "2025-06-01T00:00:00.000Z"), sms: ("subscribed", "2023-01-01T00:00:00.000Z"))
        #expect(fields(sent, stored) == [])
        #expect(ContactComparison.statusesKeptByDateRule(sent: sent, stored: stored, email: "a@b.co"))
        // Kept on purpose (1970) only: not counted as kept by a later decision either.
        let keptOnly = Self.contact(email: ("nonSubscribed", "1970-01-01T00:00:00Z"))
        #expect(fields(keptOnly, stored) == [])
        #expect(!ContactComparison.statusesKeptByDateRule(sent: keptOnly, stored: stored, email: "a@b.co"))
    }

    @Test func aStatusThatShouldHaveWonIsADifferenceOnEitherChannelAndDateKeyWithBothValues() {
        let sent = Self.contact(email: ("unsubscribed", "2025-06-01T00:00:00Z"), sms: ("subscribed", nil), key: "statusChangedAt")
        let stored = Self.contact(email: ("subscribed", "2024-01-01T00:00:00Z"), sms: ("nonSubscribed", "2024-01-01T00:00:00Z"), key: "statusChangedAt")
        #expect(ContactComparison.differences(sent: sent, stored: stored, email: "a@b.co") == [
            FieldDifference(field: "identifiers.channels.email.status", sent: "unsubscribed 2025-06-01T00:00:00Z", stored: "subscribed 2024-01-01T00:00:00Z"),
            FieldDifference(field: "identifiers.channels.sms.status", sent: "subscribed", stored: "nonSubscribed 2024-01-01T00:00:00Z"),
        ])
        #expect(!ContactComparison.statusesKeptByDateRule(sent: sent, stored: stored, email: "a@b.co"))
        // A phone the stored contact lacks (owned by another contact) is not a status difference.
        let withoutPhone = Self.contact(email: ("unsubscribed", "2025-06-01T00:00:00Z"))
        #expect(fields(sent, withoutPhone) == [])
    }

    @Test func tagsAddAndCustomPropertiesMergeByNameAsOmnisendStoresThem() {
        var sent = Self.contact(email: ("subscribed", "2024-01-01T00:00:00Z"))
        var stored = Self.contact(email: ("subscribed", "2024-01-01T00:00:00.000Z"))
        sent["tags"] = ["vip"]
        sent["customProperties"] = ["points": 1.50, "tier": "gold"]
        sent["createdAt"] = "2020-01-01"
        stored["tags"] = ["newsletter", "vip"]
        stored["customProperties"] = ["points": 1.5, "tier": "gold", "externalCreated": "2020-01-01", "fromElsewhere": true]
        stored["contactID"] = "6a01"
        #expect(fields(sent, stored) == [], "extra stored tags and properties are Omnisend's merge, not differences")
        stored["tags"] = ["newsletter"]
        stored["customProperties"] = ["points": 2, "externalCreated": "2020-01-01"]
        sent["firstName"] = "Ana"
        #expect(ContactComparison.differences(sent: sent, stored: stored, email: "a@b.co") == [
            FieldDifference(field: "customProperties.points", sent: "1.5", stored: "2"),
            FieldDifference(field: "customProperties.tier", sent: "\"gold\"", stored: nil),
            FieldDifference(field: "firstName", sent: "\"Ana\"", stored: nil),
            FieldDifference(field: "tags", sent: "[\"vip\"]", stored: "[\"newsletter\"]"),
        ])
    }

    @Test func autoLooksUpOnlyWhenFewerRequestsThanPages() {
        // The whole run of a million: 4,000 pages. A --sample 200 of it: 200 lookups.
        #expect(ContactVerifier.choose(.auto, candidates: 1_000_000, runContacts: 1_000_000, pageSize: 250) == .list)
        #expect(ContactVerifier.choose(.auto, candidates: 200, runContacts: 1_000_000, pageSize: 250) == .lookup)
        #expect(ContactVerifier.choose(.auto, candidates: 4_000, runContacts: 1_000_000, pageSize: 250) == .list)
        #expect(ContactVerifier.choose(.auto, candidates: 2, runContacts: 6, pageSize: 250) == .list, "one page beats two lookups")
        #expect(ContactVerifier.choose(.list, candidates: 1, runContacts: 1_000_000, pageSize: 250) == .list)
        #expect(ContactVerifier.choose(.lookup, candidates: 1_000_000, runContacts: 1_000_000, pageSize: 250) == .lookup)
    }

    // MARK: Against the simulator

    private func verifier(_ folder: String, _ simulator: SimulatorHarness, _ version: APIVersion) -> ContactVerifier {
        var settings = ContactPageReader.Settings()
        settings.rateLimitPerMinute = 0
        return ContactVerifier(runDirectory: folder, target: simulator.target(version), settings: settings)
    }

    @Test(arguments: [APIVersion.v5, .v2026_03_15])
    func listAndLookupFindTheSameDifferencesWithBothValues(version: APIVersion) async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        let folder = try await simulator.seed(contacts: 600, perChunk: 100, version: version)
        let clean = try await verifier(folder, simulator, version).verify(sample: nil, method: .auto)
        #expect(clean.checked == 600 && clean.differing == 0 && clean.method == .list)
        #expect(clean.requests == 3, "one pass of 250-contact pages, not one GET per contact")

        // Another integration renames contact 123 and records a later unsubscribe: the name is a
        // difference, the status is Omnisend's date rule at work.
        try await simulator.postContact(
            #"{"identifiers":[{"type":"email","id":"\#(TestRunFolder.email(123))","channels":{"email":{"status":"unsubscribed","statusDate":"2025-06-01T00:00:00Z"}}}],"firstName":"Changed"}"#,
            version: .v5)
        for method in [ContactVerifier.ReadMethod.list, .lookup] {
            var found: [ContactVerifier.Difference] = []
            let result = try await verifier(folder, simulator, version).verify(sample: nil, method: method) { found.append($0) }
            #expect(result.checked == 600 && result.differing == 1 && result.missing == 0 && result.keptByDateRule == 1, "\(method)")
            #expect(result.requests == (method == .list ? 3 : 600))
            let difference = try #require(found.first)
            #expect(difference.email == TestRunFolder.email(123) && difference.chunk == 2 && difference.item == 23)
            #expect(difference.fields == [FieldDifference(field: "firstName", sent: "\"User123\"", stored: "\"Changed\"")])
            #expect(difference.sentItem == TestRunFolder.item(123))
        }
        // 600 contacts are 3 pages: a sample of 2 is looked up, a sample of 3 read in pages.
        let sampled = try await verifier(folder, simulator, version).verify(sample: 2, method: .auto)
        #expect(sampled.checked == 2 && sampled.method == .lookup && sampled.requests == 2)
        let paged = try await verifier(folder, simulator, version).verify(sample: 3, method: .auto)
        #expect(paged.checked == 3 && paged.method == .list && paged.requests == 3)
    }

    @Test func itemsOmnisendRefusedAreNotCheckedAndASampleSpreadsOverTheRun() async throws {
        let simulator = try await SimulatorHarness.start()
        defer { Task { await simulator.stop() } }
        let folder = try TestRunFolder.make(contacts: 10, perChunk: 4, invalid: [1, 6])
        let report = try await Uploader(runDirectory: folder, target: simulator.target(.v5), options: fastOptions(), log: { _ in }).run()
        #expect(report.accepted == 8 && report.failed == 2)
        let all = try await verifier(folder, simulator, .v5).verify(sample: nil, method: .list)
        #expect(all.checked == 8 && all.differing == 0, "refused items are not missing: \(all)")
        let candidates = try VerifyCandidates(store: try CheckpointStore(runDirectory: folder), sample: 3)
        // 8 accepted items (chunk:item 1:0 1:2 1:3 2:0 2:1 2:3 3:0 3:1), every 8/3rd one picked.
        #expect(candidates.byChunk().flatMap { group in group.entries.map { "\(group.chunk):\($0.item)" } } == ["1:0", "1:3", "2:3"])
    }

    @Test func contactsTheDestinationLacksAreMissingAndARepairFolderSendsThemAgain() async throws {
        let first = try await SimulatorHarness.start()
        defer { Task { await first.stop() } }
        let folder = try await first.seed(contacts: 12, perChunk: 5, version: .v5)
        // Another destination that holds only contacts 0-3, one of them renamed.
        let second = try await SimulatorHarness.start()
        defer { Task { await second.stop() } }
        for index in 0..<4 {
            let name = index == 2 ? "Renamed" : "User\(index)"
            try await second.postContact(TestRunFolder.item(index).replacingOccurrences(of: "\"User\(index)\"", with: "\"\(name)\""), version: .v5)
        }
        let repair = try RepairFolderWriter(sourceRunDirectory: folder, directory: nil)
        let result = try await verifier(folder, second, .v5).verify(sample: nil, method: .list) {
            try repair.add(email: $0.email, sentItem: $0.sentItem, chunk: $0.chunk, item: $0.item)
        }
        #expect(result.checked == 12 && result.differing == 9 && result.missing == 8)
        #expect(try repair.finish() == 9)
        #expect(repair.directory == folder + "-repair")
        let manifest = try ManifestFile.read(runDirectory: repair.directory)
        #expect(manifest.counts.rows == 9 && manifest.counts.kept == 9 && manifest.chunks.count == 1)
        #expect(manifest.destination == (try ManifestFile.read(runDirectory: folder)).destination)
        let contacts = String(decoding: try #require(FileManager.default.contents(atPath: repair.directory + "/contacts.ndjson")), as: UTF8.self)
        #expect(contacts.hasPrefix(#"{"email":"user2@example.com","chunk":1,"item":0,"input":"input.csv","line":4}"#), "\(contacts)")

        // The repair folder uploads like any run folder, and afterwards nothing differs.
        let report = try await Uploader(runDirectory: repair.directory, target: second.target(.v5), options: fastOptions(), log: { _ in }).run()
        #expect(report.isComplete && report.accepted == 9)
        let again = try await verifier(folder, second, .v5).verify(sample: nil, method: .list)
        #expect(again.differing == 0)
        // A second repair folder of the same run does not overwrite the first.
        #expect(try RepairFolderWriter(sourceRunDirectory: folder, directory: nil).directory == folder + "-repair-2")
        #expect(throws: ExportError.self) { try RepairFolderWriter(sourceRunDirectory: folder, directory: repair.directory) }
    }

    @Test func aVerifyStoppedByAFailedLookupOrDuringTheComparisonContinuesWithoutRepeats() async throws {
        // Uploaded to one simulator; read back from another that holds the same 20 contacts (its
        // first 20 requests are those POSTs) and fails requests 31 and 32: the 11th lookup.
        let uploaded = try await SimulatorHarness.start()
        defer { Task { await uploaded.stop() } }
        let folder = try await uploaded.seed(contacts: 20, perChunk: 10, version: .v5)
        let readBack = try await SimulatorHarness.start(faults: "500@31-32")
        defer { Task { await readBack.stop() } }
        for index in 0..<20 {
            let item = index == 13 ? TestRunFolder.item(index).replacingOccurrences(of: "User13", with: "Changed") : TestRunFolder.item(index)
            try await readBack.postContact(item, version: .v5)
        }
        var settings = ContactPageReader.Settings()
        settings.rateLimitPerMinute = 0
        settings.retryPolicy = RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.02, maxRateLimitWait: 1)
        let verifier = ContactVerifier(runDirectory: folder, target: readBack.target(.v5), settings: settings)
        let progressPath = folder + "/.verify-progress.json"

        await #expect(throws: ExportError.self) { try await verifier.verify(sample: nil, method: .lookup) }
        let stopped = try #require(VerifyProgress.read(path: progressPath))
        #expect(stopped.nextCandidate == 10 && stopped.storedRead == 10 && stopped.requests == 12 && !stopped.readDone, "\(stopped)")

        // Stopped again during the comparison, after the read: the differences come from the spool.
        var notes: [String] = []
        await #expect(throws: ExportError.self) {
            try await verifier.verify(
                sample: nil, method: .lookup, onDifference: { _ in throw ExportError(.io, "stdout closed") }, note: { notes.append($0) })
        }
        #expect(notes.count == 1 && notes[0].hasPrefix("verify: continuing a stopped verify after 12 request(s), 10 stored contact(s) read"), "\(notes)")
        #expect(try #require(VerifyProgress.read(path: progressPath)).readDone)
        let requestsBefore = try await RateStormTests.requests(readBack).count

        var found: [ContactVerifier.Difference] = []
        let result = try await verifier.verify(sample: nil, method: .lookup) { found.append($0) }
        #expect(result.resumed && result.checked == 20 && result.differing == 1 && result.requests == 22 && result.storedRead == 20)
        #expect(found.map(\.item) == [3] && found.first?.chunk == 2)
        #expect(try await RateStormTests.requests(readBack).count == requestsBefore, "nothing read again")
        #expect(!FileManager.default.fileExists(atPath: progressPath) && !FileManager.default.fileExists(atPath: folder + "/.verify-spool"))

        // Another read method is another verify: it starts over, and says so.
        await #expect(throws: ExportError.self) {
            try await verifier.verify(sample: nil, method: .list, onDifference: { _ in throw ExportError(.io, "stdout closed") })
        }
        var other: [String] = []
        let again = try await verifier.verify(sample: nil, method: .lookup, note: { other.append($0) })
        #expect(other.count == 1 && other[0].contains("is of another verify"), "\(other)")
        #expect(!again.resumed && again.differing == 1 && again.requests == 20)
    }
}
