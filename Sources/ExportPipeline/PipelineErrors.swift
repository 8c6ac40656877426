/// Every problem found while loading a pipeline (and its mapping), reported together.
public struct PipelineErrors: Error, Sendable, CustomStringConvertible {
    /// The problems in file order.
    public var problems: [ConfigProblem]

    /// Wraps `problems`.
    public init(problems: [ConfigProblem]) { self.problems = problems }

    /// One problem per paragraph, then a count line.
    public var description: String {
        let body = problems.map(\.description).joined(separator: "\n")
        let n = problems.count
        return body + "\n\(n) problem\(n == 1 ? "" : "s") found"
    }
}
