import CExportZlib
import ExportCore

/// Owns a zlib inflate stream (gzip wrapper, `windowBits` 15+16) and its input buffer.
///
/// zlib checks each member's CRC-32 and ISIZE itself and reports a mismatch as `Z_DATA_ERROR`.
final class ZlibInflater {
    /// The stream; `next_in`/`avail_in` point into `input`.
    let stream: UnsafeMutablePointer<z_stream>
    /// Compressed bytes waiting to be inflated.
    let input: UnsafeMutableRawBufferPointer
    /// How many bytes of `input` the last refill filled.
    var filled = 0

    /// Creates an inflater with an input buffer of `capacity` bytes.
    init(capacity: Int, name: String) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: capacity, alignment: 16)
        let status = CExportZlib_inflateInit2(stream, 15 + 16)
        guard status == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw ExportError(.internal, "zlib inflateInit2 failed with status \(status)", path: name)
        }
    }

    /// Bytes of `input` not yet consumed by zlib.
    var available: Int { Int(stream.pointee.avail_in) }

    /// Bytes of `input` consumed by zlib since the last refill.
    var consumedInBuffer: Int { filled - available }

    /// The next unconsumed input byte; only valid when `available > 0`.
    var nextByte: UInt8 { stream.pointee.next_in.pointee }

    /// Marks one input byte consumed without inflating it (used to skip zero padding).
    func skipByte() {
        stream.pointee.next_in += 1
        stream.pointee.avail_in -= 1
    }

    /// Points zlib at the first `count` bytes of `input` after they have been refilled.
    func setInput(count: Int) {
        filled = count
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(count)
    }

    /// Inflates into `output`; returns zlib's status and the bytes written.
    func inflate(into output: UnsafeMutableRawBufferPointer) -> (status: Int32, produced: Int) {
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(output.count, Int(UInt32.max)))
        let before = Int(stream.pointee.avail_out)
        let status = CExportZlib.inflate(stream, Z_NO_FLUSH)
        return (status, before - Int(stream.pointee.avail_out))
    }

    /// Prepares for the next gzip member, keeping the unconsumed input.
    func reset() { inflateReset(stream) }

    /// zlib's message for the last error, if any.
    var message: String? { stream.pointee.msg.map { String(cString: $0) } }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }
}
