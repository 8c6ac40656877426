import ExportFormats
import ExportTestSupport
import Foundation
import Testing
@testable import ExportPrepare

@Suite struct RecordRunTests {
    /// The dedupe table is sized from the inputs' sizes: 256 bytes a row, compressed files
    /// counted three times; a missing file counts nothing.
    @Test func expectedRowsFollowTheInputSizes() throws {
        let dir = try TemporaryDirectory()
        try Data(count: 25_600).write(to: URL(fileURLWithPath: dir.path + "/a.csv"))
        try Data(count: 2_560).write(to: URL(fileURLWithPath: dir.path + "/b.ndjson.GZ"))
        let inputs = ["a.csv", "b.ndjson.GZ", "missing.csv"].map {
            ResolvedInput(path: dir.path + "/" + $0, format: .auto, csv: CSVOptions())
        }
        #expect(RecordRun.expectedRows(inputs) == 100 + 30)
        #expect(RecordRun.expectedRows([]) == 0)
    }

    /// `keep: last` and `keep: newest` read the inputs in one pass (spilling the events to a
    /// temporary file, gone once the run is written) and give what the policies promise across
    /// inputs of both formats, with every row accounted for in its own input.
    @Test func lastAndNewestReadOncePerInputAndLeaveNoSpill() throws {
        let f = try PrepareFixture()
        try f.directory.write("a.csv", "Email,FirstName,Segment,UpdatedAt\n" + """
            a@example.com,First,S,2026-03-01
            not-an-email,Bad,S,2026-03-01
            b@example.com,OnlyB,S,2026-01-01
            """ + "\n")
        try f.directory.write("b.ndjson", """
            {"Email":"A@example.com","FirstName":"Second","Segment":"S","UpdatedAt":"2026-05-01"}
            {"UpdatedAt":"2026-04-01","Email":"a@example.com","FirstName":"Third"}
            {"Email":"c@example.com","FirstName":"C\\u00e9"}
            """ + "\n")
        for (policy, name) in [("last", "Third"), ("{ keep: newest, field: UpdatedAt }", "Second")] {
            try f.pipeline(inputs: ["a.csv", "b.ndjson"], dedupe: policy)
            let manifest = try f.prepare(out: "run").manifest
            #expect(try f.emails() == ["b@example.com", "a@example.com", "c@example.com"], "\(policy)")
            #expect(try f.contacts().first { ($0["firstName"] as? String) == name } != nil, "\(policy)")
            #expect(manifest.counts.rows == 6 && manifest.counts.kept == 3 && manifest.counts.duplicates == 2)
            #expect(manifest.counts.rejected == 1)
            #expect(manifest.inputs.map(\.counts.rows) == [3, 3])
            #expect(!FileManager.default.fileExists(atPath: f.root + "/run/" + EventSpill.name))
            #expect(f.objects("duplicates.ndjson").count == 2)
            try FileManager.default.removeItem(atPath: f.root + "/run")
        }
    }

    /// NDJSON lines whose keys vary (empty fields left out, another order, `\u` escapes, a key
    /// that first appears late) give the run the same data with every key on every line gives.
    @Test func ndjsonLinesThatVaryGiveTheSameChunksAsUniformLines() throws {
        let f = try PrepareFixture()
        try f.directory.write("mapping.yaml", """
            version: 1
            email: Email
            status: { value: subscribed }
            status_date: { value: "2026-01-01T00:00:00Z" }
            first_name: { column: FirstName, transforms: [title] }
            city: City
            tags:
              - { column: Segment, prefix: "segment: " }
            custom_properties:
              spend: { column: Spend, type: number }
            """)
        let uniform = [
            #"{"Email":"a@example.com","FirstName":"ana","City":"","Segment":"VIP","Spend":12.5}"#,
            #"{"Email":"b@example.com","FirstName":"ion","City":"Iași","Segment":"","Spend":null}"#,
            #"{"Email":"c@example.com","FirstName":"zoë","City":"Cluj","Segment":"New","Spend":3}"#,
            #"{"Email":"a@example.com","FirstName":"dup","City":"","Segment":"","Spend":null}"#,
        ]
        let varied = [
            #"{"Email":"a@example.com","FirstName":"ana","Segment":"VIP","Spend":12.5}"#,
            #"{"City":"Ia\u0219i","FirstName":"ion","Email":"b@example.com"}"#,
            #"{"Spend":3,"Segment":"New","City":"Cluj","FirstName":"zo\u00eb","Email":"c@example.com"}"#,
            #"{"Email":"a@example.com","FirstName":"dup"}"#,
        ]
        try f.directory.write("u/in.ndjson", uniform.joined(separator: "\n") + "\n")
        try f.directory.write("v/in.ndjson", varied.joined(separator: "\n") + "\n")
        try f.pipeline(inputs: ["u/in.ndjson"])
        let a = try f.prepare(out: "u-run").manifest
        try f.pipeline(inputs: ["v/in.ndjson"])
        let b = try f.prepare(out: "v-run").manifest
        #expect(a.counts == b.counts)
        #expect(a.chunks.count == 1 && a.chunks.map(\.sha256) == b.chunks.map(\.sha256))
        let chunk = try String(contentsOfFile: f.root + "/v-run/" + b.chunks[0].file, encoding: .utf8)
        #expect(chunk.contains(#""city":"Iași""#) && chunk.contains(#""firstName":"Zoë""#))
    }
}
