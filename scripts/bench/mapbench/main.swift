// The read+map micro-benchmark of issue 16 (docs/performance.md, "One mapping engine"): the
// record-path modules compiled with -O by scripts/bench/mapbench/build.sh, one input read from
// memory and every row mapped through `MappingProgram` (no dedupe, no chunks, no hashing).
import ExportCore
import ExportFormats
import ExportStages
#if canImport(Glibc)
import Glibc
#endif

// mapbench PIPELINE FILE csv|ndjson: reads FILE from memory and maps every row through the
// engine, timing read+map only (no dedupe, no chunk writing).
let args = CommandLine.arguments
let pipeline = try PipelineLoader.load(path: args[1], environment: [:])
let program = MappingProgram(plan: pipeline.mapping, apiVersion: .v5, runDate: "2026-12-03")
let fd = open(args[2], O_RDONLY)
var bytes: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 1 << 20)
while true {
    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
    if n <= 0 { break }
    bytes += chunk[0..<n]
}
var clock = timespec()
clock_gettime(CLOCK_MONOTONIC, &clock)
let start = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
let arena = ByteArena(capacity: 1 << 22)
var packed = 0, other = 0
var scratch = MappingProgram.Scratch()
if args[3] == "csv" {
    var reader = CSVReader(source: MemorySource(bytes), file: "in.csv")
    var columns: MappingProgram.Columns?
    while let outcome = try reader.nextRaw() {
        guard case .fields(let origin) = outcome else { other += 1; continue }
        if columns?.header !== reader.header { columns = program.bind(reader.header!) }
        if arena.count > 1 << 21 { arena.removeAll() }
        switch reader.withCurrentFields({ program.pack($0, columns: columns!, origin: origin, into: arena) }) {
        case .packed: packed += 1
        case .mapped: other += 1
        }
    }
} else {
    var reader = NDJSONReader(source: MemorySource(bytes), file: "in.ndjson")
    var columns: MappingProgram.Columns?
    var bound: BoundMapping?
    while let outcome = try reader.nextRaw() {
        if arena.count > 1 << 21 { arena.removeAll() }
        switch outcome {
        case .malformed: other += 1
        case .record(let record):
            if bound?.header !== record.header { bound = program.plan.bind(record.header) }
            _ = program.pack(record, bound: bound!, scratch: &scratch, into: arena)
            other += 1
        case .fields(let origin):
            if columns?.header !== reader.fieldsHeader { columns = program.bind(reader.fieldsHeader!) }
            switch reader.withCurrentFields({ program.pack($0, columns: columns!, origin: origin, into: arena) }) {
            case .packed: packed += 1
            case .mapped: other += 1
            }
        }
    }
}
clock_gettime(CLOCK_MONOTONIC, &clock)
let end = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
print("\((end - start) * 1000) ms, \(packed) packed, \(other) other")
