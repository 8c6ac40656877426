import ExportCore
import Foundation
import Testing

@testable import ExportSources

/// Yields its bytes a few at a time, as a slow pipe would.
struct TrickleSource: ByteSource {
    var bytes: [UInt8]
    var step: Int
    var position = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(step, buffer.count, bytes.count - position)
        for index in 0..<count { buffer[index] = bytes[position + index] }
        position += count
        return count
    }
}

struct GzipSourceTests {
    static let payload = Array((0..<5_000).map { "{\"email\":\"user\($0)@example.com\",\"n\":\($0)}\n" }.joined().utf8)

    func gunzip(
        _ bytes: [UInt8], chunk: Int = 64 * 1024, step: Int = 1 << 20,
        limits: DecompressionLimits = DecompressionLimits(), budget: DecompressionBudget = DecompressionBudget()
    ) throws -> [UInt8] {
        var source = try GzipSource(
            TrickleSource(bytes: bytes, step: step), name: "in.gz", limits: limits, budget: budget)
        return try drain(&source, chunk: chunk)
    }

    func expectCorrupt(_ bytes: [UInt8], containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            _ = try gunzip(bytes)
        } throws: { error in
            guard let error = error as? ExportError else { return false }
            return error.code == .corruptInput && error.path == "in.gz" && error.message.contains(text)
                && error.message.contains("compressed byte offset")
        }
    }

    @Test func decompressesOneMember() throws {
        #expect(try gunzip(TestGzip.compress(Self.payload)) == Self.payload)
    }

    @Test func concatenatedMembersReadAsOneStream() throws {
        let half = Self.payload.count / 2
        let joined = TestGzip.compress(Array(Self.payload[..<half])) + TestGzip.compress(Array(Self.payload[half...]))
        #expect(try gunzip(joined) == Self.payload)
    }

    @Test func emptyMemberInTheMiddleIsFine() throws {
        let joined = TestGzip.compress(Array("a,b\n".utf8)) + TestGzip.compress([]) + TestGzip.compress(Array("1,2\n".utf8))
        #expect(try gunzip(joined) == Array("a,b\n1,2\n".utf8))
    }

    @Test(arguments: [1, 2, 5, 7, 4096])
    func outputIsIndependentOfReadAndInputChunking(size: Int) throws {
        let gz = TestGzip.compress(Self.payload) + TestGzip.compress(Self.payload)
        #expect(try gunzip(gz, chunk: size) == Self.payload + Self.payload)
        #expect(try gunzip(gz, step: size) == Self.payload + Self.payload)
    }

    @Test func everyTruncationIsAnError() throws {
        let gz = TestGzip.compress(Array(Self.payload[..<2000]))
        for cut in [1, 2, 9, 10, 11, gz.count / 2, gz.count - 8, gz.count - 4, gz.count - 1] {
            expectCorrupt(Array(gz[..<cut]), containing: "truncated")
        }
        let second = gz + Array(gz[..<(gz.count / 2)])
        expectCorrupt(second, containing: "member 2")
    }

    @Test func emptyInputIsAnError() {
        expectCorrupt([], containing: "empty")
    }

    @Test func wrongCRCIsAnError() {
        var gz = TestGzip.compress(Self.payload)
        gz[gz.count - 8] ^= 0xff
        expectCorrupt(gz, containing: "incorrect data check")
    }

    @Test func wrongLengthIsAnError() {
        var gz = TestGzip.compress(Self.payload)
        gz[gz.count - 4] ^= 0x01
        expectCorrupt(gz, containing: "incorrect length check")
    }

    @Test func trailingGarbageIsAnError() {
        expectCorrupt(TestGzip.compress(Self.payload) + Array("GARBAGE".utf8), containing: "trailing data")
    }

    @Test func trailingZeroPaddingIsAccepted() throws {
        #expect(try gunzip(TestGzip.compress(Self.payload) + [UInt8](repeating: 0, count: 512)) == Self.payload)
    }

    @Test func dataAfterZeroPaddingIsAnError() {
        let gz = TestGzip.compress(Self.payload)
        expectCorrupt(gz + [0, 0, 0] + gz, containing: "after the zero padding")
    }

    @Test func bombOverTheEntryLimitStops() throws {
        let bomb = TestGzip.compress([UInt8](repeating: 0x41, count: 24 << 20), level: 9)
        let limits = DecompressionLimits(maxBytesPerEntry: 4 << 20, maxRatio: 1_000_000)
        #expect {
            _ = try gunzip(bomb, limits: limits)
        } throws: { error in
            let error = error as? ExportError
            return error?.code == .limitExceeded && error?.message.contains(DecompressionLimits.settingForEntry) == true
        }
    }

    @Test func bombOverTheRatioStops() throws {
        let bomb = TestGzip.compress([UInt8](repeating: 0x41, count: 24 << 20), level: 9)
        let limits = DecompressionLimits(maxRatio: 100, ratioCheckAfterBytes: 1 << 20)
        #expect {
            _ = try gunzip(bomb, limits: limits)
        } throws: { error in
            let error = error as? ExportError
            return error?.code == .limitExceeded && error?.message.contains(DecompressionLimits.settingForRatio) == true
        }
    }

    @Test func runBudgetIsSharedAcrossStreams() throws {
        let gz = TestGzip.compress(Self.payload)
        let budget = DecompressionBudget()
        let limits = DecompressionLimits(maxBytesPerRun: Int64(Self.payload.count) * 3 / 2)
        #expect(try gunzip(gz, limits: limits, budget: budget) == Self.payload)
        #expect(budget.bytes == Int64(Self.payload.count))
        #expect {
            _ = try gunzip(gz, limits: limits, budget: budget)
        } throws: { error in
            (error as? ExportError)?.message.contains(DecompressionLimits.settingForRun) == true
        }
    }
}
