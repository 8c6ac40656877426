import ExportChunks
import ExportCore
import ExportPrepare
import ExportTestSupport
import Foundation
import Testing

@Suite struct PrepareJobTests {
    let header = "Email,FirstName,Segment\n"

    @Test func keepsRejectsAndNamesDuplicates() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header + """
            ana@example.ro,Ana,VIP
            not-an-email,Bad,VIP
            ,Nobody,VIP
            " ANA@Example.RO ",Ana2,VIP
            bob@example.com,Bob,Newsletter
            """ + "\n")
        try f.pipeline(inputs: ["in.csv"])
        let result = try f.prepare()
        let c = result.manifest.counts
        #expect((c.rows, c.kept, c.rejected, c.duplicates) == (5, 2, 2, 1))
        #expect(try f.emails() == ["ana@example.ro", "bob@example.com"])
        let rejects = f.objects("rejects.ndjson")
        #expect(rejects.map { $0["line"] as? Int } == [3, 4])
        #expect(rejects.map { $0["reason"] as? String } == ["email_invalid", "email_missing"])
        #expect(rejects.first?["input"] as? String == f.root + "/in.csv")
        let duplicates = f.objects("duplicates.ndjson")
        #expect(duplicates.count == 1)
        #expect(duplicates.first?["line"] as? Int == 5)
        #expect(duplicates.first?["keptLine"] as? Int == 2)
        #expect(duplicates.first?["email"] as? String == "ana@example.ro")
        let index = f.objects("contacts.ndjson")
        #expect(index.map { $0["line"] as? Int } == [2, 6])
        #expect(result.manifest.rejectReasons == ["email_invalid": 1, "email_missing": 1])
    }

    @Test func sameInputsGiveByteIdenticalRunFolders() throws {
        let f = try PrepareFixture()
        var csv = header
        for n in 0..<2500 { csv += "user\(n % 2100)@example.com,Name \(n),S\(n % 7)\n" }
        try f.directory.write("in.csv", csv)
        try f.pipeline(inputs: ["in.csv"], extra: "chunks: { max_items: 1000 }")
        let first = try f.prepare(out: "a")
        let second = try f.prepare(out: "b")
        #expect(first.manifest == second.manifest)
        #expect(first.manifest.chunks.map(\.contacts) == [1000, 1000, 100])
        for name in ["manifest.json", "rejects.ndjson", "duplicates.ndjson", "contacts.ndjson"]
            + first.manifest.chunks.map(\.file)
        {
            let a = FileManager.default.contents(atPath: f.root + "/a/" + name)
            let b = FileManager.default.contents(atPath: f.root + "/b/" + name)
            #expect(a != nil && a == b, "\(name) differs between two runs")
        }
    }

    @Test func chunksMatchTheirManifestEntries() throws {
        let f = try PrepareFixture()
        var csv = header
        for n in 0..<250 { csv += "p\(n)@example.com,\(String(repeating: "é", count: n)),S\n" }
        try f.directory.write("in.csv", csv)
        try f.pipeline(inputs: ["in.csv"], extra: "chunks: { max_items: 1000, max_bytes: 20000 }")
        let manifest = try f.prepare().manifest
        #expect(manifest.chunks.count > 1)
        for chunk in manifest.chunks {
            let bytes = try #require(FileManager.default.contents(atPath: f.root + "/run/" + chunk.file))
            #expect(bytes.count == chunk.bytes && bytes.count <= 20000)
        }
        #expect(try f.emails().count == 250)
        #expect(manifest.chunks.reduce(0) { $0 + $1.contacts } == 250)
    }

    @Test func lastAndNewestPoliciesKeepTheRightRow() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", "Email,FirstName,Segment,UpdatedAt\n" + """
            a@example.com,First,S,2026-03-01
            b@example.com,OnlyB,S,2026-01-01
            A@example.com,Second,S,2026-05-01
            a@example.com,Third,S,2026-04-01
            """ + "\n")
        try f.pipeline(inputs: ["in.csv"], dedupe: "last")
        let last = try f.prepare(out: "last")
        #expect(try f.emails(run: "last") == ["b@example.com", "a@example.com"])
        #expect(try f.contacts(run: "last").last?["firstName"] as? String == "Third")
        #expect(last.manifest.counts.duplicates == 2)
        let dups = f.objects("duplicates.ndjson", run: "last")
        #expect(dups.map { $0["keptLine"] as? Int } == [5, 5])

        try f.pipeline(inputs: ["in.csv"], dedupe: "{ keep: newest, field: UpdatedAt }")
        _ = try f.prepare(out: "newest")
        #expect(try f.emails(run: "newest") == ["b@example.com", "a@example.com"])
        #expect(try f.contacts(run: "newest").last?["firstName"] as? String == "Second")
    }

    @Test func commandLineInputsReplaceThePipelines() throws {
        let f = try PrepareFixture()
        try f.directory.write("a.csv", header + "a@example.com,A,S\n")
        try f.directory.write("b.csv", header + "b@example.com,B,S\n")
        try f.pipeline(inputs: ["a.csv"])
        _ = try f.prepare(inputs: [f.root + "/b.csv"])
        #expect(try f.emails() == ["b@example.com"])
    }

    @Test func globsReadEveryMatchInPathOrder() throws {
        let f = try PrepareFixture()
        try f.directory.write("parts/p2.csv", header + "two@example.com,T,S\n")
        try f.directory.write("parts/p1.csv", header + "one@example.com,O,S\n")
        try f.pipeline(inputs: ["parts/*.csv"])
        let manifest = try f.prepare().manifest
        #expect(try f.emails() == ["one@example.com", "two@example.com"])
        #expect(manifest.inputs.count == 2)
        #expect(manifest.inputs.allSatisfy { $0.counts.isBalanced && $0.counts.rows == 1 })
    }

    @Test func runFolderIsPrivate() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header + "a@example.com,A,S\n")
        try f.pipeline(inputs: ["in.csv"])
        _ = try f.prepare()
        var info = stat()
        stat(f.root + "/run", &info)
        #expect(info.st_mode & 0o777 == 0o700)
        for name in FileSystem.contents(of: f.root + "/run") where name != "chunks" {
            stat(f.root + "/run/" + name, &info)
            #expect(info.st_mode & 0o777 == 0o600, "\(name) is not 0600")
        }
    }

    @Test func defaultRunFolderGoesUnderRunsDir() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header + "a@example.com,A,S\n")
        let pipeline = try f.pipeline(inputs: ["in.csv"])
        let result = try PrepareJob(pipelinePath: pipeline, runDate: "2026-11-29").run(log: { _ in })
        #expect(result.runDirectory.hasPrefix(f.root + "/runs/test-"))
        #expect(FileSystem.exists(result.runDirectory + "/manifest.json"))
    }

    @Test func refusesAFolderThatAnUploadAlreadyUsed() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header + "a@example.com,A,S\n")
        try f.pipeline(inputs: ["in.csv"])
        _ = try f.prepare()
        try f.directory.write("run/checkpoint.sqlite", "x")
        #expect(throws: ExportError.self) { try f.prepare() }
    }

    @Test func rePrepareIntoAnUnfinishedFolderStartsClean() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", header + "a@example.com,A,S\n")
        try f.pipeline(inputs: ["in.csv"])
        // Leftovers of an interrupted prepare: a stale chunk and a temporary file, no manifest.
        try f.directory.write("run/chunks/chunk-000009.json", "{}")
        try f.directory.write("run/rejects.ndjson.tmp", "half")
        let result = try f.prepare()
        #expect(FileSystem.contents(of: f.root + "/run/chunks") == ["chunk-000001.json"])
        #expect(!FileSystem.contents(of: f.root + "/run").contains { $0.hasSuffix(".tmp") })
        #expect(result.manifest.chunks.count == 1)
    }
}
