import Yams

/// Where a value was written in a configuration file, so that a later check can point at it.
public struct SourceLocation: Sendable, Equatable, Hashable {
    /// 1-based line.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int

    /// Creates a location.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The location of a YAML node, or nil when the parser did not record one.
    init?(_ node: Node?) {
        guard let mark = node?.mark, mark.line > 0 else { return nil }
        self.init(line: mark.line, column: mark.column)
    }
}
