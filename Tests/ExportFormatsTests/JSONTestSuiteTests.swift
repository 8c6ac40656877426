import ExportCore
import ExportTestSupport
import Foundation
import Testing

@testable import ExportFormats

/// nst/JSONTestSuite from `../shared/conformance/json-test-suite/test_parsing`: every `y_` accepted,
/// every `n_` rejected, every `i_` as pinned below, nothing crashes; single-line `y_` objects also
/// go through `NDJSONReader` as one record.
@Suite(.enabled(if: SharedFolder.isPresent, "../shared/conformance is absent: JSONTestSuite not run"))
struct JSONTestSuiteTests {
    /// The implementation-defined cases we accept: numbers of any size or exponent (kept as text,
    /// never rounded) and 500 nested arrays (within our 512 limit). Every other `i_` case, all of
    /// them invalid UTF-8, lone surrogates, UTF-16 or a BOM inside the text, is rejected.
    static let acceptedImplementationDefined = JSONTestSuiteFiles.numbersKeptAsText.union(["i_structure_500_nested_arrays.json"])

    static func files(_ prefix: String) throws -> [String] { try JSONTestSuiteFiles.names(prefix) }

    static func bytes(_ name: String) throws -> [UInt8] { try JSONTestSuiteFiles.bytes(name) }

    static func accepts(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { (try? JSONValueParser.parse($0)) != nil }
    }

    @Test func acceptsEveryY() throws {
        let y = try JSONTestSuiteFiles.decide("y_", by: Self.accepts)
        #expect(y.names.count == 95)
        #expect(y.refused.isEmpty, "refused: \(y.refused)")
    }

    @Test func rejectsEveryN() throws {
        let n = try JSONTestSuiteFiles.decide("n_", by: Self.accepts)
        #expect(n.names.count == 188)
        #expect(n.accepted.isEmpty, "accepted: \(n.accepted)")
        #expect(n.slow.isEmpty, "too slow: \(n.slow)")
    }

    @Test func decidesEveryIAsPinned() throws {
        let i = try JSONTestSuiteFiles.decide("i_", by: Self.accepts)
        #expect(i.names.count == 35)
        #expect(Set(i.accepted) == Self.acceptedImplementationDefined, "accepted: \(i.accepted)")
    }

    @Test func singleLineYObjectsAreOneNDJSONRecord() throws {
        var checked = 0
        for name in try Self.files("y_") {
            var bytes = try Self.bytes(name)
            if bytes.last == 0x0A { bytes.removeLast() }
            guard !bytes.contains(0x0A), !bytes.contains(0x0D),
                case .object? = bytes.withUnsafeBytes({ try? JSONValueParser.parse($0) })
            else { continue }
            let transcript = try ReaderVerifier.verify(bytes: bytes + [0x0A], randomSplits: 1) {
                NDJSONReader(source: $0, file: name)
            }
            #expect(transcript.records.count == 1 && transcript.outcomes.count == 1, "\(name): \(transcript)")
            checked += 1
        }
        #expect(checked == 11)
    }

    @Test func duplicatedKeyKeepsTheLastValue() throws {
        var reader = NDJSONReader(source: MemorySource(try Self.bytes("y_object_duplicated_key.json")), file: "d")
        guard case .record(let record)? = try reader.next() else {
            Issue.record("expected a record")
            return
        }
        #expect(record.header.names == ["a"])
        #expect(record["a"] == .string("c"))
    }

    @Test func ndjsonReaderNeverCrashesOnAnyFile() throws {
        for name in try Self.files("") where name.hasSuffix(".json") {
            let bytes = try Self.bytes(name)
            let transcript = try ReaderVerifier.transcript(
                of: NDJSONReader(source: MemorySource(bytes), file: name), limit: bytes.count)
            if let error = transcript.error {
                #expect(error.message.contains("UTF-16"), "\(name): \(error)")
            }
            if name.hasPrefix("n_") {
                #expect(transcript.records.allSatisfy { _ in bytes.contains(0x0A) }, "\(name) gave a record")
            }
        }
    }
}
