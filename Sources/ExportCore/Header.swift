/// The column names of one input (CSV header row or an NDJSON object's keys), shared by its records.
public final class Header: Sendable, Equatable {
    /// Column names in source order.
    public let names: [String]
    private let positions: [String: Int]

    /// Creates a header. When a name repeats, lookups find its first occurrence.
    public init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = i }
        self.positions = positions
    }

    /// The position of `name`, if the header has it.
    public func index(of name: String) -> Int? { positions[name] }

    public static func == (lhs: Header, rhs: Header) -> Bool { lhs === rhs || lhs.names == rhs.names }
}
