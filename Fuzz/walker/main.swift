import ExportCore
import ExportFormats
import ExportSources
import Foundation

/// libFuzzer entry: the input is a whole input file (CSV, NDJSON, gzip, zip, tar, …). It is
/// written to a temporary file and walked as `prepare` does (sniffing, gzip layers, bundle members
/// through libarchive), with small limits, and every logical input is read to the end by its
/// reader. Only `ExportError`s may come out; nothing may crash, hang or grow without bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWalker(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    _ = FileManager.default.createFile(atPath: WalkerFile.path, contents: Data(bytes))
    let limits = DecompressionLimits(maxBytesPerEntry: 4 << 20, maxBytesPerRun: 8 << 20, maxRatio: 1000,
        ratioCheckAfterBytes: 256 << 10)
    do {
        _ = try InputWalker.walk(
            path: WalkerFile.path, displayName: "fuzz.bin", forced: .auto, limits: limits,
            budget: DecompressionBudget(), warn: { _ in }
        ) { input, source in
            switch input.format {
            case .csv:
                _ = transcript(CSVReader(source: AnyByteSource(source), file: "fuzz.bin", member: input.member), limit: 16 << 20)
            case .ndjson:
                _ = transcript(NDJSONReader(source: AnyByteSource(source), file: "fuzz.bin", member: input.member), limit: 16 << 20)
            }
        }
    } catch is ExportError {
        return 0
    } catch {
        fatalError("InputWalker threw a non-ExportError: \(error)")
    }
    return 0
}

/// The one temporary file the walker target rewrites for every input.
enum WalkerFile {
    static let path = NSTemporaryDirectory() + "/fuzz-walker-\(getpid()).bin"
}
