import ExportCore

/// A `ByteSource` that produces large inputs piece by piece (literal bytes, one byte repeated, a
/// pattern repeated) without ever holding them in memory, for memory-bound tests.
struct GeneratedSource: ByteSource {
    enum Part {
        case bytes([UInt8])
        case repeated(UInt8, Int)
        case pattern([UInt8], count: Int)
    }

    private var parts: [Part]
    private var part = 0
    private var offset = 0

    init(parts: [Part]) { self.parts = parts }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while part < parts.count {
            let length: Int
            switch parts[part] {
            case .bytes(let bytes): length = bytes.count
            case .repeated(_, let count): length = count
            case .pattern(let pattern, let count): length = pattern.count * count
            }
            let count = min(buffer.count, length - offset)
            guard count > 0 else {
                part += 1
                offset = 0
                continue
            }
            let out = buffer.bindMemory(to: UInt8.self)
            switch parts[part] {
            case .bytes(let bytes):
                for k in 0..<count { out[k] = bytes[offset + k] }
            case .repeated(let byte, _):
                out.baseAddress!.initialize(repeating: byte, count: count)
            case .pattern(let pattern, _):
                for k in 0..<count { out[k] = pattern[(offset + k) % pattern.count] }
            }
            offset += count
            return count
        }
        return 0
    }
}
