import ExportTestSupport
import Testing

@testable import OmnisendSimulator

/// nst/JSONTestSuite from `../shared/conformance/json-test-suite/test_parsing` against the
/// simulator's request-body parser: every `y_` accepted, every `n_` rejected, every `i_` as
/// pinned below, none of them slow. A simulator that accepted a body Omnisend would refuse would
/// let a client bug through the rehearsal.
@Suite(.enabled(if: SharedFolder.isPresent, "../shared/conformance is absent: JSONTestSuite not run against the simulator"))
struct BodyJSONConformanceTests {
    /// The implementation-defined cases the simulator accepts: numbers of any size or exponent
    /// (kept as their text). Every other `i_` case (invalid UTF-8, lone surrogates, UTF-16, a BOM,
    /// 500 nested arrays, deeper than the parser's 64 levels) is refused.
    static let acceptedImplementationDefined = JSONTestSuiteFiles.numbersKeptAsText

    static func accepts(_ bytes: [UInt8]) -> Bool { BodyJSON.parse(bytes) != nil }

    @Test func acceptsEveryY() throws {
        let y = try JSONTestSuiteFiles.decide("y_", by: Self.accepts)
        #expect(y.names.count == 95)
        #expect(y.refused.isEmpty, "refused: \(y.refused)")
    }

    @Test func rejectsEveryNQuickly() throws {
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
}
