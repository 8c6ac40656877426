import ExportCore

/// Which of a mapping's columns the rows of a run (or of `check`'s sample) actually had: a
/// column of a header counts when the header has it, a nested path (`Address.Street`) when a
/// row's object has it.
///
/// `prepare` fails a run whose mapping reads a key that no row had (a misspelt NDJSON key or
/// path), and `check` warns about one its sample lacks. The cost per row is one identity
/// comparison of the row's header, plus one look-up per nested path not yet seen: nothing once
/// every column was seen.
public struct ColumnPresence: Sendable {
    private let path: String
    private let columns: [ColumnReference]
    private var seen: [Bool]
    private var unseen: Int
    private var header: Header?
    /// The nested paths of the current header not seen yet.
    private var pending: [(column: Int, lookup: BoundMapping.Lookup)] = []
    /// Top-level keys and object keys seen, for "did you mean" (bounded).
    private var known: [String] = []
    private var knownSet: Set<String> = []
    private static let knownLimit = 500

    /// Starts with no column seen.
    public init(_ plan: MappingPlan) {
        path = plan.path
        columns = plan.columns
        seen = Array(repeating: false, count: plan.columns.count)
        unseen = plan.columns.count
    }

    /// Whether every column was seen.
    public var isComplete: Bool { unseen == 0 }

    /// The names of the columns not seen, in mapping order.
    public var missing: [String] { columns.indices.filter { !seen[$0] }.map { columns[$0].name } }

    /// Notes the columns `header` has (a no-op when it is the header seen last).
    public mutating func observe(_ header: Header) {
        if header === self.header { return }
        self.header = header
        pending.removeAll(keepingCapacity: true)
        if knownSet.count < Self.knownLimit {
            for name in header.names where knownSet.insert(name).inserted { known.append(name) }
        }
        guard unseen > 0 else { return }
        for column in columns.indices where !seen[column] {
            switch BoundMapping.lookup(columns[column].name, in: header) {
            case .index?: mark(column)
            case .nested(let index, let path)?: pending.append((column, .nested(index, path)))
            case nil: break
            }
        }
    }

    /// Notes the columns `record` has, nested paths included.
    public mutating func observe(_ record: Record) {
        if record.header !== header { observe(record.header) }
        if pending.isEmpty { return }
        var index = 0
        while index < pending.count {
            let (column, lookup) = pending[index]
            if !seen[column] && BoundMapping.value(lookup, in: record) != nil {
                mark(column)
            } else if !seen[column] {
                learnKeys(near: lookup, in: record)
                index += 1
                continue
            }
            pending.remove(at: index)
        }
    }

    private mutating func mark(_ column: Int) {
        if !seen[column] {
            seen[column] = true
            unseen -= 1
        }
    }

    /// Adds the keys of the object that holds the path's last part, for suggestions.
    private mutating func learnKeys(near lookup: BoundMapping.Lookup, in record: Record) {
        guard knownSet.count < Self.knownLimit, case .nested(let index, let parts) = lookup else { return }
        guard let top = record.header.names.indices.contains(index) ? record.header.names[index] : nil else { return }
        var prefix = top
        var value: FieldValue? = BoundMapping.value(.index(index), in: record)
        for part in parts.dropLast() {
            guard case .object(let object)? = value else { return }
            value = object[part]
            prefix += "." + part
        }
        guard case .object(let object)? = value else { return }
        for key in object.keys where knownSet.insert(prefix + "." + key).inserted { known.append(prefix + "." + key) }
    }

    /// A problem for every column not seen, at its places in the mapping.
    /// - Parameter what: how the message names what was read, e.g. "no row of the run (1200 rows)".
    public func problems(_ what: String) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        for column in columns.indices where !seen[column] {
            let name = columns[column].name
            // A path is compared with paths of its depth first (`Address` is a prefix of any `Address.X`).
            let depth = name.split(separator: ".").count
            let peers = known.filter { $0.split(separator: ".").count == depth }
            let hint = Suggestion.hint(for: name, in: peers) ?? Suggestion.hint(for: name, in: known)
                ?? "keys seen: \(known.prefix(20).joined(separator: ", "))"
            for location in columns[column].locations {
                problems.append(ConfigProblem(
                    file: path, line: location.line, column: location.column,
                    message: "key '\(name)' is in \(what)", hint: hint))
            }
        }
        return problems
    }
}

extension MappingPlan {
    /// Problems for every column the mapping reads that none of `headers` has (each header named
    /// by its input), located in the mapping: what `prepare` refuses before it writes anything.
    /// Built on `check(header:file:)`, which `check` reports per input.
    public func check(headers: [(file: String, header: Header)]) -> [ConfigProblem] {
        guard let first = headers.first else { return [] }
        var problems = check(header: first.header, file: first.file)
        for (file, header) in headers.dropFirst() {
            let missingHere = Set(check(header: header, file: file).map { "\($0.line):\($0.column)" })
            problems.removeAll { !missingHere.contains("\($0.line):\($0.column)") }
        }
        if headers.count > 1 {
            for i in problems.indices {
                problems[i].message += " (nor in the other \(headers.count - 1) input\(headers.count == 2 ? "" : "s"))"
            }
        }
        return problems
    }
}
