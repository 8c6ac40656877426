import ExportCore

/// The reused read buffer between a `ByteSource` and a reader: about 256 KiB, refilled in place,
/// transcoded to UTF-8 on the way in when the input uses a single-byte encoding.
///
/// Readers consume `start..<end` and call `refill()` when it is empty; they keep their own state
/// between refills, so the bytes of a record may span any number of buffers.
struct InputBuffer<Source: ByteSource> {
    private var source: Source
    private let storage: Storage
    private let transcoder: SingleByteTranscoder?
    /// First unread byte.
    var start = 0
    /// One past the last buffered byte.
    private(set) var end = 0
    /// Whether the source has reported its end.
    private(set) var atEnd = false

    /// The owner of the buffer memory (a class, so that readers stay cheap structs).
    private final class Storage {
        let bytes: UnsafeMutableRawBufferPointer
        let raw: UnsafeMutableRawBufferPointer?
        init(capacity: Int, rawCapacity: Int?) {
            bytes = .allocate(byteCount: capacity, alignment: 16)
            raw = rawCapacity.map { .allocate(byteCount: $0, alignment: 16) }
        }
        deinit {
            bytes.deallocate()
            raw?.deallocate()
        }
    }

    /// Creates a buffer of `capacity` bytes over `source`.
    init(source: Source, capacity: Int = 256 * 1024, transcoder: SingleByteTranscoder? = nil) {
        self.source = source
        self.transcoder = transcoder
        storage = Storage(
            capacity: capacity, rawCapacity: transcoder == nil ? nil : capacity / SingleByteTranscoder.maxExpansion)
    }

    /// The base address of the buffered bytes.
    var base: UnsafeMutablePointer<UInt8> { storage.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) }

    /// The unread bytes.
    var unread: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + start, count: end - start) }

    /// Reads the next piece of the source after everything buffered was consumed.
    /// - Returns: `false` at the end of the source.
    mutating func refill() throws -> Bool {
        start = 0
        end = 0
        return try readMore()
    }

    /// Reads until at least `count` unread bytes are buffered or the source ends (for sniffing a BOM).
    mutating func prefetch(_ count: Int) throws {
        if start > 0 {
            let pending = end - start
            (base).update(from: base + start, count: pending)
            start = 0
            end = pending
        }
        while end - start < count, try readMore() {}
    }

    /// Appends one read of the source after `end`; `false` at the end of the source.
    private mutating func readMore() throws -> Bool {
        guard !atEnd else { return false }
        let free = UnsafeMutableRawBufferPointer(rebasing: storage.bytes[end...])
        let count: Int
        if let transcoder, let raw = storage.raw {
            let room = min(raw.count, free.count / SingleByteTranscoder.maxExpansion)
            let read = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[..<room]))
            count = transcoder.transcode(UnsafeRawBufferPointer(rebasing: raw[..<read]), into: free)
            if read == 0 { atEnd = true }
        } else {
            count = try source.read(into: free)
            if count == 0 { atEnd = true }
        }
        end += count
        return count > 0
    }
}
