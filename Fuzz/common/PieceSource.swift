import ExportCore

/// A `ByteSource` over bytes in memory whose reads end at places chosen from the bytes themselves,
/// so a fuzzer input also decides how the reader sees it split.
struct PieceSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    private var step: Int

    /// Creates a source; `seed` picks the piece sizes (1 to 97 bytes).
    init(_ bytes: [UInt8], seed: Int) {
        self.bytes = bytes
        step = seed
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        step = (step &* 1_103_515_245 &+ 12_345) & 0x7FFF_FFFF
        let count = min(buffer.count, bytes.count - position, 1 + step % 97)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
}
