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

    static func files(_ prefix: String) throws -> [String] { try JSONTestSuiteFiles.names(prefix) }

    static func accepts(_ name: String) throws -> Bool {
        BodyJSON.parse(try JSONTestSuiteFiles.bytes(name)) != nil
    }

    @Test func acceptsEveryY() throws {
        let names = try Self.files("y_")
        #expect(names.count == 95)
        let refused = try names.filter { !(try Self.accepts($0)) }
        #expect(refused.isEmpty, "refused: \(refused)")
    }

    @Test func rejectsEveryNQuickly() throws {
        let names = try Self.files("n_")
        #expect(names.count == 188)
        let clock = ContinuousClock()
        var accepted: [String] = []
        for name in names {
            let start = clock.now
            if try Self.accepts(name) { accepted.append(name) }
            #expect(clock.now - start < .seconds(1), "\(name) took too long")
        }
        #expect(accepted.isEmpty, "accepted: \(accepted)")
    }

    @Test func decidesEveryIAsPinned() throws {
        let names = try Self.files("i_")
        #expect(names.count == 35)
        for name in names {
            #expect(try Self.accepts(name) == Self.acceptedImplementationDefined.contains(name), "\(name)")
        }
    }
}
