import ExportCore
import ExportFormats
import ExportPipeline
import ExportPrepare
import ExportSources
import ExportTestSupport
import Foundation
import Testing

/// Replays every committed fuzzer input (`Fuzz/<target>/seeds/` and `Fuzz/<target>/regressions/`)
/// through the code path its libFuzzer target drives (`Fuzz/<target>/main.swift`), with the same
/// checks, so a crash the fuzzer found becomes a failing test. The readers are also read in many
/// splittings (`ReaderVerifier`), a stricter check than the fuzzer's two.
@Suite struct FuzzRegressionTests {
    static let fuzzFolder = SharedFolder.packageRoot + "/Fuzz"

    /// Every committed input of `target`, as (name, bytes).
    static func inputs(_ target: String) -> [(String, [UInt8])] {
        ["seeds", "regressions"].flatMap { kind -> [(String, [UInt8])] in
            let folder = "\(fuzzFolder)/\(target)/\(kind)"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().compactMap { name in
                FileManager.default.contents(atPath: folder + "/" + name).map { ("\(kind)/\(name)", [UInt8]($0)) }
            }
        }
    }

    @Test(arguments: ["csv", "ndjson", "gzip", "walker", "mapping", "pipeline"])
    func everyTargetHasSeeds(target: String) {
        #expect(!Self.inputs(target).filter { $0.0.hasPrefix("seeds/") }.isEmpty, "Fuzz/\(target)/seeds is empty")
    }

    @Test func csvInputsReadTheSameInEverySplitting() throws {
        for (name, bytes) in Self.inputs("csv") {
            let pick = Int(bytes.last ?? 0)
            let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
            let encodings = CSVOptions.Encoding.allCases
            let options = CSVOptions(
                delimiter: delimiters[pick & 3], encoding: encodings[(pick >> 2) % encodings.count], maxFieldBytes: 64,
                maxRecordBytes: 256)
            do {
                let transcript = try ReaderVerifier.verify(bytes: bytes, randomSplits: 3) {
                    CSVReader(source: $0, file: "fuzz.csv", options: options)
                }
                #expect(transcript.records.allSatisfy { $0.values.count == $0.header.names.count }, "\(name)")
            } catch {
                Issue.record("Fuzz/csv/\(name): \(error)")
            }
        }
    }

    @Test func ndjsonInputsReadTheSameInEverySplitting() throws {
        for (name, bytes) in Self.inputs("ndjson") {
            do {
                try ReaderVerifier.verify(bytes: bytes, randomSplits: 3) {
                    NDJSONReader(source: $0, file: "fuzz.ndjson", maxLineBytes: 256)
                }
            } catch {
                Issue.record("Fuzz/ndjson/\(name): \(error)")
            }
        }
    }

    @Test func gzipInputsEndTheSameWholeAndInPieces() throws {
        for (name, bytes) in Self.inputs("gzip") {
            let whole = try Self.inflate(ChunkedSource(bytes, pieceSize: max(1, bytes.count)))
            for pieceSize in [1, 7, 4096] {
                let pieces = try Self.inflate(ChunkedSource(bytes, pieceSize: pieceSize))
                #expect(pieces.error == whole.error, "Fuzz/gzip/\(name), \(pieceSize)-byte pieces")
                if whole.error == nil {
                    #expect(pieces.output == whole.output, "Fuzz/gzip/\(name), \(pieceSize)-byte pieces")
                } else {
                    let (short, long) = whole.output.count <= pieces.output.count ? (whole.output, pieces.output) : (pieces.output, whole.output)
                    #expect(long.starts(with: short), "Fuzz/gzip/\(name): the bytes before the error differ")
                }
            }
        }
    }

    /// Everything `GzipSource` yields (1 MiB limit, as the fuzz target), then its error.
    static func inflate(_ upstream: ChunkedSource) throws -> (output: [UInt8], error: ExportError?) {
        var output: [UInt8] = []
        do {
            let limits = DecompressionLimits(
                maxBytesPerEntry: 1 << 20, maxBytesPerRun: 1 << 20, maxRatio: 1000, ratioCheckAfterBytes: 64 << 10)
            var source = try GzipSource(upstream, name: "fuzz.gz", limits: limits)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { return (output, nil) }
                output += buffer[0..<n]
            }
        } catch let error as ExportError {
            return (output, error)
        }
    }

    @Test func walkerInputsAreReadOrRefusedWithAnExportError() throws {
        let directory = try TemporaryDirectory(prefix: "fuzz-walker")
        for (name, bytes) in Self.inputs("walker") {
            let path = try directory.write("fuzz.bin", bytes)
            let limits = DecompressionLimits(
                maxBytesPerEntry: 4 << 20, maxBytesPerRun: 8 << 20, maxRatio: 1000, ratioCheckAfterBytes: 256 << 10)
            do {
                _ = try InputWalker.walk(
                    path: path, displayName: "fuzz.bin", forced: .auto, limits: limits, budget: DecompressionBudget(),
                    warn: { _ in }
                ) { input, source in
                    let limit = 16 << 20
                    switch input.format {
                    case .csv:
                        _ = try ReaderVerifier.transcript(
                            of: CSVReader(source: AnyByteSource(source), file: "fuzz.bin", member: input.member), limit: limit)
                    case .ndjson:
                        _ = try ReaderVerifier.transcript(
                            of: NDJSONReader(source: AnyByteSource(source), file: "fuzz.bin", member: input.member), limit: limit)
                    }
                }
            } catch let error as ExportError {
                #expect(error.path?.hasPrefix("fuzz.bin") ?? true, "Fuzz/walker/\(name): \(error)")
            } catch {
                Issue.record("Fuzz/walker/\(name): not an ExportError: \(error)")
            }
        }
    }

    @Test func mappingInputsLoadOrReportProblemsAndMapToValidJSON() {
        var loaded = 0
        var refused: [String] = []
        for (name, bytes) in Self.inputs("mapping") {
            let text = String(decoding: bytes, as: UTF8.self)
            let plan: MappingPlan
            do {
                plan = try MappingLoader.parse(text: text, file: "fuzz-mapping.yaml", environment: ["HOME": "/nonexistent"])
            } catch {
                refused.append("\(name): \(error.problems.first.map { "\($0.line):\($0.column) \($0.message)" } ?? "")")
                continue
            }
            loaded += 1
            Self.expectValidContacts(plan, apiVersion: .v5, seed: bytes.count, input: "Fuzz/mapping/\(name)")
        }
        #expect(loaded >= 3, "the mapping seeds should load, or the fuzzer never reaches the mapper: \(refused)")
    }

    @Test func pipelineInputsLoadOrReportProblemsAndMapToValidJSON() {
        var loaded = 0
        for (name, bytes) in Self.inputs("pipeline") {
            let text = String(decoding: bytes, as: UTF8.self)
            if ["/dev", "/proc", "/sys"].contains(where: { text.contains($0) }) { continue }
            let environment = ["HOME": "/nonexistent", "SEGMENT": "vip"]
            guard let pipeline = try? PipelineLoader.parse(
                text: text, path: "/nonexistent/fuzz/pipeline.yaml", environment: environment)
            else { continue }
            loaded += 1
            Self.expectValidContacts(
                pipeline.mapping, apiVersion: pipeline.destination.apiVersion, seed: bytes.count,
                input: "Fuzz/pipeline/\(name)")
        }
        #expect(loaded >= 1, "a pipeline seed with an inline mapping should load")
    }

    /// The values of `Fuzz/common/stages/MapCheck.swift`.
    static let samples = [
        "", " ", "a@example.com", "  Mixed.Case+tag@Example.COM ", "not an email", "2026-01-31",
        "31/12/1999 23:59", "1e309", "-0", "+1 (555) 010-9999", "LT", "Lithuania", "true", "\u{0}",
        "\"quoted\"\\", "\u{1F600}\u{301}", "a,b;c", String(repeating: "x", count: 300),
    ]

    /// Maps the rows `MapCheck` maps and expects every contact to be valid JSON, and the same
    /// from the engine as from the reference.
    static func expectValidContacts(_ plan: MappingPlan, apiVersion: APIVersion, seed: Int, input: String) {
        let names = plan.columnNames
        let header = Header(names)
        let mapper = ContactMapper(plan: plan, apiVersion: apiVersion, runDate: "2026-11-29")
        let program = MappingProgram(plan: plan, apiVersion: apiVersion, runDate: "2026-11-29")
        let columns = program.bind(header)
        var scratch = MappingProgram.Scratch()
        for row in 0..<4 {
            let texts = names.indices.map { i in samples[(seed &+ row &* 7 &+ i &* 3) & 0xFFFF % samples.count] }
            let record = Record(
                header: header, values: texts.map(FieldValue.string),
                origin: RecordOrigin(file: "fuzz.csv", line: row + 2, index: row))
            let result = mapper.map(record)
            if case .contact(let contact) = result {
                let valid = contact.json.withUnsafeBytes { (try? JSONValueParser.parse($0)) != nil }
                #expect(valid, "\(input): invalid JSON \(String(decoding: contact.json, as: UTF8.self))")
            }
            let direct = RawFields.with(texts) {
                program.map($0, columns: columns, origin: record.origin, scratch: &scratch)
            }
            #expect(direct == result, "\(input): MappingProgram and ContactMapper differ")
        }
    }
}

/// Hostile shapes of input through the whole `prepare` job: each ends in records, rejects with
/// their line, or a clear error naming the file, never a crash, and with bounded memory.
@Suite(.serialized) struct ResourceLimitTests {
    /// Rows of the streamed one-column file. 2 million (about 32 MB) keeps the test near 30 s in a
    /// debug build; `scripts/reliability.sh` runs the same test with 10 million (HOSTILE_ROWS).
    static let manyRows = ProcessInfo.processInfo.environment["HOSTILE_ROWS"].flatMap(Int.init) ?? 2_000_000

    /// Resets the process's peak resident size (Linux `clear_refs` 5) and returns the current
    /// size, so `peakGrowth(since:)` measures only what follows; `nil` where that is not possible.
    static func resetPeak() -> Int? {
        guard FileManager.default.isWritableFile(atPath: "/proc/self/clear_refs"),
            (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        else { return nil }
        return status("VmRSS")
    }

    /// How far the peak resident size rose above `baseline`, in bytes.
    static func peakGrowth(since baseline: Int) -> Int { max(0, (status("VmHWM") ?? 0) - baseline) }

    /// A `kB` line of `/proc/self/status`, in bytes.
    static func status(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }

    /// Writes `count` lines made by `line` to `path`, 1 MiB at a time (never the whole file in memory).
    static func stream(to path: String, count: Int, header: String? = nil, line: (Int, inout [UInt8]) -> Void) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var block: [UInt8] = Array((header ?? "").utf8)
        block.reserveCapacity(1 << 20 + 256)
        for n in 0..<count {
            line(n, &block)
            if block.count >= 1 << 20 {
                try handle.write(contentsOf: block)
                block.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: block)
    }

    /// Runs prepare and returns the error it threw, expecting no manifest.
    static func expectFailure(_ f: PrepareFixture, mentions: [String]) -> ExportError? {
        do {
            _ = try f.prepare()
            Issue.record("expected prepare to fail")
            return nil
        } catch let error as ExportError {
            for text in mentions { #expect(error.description.contains(text), "\(error.description)") }
            #expect(!FileManager.default.fileExists(atPath: f.root + "/run/manifest.json"))
            return error
        } catch {
            Issue.record("not an ExportError: \(error)")
            return nil
        }
    }

    @Test func thePeakMeasurementSeesAnAllocation() throws {
        guard let baseline = Self.resetPeak() else { return }
        var block = [UInt8](repeating: 1, count: 64 << 20)
        block[block.count / 2] = 2
        #expect(block.reduce(0) { $0 &+ Int($1) } > 0)
        #expect(Self.peakGrowth(since: baseline) >= 60 << 20)
    }

    @Test func tenThousandColumnsAreRead() throws {
        let f = try PrepareFixture()
        let names = ["Email", "FirstName", "Segment"] + (4...10_000).map { "Column\($0)" }
        let filler = String(repeating: ",v", count: 10_000 - 3)
        try Self.stream(to: f.root + "/wide.csv", count: 200, header: names.joined(separator: ",") + "\n") { n, block in
            block += Array("u\(n)@example.com,Name\(n),S\(filler)\n".utf8)
        }
        try f.pipeline(inputs: ["wide.csv"])
        let result = try f.prepare()
        #expect(result.manifest.counts.rows == 200)
        #expect(result.manifest.counts.kept == 200)
        #expect(try f.emails().last == "u199@example.com")
    }

    @Test func millionsOfOneColumnRowsStreamInBoundedMemory() throws {
        let f = try PrepareFixture()
        try f.directory.write("mapping.yaml", """
            version: 1
            email: Email
            status: { value: subscribed }
            status_date: { value: "2026-01-01T00:00:00Z" }
            where:
              - { column: Email, equals: keep@example.com }
            """)
        let path = f.root + "/many.csv"
        try Self.stream(to: path, count: Self.manyRows, header: "Email\n") { n, block in
            block += n == 1234 ? Array("keep@example.com\n".utf8) : Array("r\(n)@example.com\n".utf8)
        }
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        try f.pipeline(inputs: ["many.csv"])
        let baseline = Self.resetPeak()
        let started = Date()
        let result = try f.prepare()
        let seconds = Date().timeIntervalSince(started)
        #expect(result.manifest.counts.rows == Self.manyRows)
        #expect(result.manifest.counts.kept == 1)
        #expect(result.manifest.counts.filtered == Self.manyRows - 1)
        if let baseline {
            let growth = Self.peakGrowth(since: baseline)
            print("hostile: \(Self.manyRows) rows, \(fileBytes) bytes, \(Int(seconds)) s, RSS before \(baseline >> 20) MiB, peak growth \(growth >> 20) MiB")
            #expect(growth < 96 << 20, "peak RSS grew by \(growth >> 20) MiB reading a \(fileBytes >> 20) MiB file")
        }
    }

    @Test func fiftyMegabytesWithoutALineBreakIsAClearError() throws {
        let f = try PrepareFixture()
        try Self.stream(to: f.root + "/flat.csv", count: 50) { _, block in
            block += [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        }
        try f.pipeline(inputs: ["flat.csv"])
        let baseline = Self.resetPeak()
        let error = Self.expectFailure(f, mentions: ["flat.csv", "header row is too large"])
        #expect(error?.code == .limitExceeded)
        if let baseline { #expect(Self.peakGrowth(since: baseline) < 48 << 20) }
    }

    @Test func fiftyMegabyteNDJSONLineIsRejectedWithItsLine() throws {
        let f = try PrepareFixture()
        try Self.stream(to: f.root + "/flat.ndjson", count: 52) { n, block in
            switch n {
            case 0: block += Array("{\"Email\":\"a@example.com\",\"FirstName\":\"A\",\"Segment\":\"S\"}\n{\"Email\":\"".utf8)
            case 51: block += Array("\"}\n{\"Email\":\"b@example.com\",\"FirstName\":\"B\",\"Segment\":\"S\"}".utf8)
            default: block += [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
            }
        }
        try f.pipeline(inputs: ["flat.ndjson"])
        let baseline = Self.resetPeak()
        let result = try f.prepare()
        #expect(result.manifest.counts.kept == 2)
        #expect(f.objects("rejects.ndjson").map { $0["line"] as? Int } == [2])
        #expect(f.objects("rejects.ndjson").first?["reason"] as? String == "line_too_large")
        if let baseline { #expect(Self.peakGrowth(since: baseline) < 48 << 20) }
    }

    @Test func nulBytesAreOrdinaryAndEscapedInTheChunk() throws {
        let f = try PrepareFixture()
        try f.directory.write(
            "nul.csv", Array("Email,FirstName,Segment\na@example.com,Jo".utf8) + [0] + Array("hn,S\n".utf8) + [0, 0, 0, 10])
        try f.pipeline(inputs: ["nul.csv"])
        let result = try f.prepare()
        #expect(result.manifest.counts.kept == 1)
        #expect(f.objects("rejects.ndjson").first?["reason"] as? String == "field_count")
        let chunk = try String(contentsOfFile: f.root + "/run/" + result.manifest.chunks[0].file, encoding: .utf8)
        #expect(chunk.contains("Jo\\u0000hn"))
        #expect(try f.contacts().first?["firstName"] as? String == "Jo\u{0}hn")
    }

    @Test func aFileOfNulBytesIsRefused() throws {
        let f = try PrepareFixture()
        try f.directory.write("zeros.csv", [UInt8](repeating: 0, count: 4 << 20))
        try f.pipeline(inputs: ["zeros.csv"])
        _ = Self.expectFailure(f, mentions: ["zeros.csv"])
    }

    @Test func utf16WithAByteOrderMarkIsRefusedClearly() throws {
        let f = try PrepareFixture()
        let text = "Email,FirstName,Segment\r\na@example.com,A,S\r\n"
        try f.directory.write("utf16.csv", [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        try f.directory.write("utf16be.csv", [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        for name in ["utf16.csv", "utf16be.csv"] {
            try f.pipeline(inputs: [name])
            _ = Self.expectFailure(f, mentions: [name, "UTF-8"])
        }
    }

    @Test func aFieldOneByteOverTheLimitIsRejectedWithItsLine() throws {
        let f = try PrepareFixture()
        let header = "Email,FirstName,Segment,Notes\n"
        let atLimit = String(repeating: "n", count: 1 << 20)
        try f.directory.write(
            "big.csv", header + "a@example.com,A,S,\(atLimit)\nb@example.com,B,S,\(atLimit)n\nc@example.com,C,S,short\n")
        try f.pipeline(inputs: ["big.csv"])
        let result = try f.prepare()
        #expect(try f.emails() == ["a@example.com", "c@example.com"])
        #expect(f.objects("rejects.ndjson").map { $0["line"] as? Int } == [3])
        #expect(f.objects("rejects.ndjson").first?["reason"] as? String == "field_too_large")
        #expect(result.manifest.counts.rejected == 1)
    }

    @Test func theFieldLimitIsConfigurable() throws {
        let f = try PrepareFixture()
        try f.directory.write("in.csv", "Email,FirstName,Segment\na@example.com,\(String(repeating: "y", count: 2000)),S\nb@example.com,B,S\n")
        try f.pipeline(inputs: ["in.csv"], extra: "limits: { max_field_bytes: 1024 }")
        let result = try f.prepare()
        #expect(result.manifest.counts.kept == 1)
        #expect(f.objects("rejects.ndjson").first?["reason"] as? String == "field_too_large")
        #expect(f.objects("rejects.ndjson").first?["line"] as? Int == 2)
    }

    @Test func theRecordLimitIsConfigurable() throws {
        let f = try PrepareFixture()
        let part = String(repeating: "y", count: 900)
        try f.directory.write("in.csv", "Email,FirstName,Segment\na@example.com,\(part),\(part)\nb@example.com,B,S\n")
        try f.pipeline(inputs: ["in.csv"], extra: "limits: { max_field_bytes: 1024, max_record_bytes: 1500 }")
        let result = try f.prepare()
        #expect(result.manifest.counts.kept == 1)
        #expect(f.objects("rejects.ndjson").first?["reason"] as? String == "record_too_large")
        #expect(f.objects("rejects.ndjson").first?["line"] as? Int == 2)
        try f.pipeline(inputs: ["in.csv"], extra: "limits: { max_field_bytes: 1024 }")
        #expect(try f.prepare().manifest.counts.kept == 2)
    }
}

/// Compressed hostile input through the whole `prepare` job: a bomb stops at a limit that a
/// pipeline setting raises, a corrupt stream names its offset, and neither leaves a manifest;
/// the same folder prepares cleanly afterwards.
@Suite struct CompressedInputTests {
    @Test func gzipBombStopsAtTheRatioLimitAndTheSettingRaisesIt() throws {
        let f = try PrepareFixture()
        let blankLines = [UInt8](repeating: UInt8(ascii: "\n"), count: 64 << 20)
        try f.directory.write("bomb.csv.gz", try gzip(Array("Email,FirstName,Segment\n".utf8) + blankLines))
        try f.pipeline(inputs: ["bomb.csv.gz"])
        let error = ResourceLimitTests.expectFailure(f, mentions: ["bomb.csv.gz", "limits.max_ratio"])
        #expect(error?.code == .limitExceeded)

        try f.pipeline(inputs: ["bomb.csv.gz"], extra: "limits: { max_ratio: 100000, min_kept: 0 }")
        let result = try f.prepare()
        #expect(result.manifest.counts.rows == 0)
    }

    @Test func gzipBombStopsAtTheEntryLimit() throws {
        let f = try PrepareFixture()
        var text = "Email,FirstName,Segment\n"
        for n in 0..<20_000 { text += "user\(n)@example.com,Name\(n),S\n" }
        try f.directory.write("in.csv.gz", try gzip(Array(text.utf8)))
        try f.pipeline(inputs: ["in.csv.gz"], extra: "limits: { max_entry_bytes: 100000 }")
        let error = ResourceLimitTests.expectFailure(f, mentions: ["in.csv.gz", "limits.max_entry_bytes"])
        #expect(error?.code == .limitExceeded)
    }

    @Test func corruptGzipNamesTheOffsetAndTheFolderPreparesAfterwards() throws {
        let f = try PrepareFixture()
        var text = "Email,FirstName,Segment\n"
        for n in 0..<5_000 { text += "user\(n)@example.com,Name\(n),S\n" }
        var bytes = try gzip(Array(text.utf8))
        bytes[bytes.count / 2] ^= 0xFF
        try f.directory.write("in.csv.gz", bytes)
        try f.pipeline(inputs: ["in.csv.gz"])
        let error = ResourceLimitTests.expectFailure(f, mentions: ["in.csv.gz", "compressed byte offset"])
        #expect(error?.code == .corruptInput)

        try f.directory.write("in.csv.gz", try gzip(Array(text.utf8)))
        let result = try f.prepare()
        #expect(result.manifest.counts.kept == 5_000)
    }
}
