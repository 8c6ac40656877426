import ExportCore

/// A `ByteSource` over bytes in memory that hands them out in pieces of chosen sizes, to prove a
/// reader does not depend on where reads happen to end (NIO's decoder verifier, Benthos `microReader`).
public struct ChunkedSource: ByteSource {
    private let bytes: [UInt8]
    private let pieceSizes: [Int]
    private var position = 0
    private var piece = 0

    /// Creates a source whose reads return at most `pieceSizes[0]`, then `pieceSizes[1]`, … bytes,
    /// cycling through the list (sizes below 1 count as 1).
    public init(_ bytes: [UInt8], pieceSizes: [Int]) {
        precondition(!pieceSizes.isEmpty, "pieceSizes must not be empty")
        self.bytes = bytes
        self.pieceSizes = pieceSizes
    }

    /// Creates a source whose reads return at most `pieceSize` bytes each.
    public init(_ bytes: [UInt8], pieceSize: Int) { self.init(bytes, pieceSizes: [pieceSize]) }

    /// Creates a source that cuts `bytes` at seeded random places, from 1 byte to a few KiB per read.
    public init(_ bytes: [UInt8], seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let sizes = (0..<64).map { _ -> Int in
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return 1
            case 1: return Int.random(in: 2...16, using: &random)
            case 2: return Int.random(in: 17...512, using: &random)
            default: return Int.random(in: 513...8192, using: &random)
            }
        }
        self.init(bytes, pieceSizes: sizes)
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - position, max(1, pieceSizes[piece % pieceSizes.count]))
        guard count > 0 else { return 0 }
        piece += 1
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}
