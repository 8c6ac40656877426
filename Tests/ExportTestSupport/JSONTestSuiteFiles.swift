import Foundation

/// The files of nst/JSONTestSuite in `../shared/conformance/json-test-suite/test_parsing`, for the
/// conformance tests of the two JSON parsers (the exporter's and the simulator's). Use it only in
/// a suite enabled `if: SharedFolder.isPresent`.
public enum JSONTestSuiteFiles {
    /// The `test_parsing` folder.
    public static var folder: String { SharedFolder.path! + "/conformance/json-test-suite/test_parsing" }

    /// The `i_` cases about numbers (huge, tiny, overflowing), which a parser that keeps numbers as
    /// their source text accepts: it neither rounds nor refuses them.
    public static let numbersKeptAsText: Set<String> = [
        "i_number_double_huge_neg_exp.json", "i_number_huge_exp.json", "i_number_neg_int_huge_exp.json",
        "i_number_pos_double_huge_exp.json", "i_number_real_neg_overflow.json", "i_number_real_pos_overflow.json",
        "i_number_real_underflow.json", "i_number_too_big_neg_int.json", "i_number_too_big_pos_int.json",
        "i_number_very_big_negative_int.json",
    ]

    /// The names of the files starting with `prefix` (`y_`, `n_`, `i_`, or "" for all), sorted.
    public static func names(_ prefix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// The bytes of the file `name`.
    public static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
    }

    /// What a parser decided on every file starting with `prefix`: the names it accepted, those
    /// it refused, and those that took a second or more.
    public struct Decisions: Sendable {
        /// Every file looked at, sorted.
        public var names: [String] = []
        /// The files `accepts` said yes to.
        public var accepted: [String] = []
        /// The files `accepts` said no to.
        public var refused: [String] = []
        /// The files that took a second or more.
        public var slow: [String] = []
    }

    /// Runs `accepts` on the bytes of every file starting with `prefix`, timing each.
    public static func decide(_ prefix: String, by accepts: ([UInt8]) -> Bool) throws -> Decisions {
        var decisions = Decisions()
        let clock = ContinuousClock()
        for name in try names(prefix) {
            let input = try bytes(name)
            let start = clock.now
            let yes = accepts(input)
            if clock.now - start >= .seconds(1) { decisions.slow.append(name) }
            decisions.names.append(name)
            if yes { decisions.accepted.append(name) } else { decisions.refused.append(name) }
        }
        return decisions
    }
}
