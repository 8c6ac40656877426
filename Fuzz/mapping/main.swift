import ExportCore
import ExportPipeline

/// libFuzzer entry: the input is a mapping file. Loading it must give a plan or `PipelineErrors`
/// (never a crash or a hang); a plan is then run over a few rows (`MapCheck`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapping(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    guard let plan = try? MappingLoader.parse(text: text, file: "fuzz-mapping.yaml", environment: ["HOME": "/nonexistent"]) else {
        return 0
    }
    MapCheck.run(plan, apiVersion: .v5, seed: size)
    return 0
}
