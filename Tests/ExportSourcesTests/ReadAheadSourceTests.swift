import ExportCore
import Foundation
import Synchronization
import Testing

@testable import ExportSources

/// Yields `bytes` in reads of `step`, then throws `failure` (if any) instead of ending; counts
/// its reads.
private final class ScriptedSource: ByteSource, @unchecked Sendable {
    let bytes: [UInt8]
    let step: Int
    let failure: ExportError?
    let reads = Atomic<Int>(0)
    private var position = 0

    init(bytes: [UInt8], step: Int, failure: ExportError? = nil) {
        self.bytes = bytes
        self.step = step
        self.failure = failure
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        reads.add(1, ordering: .relaxed)
        let count = min(step, buffer.count, bytes.count - position)
        if count == 0, let failure { throw failure }
        for index in 0..<count { buffer[index] = bytes[position + index] }
        position += count
        return count
    }
}

/// A source that sets a flag when the last reference to it goes (on whichever thread).
private struct ReleaseProbe: ByteSource {
    final class Flag: @unchecked Sendable {
        let released = Atomic<Bool>(false)
    }
    final class Token {
        let flag: Flag
        init(_ flag: Flag) { self.flag = flag }
        deinit { flag.released.store(true, ordering: .sequentiallyConsistent) }
    }
    let token: Token
    var inner: MemorySource

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try inner.read(into: buffer) }
}

struct ReadAheadSourceTests {
    static let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }

    @Test(arguments: [(1, 1, 1), (7, 3, 5), (4096, 1000, 64 * 1024), (100_000, 65_536, 1 << 20)])
    func yieldsExactlyTheUpstreamBytes(step: Int, blockSize: Int, chunk: Int) throws {
        let upstream = ScriptedSource(bytes: Self.payload, step: step)
        var source = ReadAheadSource(upstream, blockSize: blockSize, depth: 2)
        #expect(try drain(&source, chunk: chunk) == Self.payload)
        // The end is sticky.
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(try buffer.withUnsafeMutableBytes { try source.read(into: $0) } == 0)
    }

    @Test func errorComesAfterEveryByteReadBeforeIt() throws {
        let failure = ExportError(.corruptInput, "gzip stream is truncated", path: "in.gz")
        let upstream = ScriptedSource(bytes: Self.payload, step: 10_000, failure: failure)
        var source = ReadAheadSource(upstream, blockSize: 64 * 1024, depth: 3)
        var seen: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 50_000)
        var thrown: ExportError?
        do {
            while true {
                let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                #expect(count > 0, "the stream must not end before its error")
                if count == 0 { break }
                seen += buffer[..<count]
            }
        } catch let error as ExportError {
            thrown = error
        }
        #expect(seen == Self.payload)
        #expect(thrown == failure)
        // Later reads throw the same error again.
        #expect(throws: failure) { _ = try buffer.withUnsafeMutableBytes { try source.read(into: $0) } }
    }

    @Test func readsAtMostTheQueueDepthAhead() throws {
        let upstream = ScriptedSource(bytes: Self.payload, step: 1000, failure: nil)
        var source = ReadAheadSource(upstream, blockSize: 1000, depth: 4)
        var buffer = [UInt8](repeating: 0, count: 10)
        _ = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        Thread.sleep(forTimeInterval: 0.2)
        // The block being read plus the free ones: never the whole 300-block input.
        let reads = upstream.reads.load(ordering: .relaxed)
        #expect(reads <= 5)
    }

    @Test func droppingTheSourceEarlyStopsTheThreadAndReleasesTheUpstream() throws {
        let flag = ReleaseProbe.Flag()
        do {
            var source = ReadAheadSource(
                ReleaseProbe(token: ReleaseProbe.Token(flag), inner: MemorySource(Self.payload)), blockSize: 100, depth: 2)
            var buffer = [UInt8](repeating: 0, count: 10)
            #expect(try buffer.withUnsafeMutableBytes { try source.read(into: $0) } == 10)
        }
        // Released by the time the last copy of the source is gone, not later.
        let released = flag.released.load(ordering: .sequentiallyConsistent)
        #expect(released)
    }

    @Test func readsAGzipStreamLikeTheGzipSourceItself() throws {
        let text = Array((0..<20_000).map { "{\"n\":\($0)}\n" }.joined().utf8)
        let gz = TestGzip.compress(text)
        var direct = try GzipSource(MemorySource(gz), name: "in.gz")
        var ahead = ReadAheadSource(try GzipSource(MemorySource(gz), name: "in.gz"), blockSize: 4096, depth: 2)
        #expect(try drain(&ahead, chunk: 1000) == drain(&direct))
    }
}
