import Foundation
import Yams

/// Walks a composed YAML document, collecting every problem with its `line:column` instead of
/// stopping at the first. Shared by the pipeline and mapping loaders.
struct ConfigReader {
    /// The file as the user named it (for problem locations).
    let file: String
    /// Variables for `${NAME}` / `${NAME:-default}` expansion in scalars; `nil` disables expansion.
    let environment: [String: String]?
    /// Problems so far, in the order found.
    var problems: [ConfigProblem] = []

    init(file: String, environment: [String: String]?) {
        self.file = file
        self.environment = environment
    }

    /// Parses `text`, recording a problem (and returning `nil`) when it is not YAML or is empty.
    mutating func compose(_ text: String) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                problems.append(ConfigProblem(file: file, line: 0, column: 0, message: "the file is empty"))
                return nil
            }
            return node
        } catch let error as YamlError {
            problems.append(Self.problem(from: error, file: file, text: text))
        } catch {
            problems.append(ConfigProblem(file: file, line: 0, column: 0, message: "not valid YAML"))
        }
        return nil
    }

    /// A YAML syntax error as a problem at the line where the broken construct starts (libyaml's
    /// context mark, e.g. the unclosed `{`), naming where the parser noticed it when that is
    /// later; a tab used for indentation is named as a tab.
    static func problem(from error: YamlError, file: String, text: String = "") -> ConfigProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            if let tab = tabIndentation(in: text, near: mark) {
                return ConfigProblem(
                    file: file, line: tab.line, column: tab.column, message: "not valid YAML: a tab is used for indentation",
                    hint: "YAML indents with spaces only; replace the tab with spaces")
            }
            guard let context, context.mark.line > 0, context.mark.line < mark.line else {
                return ConfigProblem(file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)")
            }
            return ConfigProblem(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "not valid YAML: \(context.text), \(problem) (noticed at line \(mark.line), column \(mark.column))")
        case .duplicatedKeysInMapping(let duplicates, _):
            return ConfigProblem(
                file: file, line: 0, column: 0,
                message: "duplicate keys: \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        default:
            return ConfigProblem(file: file, line: 0, column: 0, message: "not valid YAML")
        }
    }

    /// The position of a tab in the indentation of the line at `mark` or the line before it
    /// (libyaml notices a tab-indented line at its first token or at the next line), if any.
    static func tabIndentation(in text: String, near mark: Mark) -> (line: Int, column: Int)? {
        guard mark.line > 0 else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for number in [mark.line, mark.line - 1] where number >= 1 && number <= lines.count {
            let line = lines[number - 1]
            let indentation = line.prefix { $0 == " " || $0 == "\t" }
            if let tab = indentation.firstIndex(of: "\t") {
                return (number, line.distance(from: line.startIndex, to: tab) + 1)
            }
        }
        return nil
    }

    /// Records a problem at `node` (or at the top of the file).
    mutating func report(_ node: Node?, _ message: String, hint: String? = nil) {
        let mark = node?.mark
        problems.append(ConfigProblem(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message, hint: hint))
    }

    /// Where `node` is, as `file:line:column`.
    func location(_ node: Node?) -> String {
        guard let mark = node?.mark else { return file }
        return "\(file):\(mark.line):\(mark.column)"
    }

    /// The entries of a mapping node in file order, checking key names against `allowed`.
    /// Unknown keys are reported with a "did you mean"; a non-mapping node is reported and gives `nil`.
    mutating func entries(_ node: Node, allowed: [String], what: String) -> [Entry]? {
        guard let mapping = node.mapping else {
            report(node, "\(what) must be a mapping (key: value)")
            return nil
        }
        var result: [Entry] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                report(keyNode, "keys of \(what) must be plain names")
                continue
            }
            if !allowed.isEmpty && !allowed.contains(key) {
                report(keyNode, "unknown key '\(key)' in \(what)",
                    hint: Suggestion.hint(for: key, in: allowed) ?? "known keys: \(allowed.joined(separator: ", "))")
                continue
            }
            result.append(Entry(key: key, keyNode: keyNode, value: value))
        }
        return result
    }

    /// A scalar's text with `${ENV}` expanded; reports non-scalars.
    mutating func string(_ node: Node, what: String) -> String? {
        guard let scalar = node.scalar else {
            report(node, "\(what) must be a single value, not a \(node.mapping != nil ? "mapping" : "list")")
            return nil
        }
        let before = problems.count
        let text = expand(scalar.string, at: node)
        return problems.count == before ? text : nil
    }

    /// A whole number within `range`.
    mutating func int(_ node: Node, what: String, range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, what: what) else { return nil }
        let digits = text.replacingUnderscores
        guard let value = Int(digits), range.contains(value) else {
            report(node, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            return nil
        }
        return value
    }

    /// `true` or `false` (also `yes`/`no`, `on`/`off`).
    mutating func bool(_ node: Node, what: String) -> Bool? {
        guard let text = string(node, what: what) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(node, "\(what) must be true or false, not '\(text)'")
            return nil
        }
    }

    /// One of `choices`, with a "did you mean".
    mutating func choice(_ node: Node, what: String, _ choices: [String]) -> String? {
        guard let text = string(node, what: what) else { return nil }
        if choices.contains(text) { return text }
        report(node, "\(what) must be one of \(choices.joined(separator: ", ")), not '\(text)'",
            hint: Suggestion.hint(for: text, in: choices))
        return nil
    }

    /// A list of scalars; a single scalar is accepted as a list of one.
    mutating func strings(_ node: Node, what: String) -> [String]? {
        if node.scalar != nil { return string(node, what: what).map { [$0] } }
        guard let sequence = node.sequence else {
            report(node, "\(what) must be a list")
            return nil
        }
        var out: [String] = []
        for item in sequence {
            if let s = string(item, what: "each item of \(what)") { out.append(s) }
        }
        return out
    }

    /// Expands `${NAME}` and `${NAME:-default}`; an unset variable without a default is a problem.
    mutating func expand(_ text: String, at node: Node) -> String {
        guard let environment, text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                report(node, "unterminated '${' in '\(text)'", hint: "write ${NAME} or ${NAME:-default}")
                return text
            }
            let inner = String(rest[open.upperBound..<close])
            let name: String
            let fallback: String?
            if let sep = inner.range(of: ":-") {
                name = String(inner[..<sep.lowerBound])
                fallback = String(inner[sep.upperBound...])
            } else {
                name = inner
                fallback = nil
            }
            if let value = environment[name], !(fallback != nil && value.isEmpty) {
                out += value
            } else if let fallback {
                out += fallback
            } else {
                report(node, "environment variable '\(name)' is not set",
                    hint: "export \(name)=… before running, or write ${\(name):-default}")
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    /// One `key: value` of a mapping, with the nodes for locations.
    struct Entry {
        let key: String
        let keyNode: Node
        let value: Node
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(unicodeScalars.filter { $0 != "_" }) }
}
