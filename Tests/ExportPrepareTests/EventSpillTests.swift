import ExportCore
import ExportPipeline
import ExportRuntime
import ExportTestSupport
import Foundation
import Testing
@testable import ExportContactRules
@testable import ExportPrepare

@Suite struct EventSpillTests {
    /// A description of an event that compares its content (a packed contact by its bytes).
    static func describe(_ event: RowEvent, _ arena: ByteArena) -> String {
        switch event {
        case .start(let p): return "start \(p.input) \(p.member ?? "-") \(p.memberFormat)"
        case .warning(let w): return "warning \(w)"
        case .malformed(let r): return "malformed \(r)"
        case .mapped(let origin, let result): return "mapped \(origin) \(result)"
        case .packed(let contact, let line, let index):
            let email = String(decoding: arena.bytes(contact.emailRange), as: UTF8.self)
            let item = String(decoding: arena.bytes(contact.itemRange), as: UTF8.self)
            return "packed \(line) \(index) \(email) \(item) \(contact.key == EmailKey(email)) \(contact.sortableDate as Any)"
        }
    }

    /// Every kind of event comes back as it went in, in order, across many buffer refills (long
    /// items, Unicode, empty and absent texts), from a file only its owner can read.
    @Test func everyEventComesBackInOrder() throws {
        let dir = try TemporaryDirectory()
        let spill = try EventSpill(runDirectory: dir.path)
        let arena = ByteArena(capacity: 64)
        var expected: [String] = []
        func add(_ event: RowEvent) throws {
            expected.append(Self.describe(event, arena))
            try spill.append(event, arena: arena)
        }
        let origin = RecordOrigin(file: "in.zip", member: "part-1.csv", line: 7, index: 5)
        try add(.start(RecordRun.InputPosition(input: 0, member: nil, memberFormat: "csv")))
        try add(.warning("bundle member x.bin skipped"))
        for n in 0..<3000 {
            let email = "ștefan.\(n)@example.com"
            let item = "{\"identifiers\":[],\"firstName\":\"" + String(repeating: "é", count: n % 700) + "\"}"
            arena.removeAll()
            let room = arena.reserve(email.utf8.count + item.utf8.count)
            _ = UnsafeMutableBufferPointer(rebasing: room[0..<email.utf8.count]).initialize(from: email.utf8)
            _ = UnsafeMutableBufferPointer(rebasing: room[email.utf8.count...]).initialize(from: item.utf8)
            arena.commit(email.utf8.count + item.utf8.count)
            let contact = PackedContact(
                key: EmailKey(email), start: 0, emailEnd: email.utf8.count, end: email.utf8.count + item.utf8.count,
                sortableDate: n % 3 == 0 ? nil : Int64(n) * 86_400 - 1_000_000)
            try add(.packed(contact, line: n + 2, index: n))
            switch n % 5 {
            case 0: try add(.malformed(Rejection(origin: origin, reason: "unequal_field_count", detail: "3 fields", email: nil)))
            case 1: try add(.mapped(origin, .rejected(reason: "email_invalid", detail: "no @", email: "")))
            case 2: try add(.mapped(origin, .filtered(detail: "where rule at m.yaml:3:5 not met")))
            case 3:
                try add(.mapped(origin, .contact(MappedContact(
                    email: "a\(n)@b.co", json: Array("{}".utf8),
                    warnings: [MappingWarning(field: "phone", code: "phone_invalid"), MappingWarning(field: "tags", code: "x")],
                    dedupeDate: n % 2 == 0 ? "2026-01-0\(n % 9 + 1)" : nil))))
            default:
                try add(.start(RecordRun.InputPosition(input: n, member: "m\(n).ndjson", memberFormat: "ndjson")))
            }
        }
        try spill.finishWriting()
        var attributes = stat()
        #expect(stat(spill.path, &attributes) == 0)
        #expect(attributes.st_mode & 0o777 == 0o600)

        var replayed: [String] = []
        try spill.replay { event, arena in replayed.append(Self.describe(event, arena)) }
        #expect(replayed.count == expected.count)
        #expect(replayed == expected)
        spill.remove()
        #expect(!FileManager.default.fileExists(atPath: spill.path))
    }

    /// A file cut short is an error, not fewer events.
    @Test func aTruncatedFileIsAnError() throws {
        let dir = try TemporaryDirectory()
        let spill = try EventSpill(runDirectory: dir.path)
        try spill.append(.warning("one"), arena: ByteArena())
        try spill.append(.warning("two"), arena: ByteArena())
        try spill.finishWriting()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: spill.path)[.size] as? Int)
        #expect(truncate(spill.path, off_t(size - 2)) == 0)
        var seen = 0
        #expect(throws: ExportError.self) { try spill.replay { _, _ in seen += 1 } }
        #expect(seen == 1)
    }
}
