import CExportZlib
import ExportCore

/// Decompresses a gzip stream from `Upstream` through zlib, streaming and CRC-checked.
///
/// Concatenated members (`cat a.gz b.gz`) are read one after another, empty members included.
/// Zero bytes after the last member (tape-style padding) are accepted, as gzip(1) does; any other
/// trailing data is an error. Truncated or corrupt data throws `ExportError(.corruptInput)` naming
/// the compressed byte offset. Output is checked against `DecompressionLimits`.
///
/// Copies share the zlib state: read from one copy only.
public struct GzipSource<Upstream: ByteSource>: ByteSource {
    private enum State { case start, inMember, betweenMembers, finished }

    private var upstream: Upstream
    private let inflater: ZlibInflater
    private var meter: DecompressionMeter
    private var state = State.start
    private var upstreamEnded = false
    /// Compressed bytes consumed before the current input buffer.
    private var consumedBefore: Int64 = 0
    private var member = 0
    private var memberStart: Int64 = 0
    private var memberProduced = false
    private var sawZeroPadding = false

    /// Wraps `upstream`; `name` (the file, or `file:member`) is what errors print.
    public init(
        _ upstream: Upstream, name: String, limits: DecompressionLimits = DecompressionLimits(),
        budget: DecompressionBudget = DecompressionBudget()
    ) throws {
        self.upstream = upstream
        self.inflater = try ZlibInflater(capacity: 64 * 1024, name: name)
        self.meter = DecompressionMeter(limits: limits, budget: budget, name: name)
    }

    /// Compressed bytes consumed so far.
    public var compressedOffset: Int64 { consumedBefore + Int64(inflater.consumedInBuffer) }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            switch state {
            case .finished:
                return 0
            case .start, .betweenMembers:
                try startNextMember()
            case .inMember:
                let produced = try inflateStep(into: buffer)
                if produced > 0 {
                    try meter.record(produced, compressed: compressedOffset)
                    return produced
                }
            }
        }
    }

    /// Between members: skips zero padding, ends the stream at end of input, or starts a member.
    private mutating func startNextMember() throws {
        if inflater.available == 0 {
            if upstreamEnded {
                if state == .start { throw corrupt("is empty (0 bytes), not a gzip stream") }
                state = .finished
                return
            }
            try refill()
            return
        }
        if state == .betweenMembers {
            if inflater.nextByte == 0 {
                sawZeroPadding = true
                inflater.skipByte()
                return
            }
            if sawZeroPadding {
                throw corrupt("non-zero data after the zero padding that follows member \(member)")
            }
            inflater.reset()
        }
        member += 1
        memberStart = compressedOffset
        memberProduced = false
        state = .inMember
    }

    /// One call to `inflate`; returns the bytes produced (possibly 0 while zlib reads headers).
    private mutating func inflateStep(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if inflater.available == 0 && !upstreamEnded { try refill() }
        let (status, produced) = inflater.inflate(into: buffer)
        if produced > 0 { memberProduced = true }
        switch status {
        case Z_STREAM_END:
            state = .betweenMembers
        case Z_OK, Z_BUF_ERROR:
            if produced == 0 && inflater.available == 0 && upstreamEnded {
                throw corrupt("is truncated: unexpected end of input inside member \(member)")
            }
        case Z_DATA_ERROR where member > 1 && !memberProduced && compressedOffset - memberStart <= 10:
            throw corrupt(
                "has trailing data after member \(member - 1) that is not a gzip member "
                    + "(\(inflater.message ?? "incorrect header"))")
        case Z_MEM_ERROR:
            throw ExportError(.internal, "zlib ran out of memory", path: meter.name)
        default:
            throw corrupt("is corrupt in member \(member): \(inflater.message ?? "zlib status \(status)")")
        }
        return produced
    }

    private mutating func refill() throws {
        consumedBefore += Int64(inflater.consumedInBuffer)
        let count = try upstream.read(into: inflater.input)
        inflater.setInput(count: count)
        if count == 0 { upstreamEnded = true }
    }

    private func corrupt(_ detail: String) -> ExportError {
        ExportError(
            .corruptInput, "gzip stream \(detail) (at compressed byte offset \(compressedOffset))",
            path: meter.name)
    }
}
