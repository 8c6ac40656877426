import ExportChunks
import ExportCore
import ExportTestSupport
import Foundation
import Testing
@testable import ExportPrepare

@Suite struct SideFileWriterTests {
    @Test(arguments: [0, 7, 10, 99, 1_000_000, -1, -305, Int.max, Int.min])
    func decimalsMatchSwiftsOwn(value: Int) {
        var out: [UInt8] = [UInt8(ascii: "x")]
        SideFileWriter.appendDecimal(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x" + String(value))
    }

    /// Writes the same lines with and without a queue and returns the files' text and entries.
    func write(io: FileWorkQueue?, rows: Int) throws -> (String, RunManifest.FileEntry, String) {
        let dir = try TemporaryDirectory()
        var contacts = try SideFileWriter(runDirectory: dir.path, name: "contacts.ndjson", io: io)
        var duplicates = try SideFileWriter(runDirectory: dir.path, name: "duplicates.ndjson", io: io)
        for n in 0..<rows {
            let origin = RecordOrigin(file: "in \"\(n / 500)\".zip", member: n % 3 == 0 ? nil : "m.csv", line: n + 2, index: n)
            let email = Array("u\(n)@example.com".utf8)
            try email.withUnsafeBufferPointer { email in
                try contacts.contact(email: email, chunk: n / 1000 + 1, item: n % 1000, origin: origin)
                try duplicates.duplicate(origin: origin, email: email, keptInput: "k\(n % 2)", keptLine: n)
            }
        }
        let entry = try contacts.commit()
        _ = try duplicates.commit()
        let text = String(decoding: FileManager.default.contents(atPath: dir.path + "/contacts.ndjson") ?? Data(), as: UTF8.self)
        let other = String(decoding: FileManager.default.contents(atPath: dir.path + "/duplicates.ndjson") ?? Data(), as: UTF8.self)
        return (text, entry, other)
    }

    @Test func linesHaveTheFixedKeyOrderAndTheInputNameOfEachRow() throws {
        let (text, entry, duplicates) = try write(io: nil, rows: 4)
        let lines = text.split(separator: "\n")
        #expect(lines[0] == #"{"email":"u0@example.com","chunk":1,"item":0,"input":"in \"0\".zip","line":2}"#)
        #expect(lines[1] == #"{"email":"u1@example.com","chunk":1,"item":1,"input":"in \"0\".zip:m.csv","line":3}"#)
        #expect(lines[3] == #"{"email":"u3@example.com","chunk":1,"item":3,"input":"in \"0\".zip","line":5}"#)
        #expect(entry.lines == 4 && entry.bytes == text.utf8.count)
        #expect(duplicates.split(separator: "\n")[1]
            == #"{"input":"in \"0\".zip:m.csv","line":3,"email":"u1@example.com","keptInput":"k1","keptLine":1,"policy":"first"}"#)
    }

    @Test func aQueueGivesTheSameBytes() throws {
        let io = FileWorkQueue(name: "test-io")
        defer { io.close() }
        let queued = try write(io: io, rows: 20_000)  // several blocks
        let direct = try write(io: nil, rows: 20_000)
        #expect(queued.0 == direct.0)
        #expect(queued.1 == direct.1)
        #expect(queued.2 == direct.2)
        #expect(queued.1.lines == 20_000)
    }

    @Test func rejectsNameTheirReasonAndANullEmail() throws {
        let dir = try TemporaryDirectory()
        var rejects = try SideFileWriter(runDirectory: dir.path, name: "rejects.ndjson")
        let origin = RecordOrigin(file: "a.csv", line: 9, index: 7)
        try rejects.reject(Rejection(origin: origin, reason: "email_missing", detail: "no \"Email\"", email: nil))
        _ = try rejects.commit()
        let text = String(decoding: FileManager.default.contents(atPath: dir.path + "/rejects.ndjson") ?? Data(), as: UTF8.self)
        #expect(text == #"{"input":"a.csv","line":9,"reason":"email_missing","detail":"no \"Email\"","email":null}"# + "\n")
    }
}
