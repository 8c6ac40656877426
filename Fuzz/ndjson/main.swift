import ExportCore
import ExportFormats

/// libFuzzer entry: the input is an NDJSON file, read whole and in small pieces with a 256-byte
/// line limit; both must give the same records, rejections and error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let whole = transcript(NDJSONReader(source: MemorySource(bytes), file: "fuzz.ndjson", maxLineBytes: 256), limit: size)
    let pieces = transcript(
        NDJSONReader(source: PieceSource(bytes, seed: size), file: "fuzz.ndjson", maxLineBytes: 256), limit: size)
    check(whole == pieces, "NDJSON read whole and in pieces differ:\n\(whole)\n---\n\(pieces)")
    return 0
}
