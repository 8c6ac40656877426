import ExportCore
import ExportPipeline

/// libFuzzer entry: the input is a pipeline file (its `mapping:` inline, or a file name that does
/// not exist). Loading it must give a pipeline or `PipelineErrors`; a pipeline's mapping is then
/// run over a few rows (`MapCheck`). Inputs naming `/dev`, `/proc` or `/sys` are skipped: a
/// pipeline is the user's own configuration, and `mapping: /dev/zero` would only test the fuzzer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeline(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    if ["/dev", "/proc", "/sys"].contains(where: { text.contains($0) }) { return 0 }
    let environment = ["HOME": "/nonexistent", "SEGMENT": "vip"]
    guard let pipeline = try? PipelineLoader.parse(text: text, path: "/nonexistent/fuzz/pipeline.yaml", environment: environment) else {
        return 0
    }
    MapCheck.run(pipeline.mapping, apiVersion: pipeline.destination.apiVersion, seed: size)
    return 0
}
