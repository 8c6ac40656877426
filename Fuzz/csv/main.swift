import ExportCore
import ExportFormats

/// libFuzzer entry: the input is a CSV file (its last byte also picks the delimiter and encoding).
/// It is read whole and in small pieces; both must give the same records, rejections and error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let pick = Int(bytes.last ?? 0)
    let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
    let encodings = CSVOptions.Encoding.allCases
    // Small limits, so the fuzzer reaches the size checks.
    let options = CSVOptions(
        delimiter: delimiters[pick & 3], encoding: encodings[(pick >> 2) % encodings.count], maxFieldBytes: 64,
        maxRecordBytes: 256)
    let whole = transcript(CSVReader(source: MemorySource(bytes), file: "fuzz.csv", options: options), limit: size)
    let pieces = transcript(
        CSVReader(source: PieceSource(bytes, seed: size), file: "fuzz.csv", options: options), limit: size)
    check(whole == pieces, "CSV read whole and in pieces differ:\n\(whole)\n---\n\(pieces)")
    return 0
}
