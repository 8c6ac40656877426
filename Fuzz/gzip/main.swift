import ExportCore
import ExportSources

/// libFuzzer entry: the input is a gzip stream, inflated whole and in small pieces with a 1 MiB
/// limit. Both must end the same way (the same bytes, or the same error), and only `ExportError`s
/// are thrown. Before an error the two may have handed out different amounts of the damaged
/// member (zlib checks the CRC at the member's end, after its bytes came out in small reads), but
/// one must be a prefix of the other: nothing is invented.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let whole = inflate(MemorySource(bytes))
    let pieces = inflate(PieceSource(bytes, seed: size))
    let (shorter, longer) = whole.output.count <= pieces.output.count ? (whole.output, pieces.output) : (pieces.output, whole.output)
    let agree = whole.error == nil ? whole.output == pieces.output : longer.starts(with: shorter)
    check(agree && whole.error == pieces.error,
        "gzip read whole and in pieces differ: \(whole.output.count) bytes, \(whole.error ?? "-") vs \(pieces.output.count) bytes, \(pieces.error ?? "-")")
    return 0
}

/// Everything `GzipSource` yields from `upstream`, then its error.
func inflate<Upstream: ByteSource>(_ upstream: Upstream) -> (output: [UInt8], error: String?) {
    var output: [UInt8] = []
    do {
        let limits = DecompressionLimits(maxBytesPerEntry: 1 << 20, maxBytesPerRun: 1 << 20, maxRatio: 1000,
            ratioCheckAfterBytes: 64 << 10)
        var source = try GzipSource(upstream, name: "fuzz.gz", limits: limits)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            check(n >= 0 && n <= buffer.count, "read returned \(n)")
            if n == 0 { return (output, nil) }
            output += buffer[0..<n]
        }
    } catch let error as ExportError {
        return (output, "\(error.code.rawValue) \(error)")
    } catch {
        fatalError("GzipSource threw a non-ExportError: \(error)")
    }
}
