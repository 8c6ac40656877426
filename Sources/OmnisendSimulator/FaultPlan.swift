/// Which faults the simulator injects, and when. Parsed from a spec such as
/// `500:0.05,503:0.02,429:0.02,drop-before:0.01,drop-after:0.01,slow:0.05,stopped@2,429@10-30,408%7`.
///
/// Each comma-separated rule is `KIND:P` (probability P per eligible event), `KIND@N` (the N-th
/// event, 1-based), `KIND@N-M` (events N through M: a storm) or `KIND%N` (every N-th event).
/// Request faults (`500`, `503`, `408`, `429`, `drop-before`, `drop-after`, `slow`, `store-502`,
/// `store-504`, `store-late`) count API
/// requests that passed authentication and the rate limit; batch faults (`stopped`, `partial`)
/// count accepted batches. Schedules win over rates; the rates of one scope share a single seeded
/// draw, so they are exclusive and must add up to at most 1.
public struct FaultPlan: Sendable, Equatable, CustomStringConvertible {
    /// One kind of fault.
    public enum Kind: String, Sendable, CaseIterable {
        /// Answer 500 without processing the request.
        case status500 = "500"
        /// Answer 503 without processing the request.
        case status503 = "503"
        /// Answer 408 without processing the request.
        case status408 = "408"
        /// Answer 429 (with the version's body) without processing the request.
        case status429 = "429"
        /// Close the connection without an answer, before the request is processed.
        case dropBefore = "drop-before"
        /// Process the request (a batch is stored), then close the connection without an answer.
        case dropAfter = "drop-after"
        /// Wait ``SimulatorConfiguration/slowResponseDelay`` before processing the request.
        case slow
        /// Process the request (a batch is stored), then answer 502 Bad Gateway.
        case store502 = "store-502"
        /// Process the request (a batch is stored), then answer 504 Gateway Timeout.
        case store504 = "store-504"
        /// Process the request (a batch is stored, hidden from `GET /batches` for
        /// ``SimulatorConfiguration/storeLateDelay``), then close the connection without an answer.
        case storeLate = "store-late"
        /// The batch stops (status `stopped`) after about half of its items.
        case stopped
        /// A share of the batch's items fail with responseCode 500 (``SimulatorConfiguration/partialFailureShare``).
        case partial

        /// Whether the fault applies to accepted batches rather than to requests.
        public var isBatchFault: Bool { self == .stopped || self == .partial }
    }

    /// When a rule fires.
    public enum Trigger: Sendable, Equatable {
        /// With this probability for every eligible event.
        case probability(Double)
        /// For the events whose 1-based index lies in the range.
        case events(ClosedRange<Int>)
        /// For every N-th event.
        case every(Int)
    }

    /// One fault and its trigger.
    public struct Rule: Sendable, Equatable {
        public var kind: Kind
        public var trigger: Trigger
        public init(kind: Kind, trigger: Trigger) {
            self.kind = kind
            self.trigger = trigger
        }
    }

    /// The rules, in the order given.
    public var rules: [Rule]

    /// No faults.
    public static let none = FaultPlan(rules: [])

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Parses a fault spec (see the type's documentation). An empty string or `none` means no faults.
    public init(parsing spec: String) throws(FaultPlanError) {
        var rules: [Rule] = []
        let trimmed = spec.trimmingWhitespace()
        if trimmed.isEmpty || trimmed == "none" {
            self.init(rules: [])
            return
        }
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            rules.append(try Self.parseRule(String(part).trimmingWhitespace()))
        }
        for batchScope in [false, true] {
            let total = rules.filter { $0.kind.isBatchFault == batchScope }.reduce(0.0) { sum, rule in
                if case .probability(let p) = rule.trigger { return sum + p }
                return sum
            }
            if total > 1.0 + 1e-9 {
                throw FaultPlanError(rule: spec, reason: "the probabilities of one scope add up to more than 1")
            }
        }
        self.init(rules: rules)
    }

    private static func parseRule(_ text: String) throws(FaultPlanError) -> Rule {
        guard let index = text.firstIndex(where: { $0 == ":" || $0 == "@" || $0 == "%" }) else {
            throw FaultPlanError(rule: text, reason: "expected KIND:P, KIND@N, KIND@N-M or KIND%N")
        }
        let name = String(text[..<index])
        let argument = String(text[text.index(after: index)...])
        guard let kind = Kind(rawValue: name) else {
            let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw FaultPlanError(rule: text, reason: "unknown fault kind (known: \(known))")
        }
        switch text[index] {
        case ":":
            guard let p = Double(argument), p >= 0, p <= 1 else {
                throw FaultPlanError(rule: text, reason: "probability must be a number from 0 to 1")
            }
            return Rule(kind: kind, trigger: .probability(p))
        case "%":
            guard let n = Int(argument), n >= 1 else {
                throw FaultPlanError(rule: text, reason: "KIND%N needs a whole number N >= 1")
            }
            return Rule(kind: kind, trigger: .every(n))
        default:
            let bounds = argument.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard bounds.count == 1 || bounds.count == 2, let low = bounds.first ?? nil, let high = bounds.last ?? nil,
                low >= 1, high >= low
            else {
                throw FaultPlanError(rule: text, reason: "KIND@N or KIND@N-M needs whole numbers 1 <= N <= M")
            }
            return Rule(kind: kind, trigger: .events(low...high))
        }
    }

    /// The plan in spec form, parseable again by ``init(parsing:)``.
    public var description: String {
        if rules.isEmpty { return "none" }
        return rules.map { rule in
            switch rule.trigger {
            case .probability(let p): return "\(rule.kind.rawValue):\(p)"
            case .events(let range):
                return range.count == 1
                    ? "\(rule.kind.rawValue)@\(range.lowerBound)"
                    : "\(rule.kind.rawValue)@\(range.lowerBound)-\(range.upperBound)"
            case .every(let n): return "\(rule.kind.rawValue)%\(n)"
            }
        }.joined(separator: ",")
    }
}

/// A fault spec that cannot be parsed; names the offending rule.
public struct FaultPlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule (or whole spec) at fault.
    public var rule: String
    /// What is wrong with it.
    public var reason: String
    public var description: String { "invalid fault rule '\(rule)': \(reason)" }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
