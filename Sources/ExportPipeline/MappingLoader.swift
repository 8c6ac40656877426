import Foundation
import Yams

/// Reads a mapping (a file, or the inline `mapping:` of a pipeline) into a `MappingPlan`,
/// reporting every problem with its location.
public enum MappingLoader {
    static let topKeys = ["version", "email", "status", "status_date", "send_welcome_message", "phone"]
        + MappingPlan.fieldOrder.map(\.key) + ["tags", "custom_properties", "require", "where", "on_invalid"]
    static let sourceKeys = ["column", "columns", "value", "source", "first_non_empty", "transforms"]
    static let sources = ["input_file", "row_number", "line", "run_date"]
    static let statuses = ["subscribed", "unsubscribed", "nonSubscribed"]

    /// Loads the mapping file at `path` (as the user named it).
    /// - Throws: `PipelineErrors` with every problem found.
    public static func load(path: String, environment: [String: String] = [:]) throws(PipelineErrors) -> MappingPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineErrors(problems: [ConfigProblem(file: path, line: 0, column: 0, message: "cannot read the mapping file")])
        }
        return try parse(text: String(decoding: data, as: UTF8.self), file: path, environment: environment)
    }

    /// Parses mapping `text`; `file` names it in problems.
    public static func parse(text: String, file: String, environment: [String: String] = [:]) throws(PipelineErrors) -> MappingPlan {
        var reader = ConfigReader(file: file, environment: environment)
        let plan = reader.compose(text).flatMap { parse(node: $0, reader: &reader) }
        if let plan, reader.problems.isEmpty { return plan }
        throw PipelineErrors(problems: reader.problems)
    }

    /// Parses a mapping node with `reader` (which collects the problems).
    static func parse(node: Node, reader: inout ConfigReader) -> MappingPlan? {
        guard let entries = reader.entries(node, allowed: topKeys, what: "the mapping") else { return nil }
        var builder = Builder(reader: reader)
        defer { reader = builder.reader }
        return builder.build(node: node, entries: entries)
    }

    /// Accumulates the plan (column slots) while the reader accumulates problems.
    struct Builder {
        var reader: ConfigReader
        var plan = MappingPlan(path: "", email: ValueSpec(source: .constant(""), transforms: []))

        mutating func build(node: Node, entries: [ConfigReader.Entry]) -> MappingPlan? {
            plan.path = reader.file
            var defaultOnInvalid = OnInvalid.drop
            if let e = entries.first(where: { $0.key == "on_invalid" }),
                let v = reader.choice(e.value, what: "on_invalid", ["drop", "reject"]) {
                defaultOnInvalid = OnInvalid(rawValue: v)!
            }
            var sawEmail = false
            for entry in entries {
                let value = entry.value
                switch entry.key {
                case "version":
                    if let v = reader.int(value, what: "version", range: 1...1000), v != 1 {
                        reader.report(value, "mapping version \(v) is not supported", hint: "this tool reads version 1")
                    }
                case "on_invalid": break
                case "email":
                    sawEmail = true
                    if let spec = valueSpec(value, what: "email", extra: []) { plan.email = spec.spec }
                case "status":
                    plan.status = valueSpec(value, what: "status", extra: [])?.spec
                    checkConstantStatus(plan.status, at: value, key: "status")
                case "status_date":
                    if let location = nowLocation(value) {
                        plan.statusDateNow = location
                    } else if let field = dateField(value, what: "status_date", defaultOnInvalid: defaultOnInvalid) {
                        plan.statusDate = field
                    }
                case "send_welcome_message":
                    if let b = reader.bool(value, what: "send_welcome_message") { plan.sendWelcomeMessage = b }
                case "phone":
                    phone(value, defaultOnInvalid: defaultOnInvalid)
                case "tags": tags(value, defaultOnInvalid: defaultOnInvalid)
                case "custom_properties": customProperties(value, defaultOnInvalid: defaultOnInvalid)
                case "require": requirements(value)
                case "where": conditions(value)
                default:
                    contactField(entry, defaultOnInvalid: defaultOnInvalid)
                }
            }
            if !sawEmail {
                reader.report(node, "the mapping has no 'email'", hint: "add e.g. email: { column: Email }")
            }
            plan.fields.sort { a, b in
                MappingPlan.fieldOrder.firstIndex { $0.key == a.key }! < MappingPlan.fieldOrder.firstIndex { $0.key == b.key }!
            }
            return reader.problems.isEmpty ? plan : nil
        }

        /// The place of a date written as the word `now`, or `nil` when `node` is something else.
        func nowLocation(_ node: Node) -> ConfigLocation? {
            guard node.scalar?.string == "now" else { return nil }
            return ConfigLocation(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
        }

        /// A status date: a value spec with `formats` (default `iso8601`) and `on_invalid`.
        mutating func dateField(_ node: Node, what: String, defaultOnInvalid: OnInvalid) -> MappingPlan.DateField? {
            guard let s = valueSpec(node, what: what, extra: ["formats", "on_invalid"]) else { return nil }
            return MappingPlan.DateField(
                spec: s.spec, formats: formats(s.extra["formats"], default: ["iso8601"]),
                onInvalid: onInvalid(s.extra["on_invalid"], default: defaultOnInvalid))
        }

        /// `phone`: the number, its country (digits, or a value spec giving a country per row),
        /// and the SMS channel's status and status date.
        mutating func phone(_ value: Node, defaultOnInvalid: OnInvalid) {
            let extra = ["default_country_code", "sms_status", "sms_status_date", "on_invalid"]
            guard let s = valueSpec(value, what: "phone", extra: extra) else { return }
            var code: String?
            var country: ValueSpec?
            if let n = s.extra["default_country_code"] {
                if n.scalar == nil {
                    country = valueSpec(n, what: "default_country_code", extra: [])?.spec
                } else if let text = reader.string(n, what: "default_country_code") {
                    let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
                    if digits.isEmpty || digits.count > 3 || !digits.allSatisfy(\.isASCIIDigit) {
                        reader.report(n, "default_country_code must be 1 to 3 digits, not '\(text)'",
                            hint: "e.g. 40 for Romania, 1 for the US; or a country per row: { column: Country }")
                    } else {
                        code = digits
                    }
                }
            }
            var sms: ValueSpec?
            if let n = s.extra["sms_status"] {
                sms = valueSpec(n, what: "sms_status", extra: [])?.spec
                checkConstantStatus(sms, at: n, key: "sms_status")
            }
            var smsDate: MappingPlan.DateField?
            var smsNow: ConfigLocation?
            if let n = s.extra["sms_status_date"] {
                if let location = nowLocation(n) {
                    smsNow = location
                } else {
                    smsDate = dateField(n, what: "sms_status_date", defaultOnInvalid: defaultOnInvalid)
                }
            }
            plan.phone = MappingPlan.PhoneField(
                spec: s.spec, defaultCountryCode: code, country: country, smsStatus: sms, smsStatusDate: smsDate,
                smsStatusDateNow: smsNow, onInvalid: onInvalid(s.extra["on_invalid"], default: defaultOnInvalid))
        }

        /// Reports a constant status (without transforms) that is not one of the three.
        mutating func checkConstantStatus(_ spec: ValueSpec?, at node: Node, key: String) {
            if case .constant(let c)? = spec?.source, spec?.transforms.isEmpty == true, !MappingLoader.statuses.contains(c) {
                reader.report(node, "\(key) '\(c)' is not one of \(MappingLoader.statuses.joined(separator: ", "))",
                    hint: Suggestion.hint(for: c, in: MappingLoader.statuses))
            }
        }

        mutating func contactField(_ entry: ConfigReader.Entry, defaultOnInvalid: OnInvalid) {
            let wire = MappingPlan.fieldOrder.first { $0.key == entry.key }!.wire
            let extra: [String]
            switch entry.key {
            case "birthdate": extra = ["formats", "on_invalid"]
            case "country_code", "gender": extra = ["on_invalid"]
            default: extra = []
            }
            guard let s = valueSpec(entry.value, what: entry.key, extra: extra) else { return }
            let kind: MappingPlan.ContactField.Kind
            switch entry.key {
            case "birthdate": kind = .birthdate(formats(s.extra["formats"], default: ["YYYY-MM-DD", "iso8601"]))
            case "country_code": kind = .countryCode
            case "gender": kind = .gender
            default: kind = .text
            }
            plan.fields.append(MappingPlan.ContactField(
                key: entry.key, wireName: wire, kind: kind, spec: s.spec,
                onInvalid: onInvalid(s.extra["on_invalid"], default: defaultOnInvalid)))
        }

        mutating func tags(_ node: Node, defaultOnInvalid: OnInvalid) {
            var items: [Node] = []
            if let mapping = node.mapping, mapping["items"] != nil || mapping["on_invalid"] != nil {
                guard let entries = reader.entries(node, allowed: ["items", "on_invalid"], what: "tags") else { return }
                for e in entries {
                    if e.key == "items" { items = e.value.sequence.map(Array.init) ?? [e.value] }
                    if e.key == "on_invalid", let v = reader.choice(e.value, what: "on_invalid", ["drop", "reject"]) {
                        plan.tagsOnInvalid = OnInvalid(rawValue: v)!
                    }
                }
            } else if let sequence = node.sequence {
                items = Array(sequence)
                plan.tagsOnInvalid = defaultOnInvalid
            } else {
                reader.report(node, "tags must be a list of tag sources", hint: "e.g. tags: [{ value: imported }, { column: Segment, prefix: \"segment: \" }]")
                return
            }
            for item in items {
                guard let s = valueSpec(item, what: "a tag", extra: ["split", "prefix", "suffix"]) else { continue }
                plan.tags.append(MappingPlan.TagSpec(
                    spec: s.spec,
                    split: s.extra["split"].flatMap { reader.string($0, what: "split") },
                    prefix: s.extra["prefix"].flatMap { reader.string($0, what: "prefix") } ?? "",
                    suffix: s.extra["suffix"].flatMap { reader.string($0, what: "suffix") } ?? ""))
            }
        }

        mutating func customProperties(_ node: Node, defaultOnInvalid: OnInvalid) {
            guard let entries = reader.entries(node, allowed: [], what: "custom_properties") else { return }
            if entries.count > 200 {
                reader.report(node, "\(entries.count) custom properties; Omnisend accepts at most 200")
            }
            for e in entries {
                if !Self.isPropertyName(e.key) {
                    reader.report(e.keyNode, "custom property name '\(e.key)' is not allowed",
                        hint: "use 1 to 128 Latin letters, digits or _ (^[A-Za-z0-9_]{1,128}$)")
                    continue
                }
                guard let s = valueSpec(e.value, what: "custom property '\(e.key)'", extra: ["type", "formats", "decimal", "on_invalid"])
                else { continue }
                var kind = MappingPlan.CustomProperty.Kind.string
                if let t = s.extra["type"],
                    let v = reader.choice(t, what: "type", MappingPlan.CustomProperty.Kind.allCases.map(\.rawValue)) {
                    kind = .init(rawValue: v)!
                }
                plan.customProperties.append(MappingPlan.CustomProperty(
                    name: e.key, kind: kind, spec: s.spec,
                    formats: formats(s.extra["formats"], default: ["YYYY-MM-DD", "iso8601"]),
                    decimal: decimal(s.extra["decimal"]),
                    onInvalid: onInvalid(s.extra["on_invalid"], default: defaultOnInvalid)))
            }
        }

        static func isPropertyName(_ name: String) -> Bool {
            let b = Array(name.utf8)
            return !b.isEmpty && b.count <= 128 && b.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == UInt8(ascii: "_")
            }
        }

        mutating func requirements(_ node: Node) {
            let items = node.sequence.map(Array.init) ?? [node]
            let known = MappingLoader.topKeys.filter { !["version", "require", "where", "on_invalid", "tags"].contains($0) } + ["tags"]
            for item in items {
                var field: String?
                var reason = "required_field_missing"
                var fieldNode = item
                if item.scalar != nil {
                    field = reader.string(item, what: "require")
                } else if let entries = reader.entries(item, allowed: ["field", "reason"], what: "a require rule") {
                    for e in entries {
                        if e.key == "field" { field = reader.string(e.value, what: "field"); fieldNode = e.value }
                        if e.key == "reason", let r = reader.string(e.value, what: "reason") {
                            if r.isEmpty || !r.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }) {
                                reader.report(e.value, "reason '\(r)' must be lower_snake_case")
                            }
                            reason = r
                        }
                    }
                }
                guard let field else {
                    if item.scalar == nil { reader.report(item, "a require rule needs 'field'") }
                    continue
                }
                let isProperty = field.hasPrefix("custom_properties.")
                    && plan.customProperties.contains { "custom_properties.\($0.name)" == field }
                if !known.contains(field) && !isProperty {
                    reader.report(fieldNode, "require names unknown field '\(field)'",
                        hint: Suggestion.hint(for: field, in: known + plan.customProperties.map { "custom_properties.\($0.name)" })
                            ?? "name a contact field (first_name, phone, …) or custom_properties.NAME defined above")
                    continue
                }
                plan.requirements.append(MappingPlan.Requirement(field: field, reason: reason))
            }
        }

        mutating func conditions(_ node: Node) {
            let items = node.sequence.map(Array.init) ?? [node]
            for item in items {
                guard let s = valueSpec(item, what: "a where rule", extra: ["equals", "not_equals", "in", "not_in", "present", "matches"])
                else { continue }
                let tests = s.extra.keys.sorted()
                guard tests.count == 1, let key = tests.first, let n = s.extra[key] else {
                    reader.report(item, "a where rule needs exactly one test", hint: "equals, not_equals, in, not_in, present or matches")
                    continue
                }
                let test: MappingPlan.Condition.Test
                switch key {
                case "equals", "in":
                    guard let v = reader.strings(n, what: key) else { continue }
                    test = .equals(v)
                case "not_equals", "not_in":
                    guard let v = reader.strings(n, what: key) else { continue }
                    test = .notEquals(v)
                case "present":
                    guard let v = reader.bool(n, what: "present") else { continue }
                    test = .present(v)
                default:
                    guard let p = reader.string(n, what: "matches"), let regex = compile(p, at: n) else { continue }
                    test = .matches(regex)
                }
                plan.conditions.append(MappingPlan.Condition(spec: s.spec, test: test, location: reader.location(item)))
            }
        }

        // MARK: - Value specs

        struct Parsed {
            var spec: ValueSpec
            var extra: [String: Node]
        }

        /// A value spec: a scalar (column name) or a mapping with one source key, `transforms`, and
        /// the field's `extra` keys.
        mutating func valueSpec(_ node: Node, what: String, extra: [String]) -> Parsed? {
            if node.scalar != nil {
                guard let name = reader.string(node, what: what) else { return nil }
                if name.isEmpty {
                    reader.report(node, "\(what) names an empty column", hint: "write { value: \"\" } for an empty constant")
                    return nil
                }
                let location = ConfigLocation(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
                return Parsed(spec: ValueSpec(source: .column(slot(name, node)), transforms: [], location: location), extra: [:])
            }
            guard let entries = reader.entries(node, allowed: MappingLoader.sourceKeys + extra, what: what) else { return nil }
            var source: ValueSpec.Source?
            var transforms: [Transform] = []
            var extras: [String: Node] = [:]
            var sourceKeys: [String] = []
            for e in entries {
                switch e.key {
                case "column":
                    sourceKeys.append(e.key)
                    if let name = reader.string(e.value, what: "column") { source = .column(slot(name, e.value)) }
                case "columns":
                    sourceKeys.append(e.key)
                    if let names = reader.strings(e.value, what: "columns") {
                        let items = e.value.sequence.map(Array.init) ?? [e.value]
                        source = .columns(zip(names, items).map { slot($0.0, $0.1) })
                    }
                case "value":
                    sourceKeys.append(e.key)
                    if let v = reader.string(e.value, what: "value") { source = .constant(v) }
                case "source":
                    sourceKeys.append(e.key)
                    if let v = reader.choice(e.value, what: "source", MappingLoader.sources) {
                        switch v {
                        case "input_file": source = .inputFile
                        case "row_number": source = .rowNumber
                        case "line": source = .line
                        default: source = .runDate
                        }
                    }
                case "first_non_empty":
                    sourceKeys.append(e.key)
                    guard let sequence = e.value.sequence, sequence.count > 0 else {
                        reader.report(e.value, "first_non_empty must be a list of sources")
                        continue
                    }
                    var specs: [ValueSpec] = []
                    for item in sequence {
                        if let s = valueSpec(item, what: "an item of first_non_empty", extra: []) { specs.append(s.spec) }
                    }
                    source = .firstNonEmpty(specs)
                case "transforms":
                    transforms = self.transforms(e.value)
                default:
                    extras[e.key] = e.value
                }
            }
            if sourceKeys.count > 1 {
                reader.report(node, "\(what) has several sources (\(sourceKeys.joined(separator: ", ")))", hint: "keep one; use first_non_empty to try several")
                return nil
            }
            guard let source else {
                if sourceKeys.isEmpty {
                    reader.report(node, "\(what) has no source", hint: "add column, columns, value, source or first_non_empty")
                }
                return nil
            }
            let location = ConfigLocation(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
            return Parsed(spec: ValueSpec(source: source, transforms: transforms, location: location), extra: extras)
        }

        mutating func slot(_ name: String, _ node: Node) -> Int {
            plan.slot(for: name, at: ConfigLocation(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0))
        }

        mutating func transforms(_ node: Node) -> [Transform] {
            guard let sequence = node.sequence else {
                reader.report(node, "transforms must be a list", hint: "e.g. transforms: [trim, title]")
                return []
            }
            var out: [Transform] = []
            for item in sequence {
                if let t = transform(item) { out.append(t) }
            }
            return out
        }

        static let noArgument: [String: Transform] = [
            "trim": .trim, "lower": .lower, "upper": .upper, "title": .title, "collapse_spaces": .collapseSpaces,
        ]

        mutating func transform(_ node: Node) -> Transform? {
            if node.scalar != nil {
                guard let name = reader.string(node, what: "a transform") else { return nil }
                if let t = Self.noArgument[name] { return t }
                if Transform.names.contains(name) {
                    reader.report(node, "transform '\(name)' needs an argument", hint: "write { \(name): … }; see docs/mapping.md")
                } else {
                    reader.report(node, "unknown transform '\(name)'",
                        hint: Suggestion.hint(for: name, in: Transform.names) ?? "known transforms: \(Transform.names.joined(separator: ", "))")
                }
                return nil
            }
            guard let mapping = node.mapping, let firstKey = mapping.first?.key, let name = firstKey.scalar?.string else {
                reader.report(node, "a transform must be a name or { name: argument }")
                return nil
            }
            let options: [String: [String]] = ["map": ["fallback"], "replace": ["with"], "date": ["to"], "number": []]
            guard Transform.names.contains(name) else {
                reader.report(firstKey, "unknown transform '\(name)'",
                    hint: Suggestion.hint(for: name, in: Transform.names) ?? "known transforms: \(Transform.names.joined(separator: ", "))")
                return nil
            }
            guard let entries = reader.entries(node, allowed: [name] + (options[name] ?? []), what: "transform '\(name)'")
            else { return nil }
            let arg = entries.first { $0.key == name }!.value
            func option(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
            switch name {
            case "trim", "lower", "upper", "title", "collapse_spaces":
                return Self.noArgument[name]
            case "default":
                return reader.string(arg, what: "default").map(Transform.defaultValue)
            case "map":
                guard let table = reader.entries(arg, allowed: [], what: "the map table") else { return nil }
                var dict: [String: String] = [:]
                for e in table {
                    if let v = reader.string(e.value, what: "the value of '\(e.key)'") { dict[e.key] = v }
                }
                let fallback = option("fallback").flatMap { reader.string($0, what: "fallback") }
                return .map(dict, fallback: fallback)
            case "replace":
                guard let pattern = reader.string(arg, what: "replace"), let regex = compile(pattern, at: arg) else { return nil }
                let with = option("with").flatMap { reader.string($0, what: "with") } ?? ""
                return .replace(regex, with: with)
            case "split":
                guard let s = reader.string(arg, what: "split") else { return nil }
                if s.isEmpty { reader.report(arg, "split needs a non-empty separator") }
                return .split(s)
            case "join":
                return reader.string(arg, what: "join").map(Transform.join)
            case "truncate":
                return reader.int(arg, what: "truncate", range: 1...1_000_000).map(Transform.truncate)
            case "date":
                let from = formats(arg, default: [])
                let to = option("to").flatMap { n in reader.string(n, what: "to").flatMap { pattern($0, at: n) } }
                    ?? DatePattern("YYYY-MM-DD")!
                return from.isEmpty ? nil : .date(from: from, to: to)
            default:  // number
                if arg.scalar?.string == "" || arg.null != nil { return .number(decimal: UInt8(ascii: ".")) }
                guard let entries = reader.entries(arg, allowed: ["decimal"], what: "number") else { return nil }
                return .number(decimal: decimal(entries.first?.value))
            }
        }

        mutating func compile(_ pattern: String, at node: Node) -> RegexBox? {
            do {
                return try RegexBox(pattern)
            } catch {
                reader.report(node, "'\(pattern)' is not a valid regular expression", hint: "ICU syntax, as in NSRegularExpression")
                return nil
            }
        }

        mutating func pattern(_ text: String, at node: Node) -> DatePattern? {
            if let p = DatePattern(text) { return p }
            reader.report(node, "'\(text)' is not a date format",
                hint: "use YYYY, MM, DD (and HH, mm, ss) with separators, e.g. DD/MM/YYYY, or iso8601")
            return nil
        }

        mutating func formats(_ node: Node?, default defaults: [String]) -> [DatePattern] {
            guard let node else { return defaults.map { DatePattern($0)! } }
            guard let texts = reader.strings(node, what: "formats") else { return [] }
            let items = node.sequence.map(Array.init) ?? [node]
            return zip(texts, items).compactMap { pattern($0.0, at: $0.1) }
        }

        mutating func decimal(_ node: Node?) -> UInt8 {
            guard let node, let v = reader.choice(node, what: "decimal", [".", ","]) else { return UInt8(ascii: ".") }
            return v == "," ? UInt8(ascii: ",") : UInt8(ascii: ".")
        }

        mutating func onInvalid(_ node: Node?, default value: OnInvalid) -> OnInvalid {
            guard let node, let v = reader.choice(node, what: "on_invalid", ["drop", "reject"]) else { return value }
            return OnInvalid(rawValue: v)!
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
