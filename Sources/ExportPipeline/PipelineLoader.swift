import ExportContactRules
import ExportCore
import ExportFormats
import Foundation
import Yams

/// Loads and checks a pipeline file (and the mapping it names), reporting every problem at once.
public enum PipelineLoader {
    static let topKeys = ["version", "name", "inputs", "dedupe", "mapping", "chunks", "destination", "runs_dir", "limits", "consent", "sync"] + OutcomePolicy.keys
    static let inputKeys = ["path", "format", "csv", "members"]
    static let csvKeys = ["delimiter", "quote", "header", "columns", "encoding"]

    /// Loads the pipeline at `path`. Relative paths inside it are relative to its folder;
    /// `${NAME}` and `${NAME:-default}` are expanded from `environment`.
    /// - Throws: `PipelineErrors` listing every problem in the pipeline and its mapping.
    public static func load(path: String, environment: [String: String]) throws(PipelineErrors) -> Pipeline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineErrors(problems: [ConfigProblem(file: path, line: 0, column: 0, message: "cannot read the pipeline file",
                hint: "check the path; it is relative to the current directory")])
        }
        return try parse(text: String(decoding: data, as: UTF8.self), path: path, environment: environment)
    }

    /// Parses pipeline `text` as if read from `path` (which anchors relative paths).
    public static func parse(text: String, path: String, environment: [String: String]) throws(PipelineErrors) -> Pipeline {
        var reader = ConfigReader(file: path, environment: environment)
        var mappingProblems: [ConfigProblem] = []
        let pipeline = reader.compose(text).flatMap { build($0, path: path, reader: &reader, mappingProblems: &mappingProblems) }
        let problems = reader.problems + mappingProblems
        if let pipeline, problems.isEmpty { return pipeline }
        throw PipelineErrors(problems: problems)
    }

    private static func build(
        _ root: Node, path: String, reader: inout ConfigReader, mappingProblems: inout [ConfigProblem]
    ) -> Pipeline? {
        guard let entries = reader.entries(root, allowed: topKeys, what: "the pipeline") else { return nil }
        let base = folder(of: path)
        var name = defaultName(path)
        var inputs: [InputSpec] = []
        var dedupe = DedupePolicy.first
        var dedupeFieldLocation: SourceLocation?
        var mapping: MappingPlan?
        var mappingPath: String?
        var sawMapping = false
        var maxItems: Int?
        var maxItemsNode: Node?
        var maxBytes = APIVersion.maxBatchBytes
        var destination = Destination()
        var runsDirectory = "runs"
        var limits = InputLimits()
        var outcome = OutcomePolicy()
        var runLimits = RunLimits()
        var readiness = InputReadiness()
        var consent = ConsentPolicy()
        var sync: SyncSettings?
        var syncNode: Node?
        var allowLeaverDowngrade = false
        var maxLeaverRate: Double?

        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "version":
                if let v = reader.int(value, what: "version", range: 1...1000), v != 1 {
                    reader.report(value, "pipeline version \(v) is not supported", hint: "this tool reads version 1")
                }
            case "name":
                if let n = reader.string(value, what: "name") {
                    if n.isEmpty || n.contains("/") || n.hasPrefix(".") {
                        reader.report(value, "name '\(n)' cannot be used in a folder name", hint: "use letters, digits, - and _")
                    } else {
                        name = n
                    }
                }
            case "inputs":
                inputs = parseInputs(value, base: base, reader: &reader, readiness: &readiness)
            case "dedupe":
                if let d = parseDedupe(value, reader: &reader) { dedupe = d }
                dedupeFieldLocation = SourceLocation(value["field"])
            case "mapping":
                sawMapping = true
                if value.scalar != nil {
                    guard let p = reader.string(value, what: "mapping") else { break }
                    let resolved = resolve(p, against: base)
                    mappingPath = resolved
                    do {
                        mapping = try MappingLoader.load(path: resolved, environment: reader.environment ?? [:])
                    } catch {
                        if error.problems.count == 1 && error.problems[0].line == 0 && error.problems[0].message == "cannot read the mapping file" {
                            reader.report(value, "cannot read the mapping file '\(resolved)'",
                                hint: "the path is relative to the pipeline file's folder")
                        } else {
                            mappingProblems += error.problems
                        }
                    }
                } else {
                    var inline = ConfigReader(file: path, environment: reader.environment)
                    mapping = MappingLoader.parse(node: value, reader: &inline)
                    reader.problems += inline.problems
                }
            case "chunks":
                guard let items = reader.entries(value, allowed: ["max_items", "max_bytes"], what: "chunks") else { break }
                for e in items {
                    if e.key == "max_items" {
                        maxItems = reader.int(e.value, what: "max_items", range: 1...1000)
                        maxItemsNode = e.value
                    } else if let v = reader.int(e.value, what: "max_bytes", range: 1024...APIVersion.maxBatchBytes) {
                        maxBytes = v
                    }
                }
            case "destination":
                if let d = parseDestination(value, base: base, reader: &reader) { destination = d }
            case "runs_dir":
                if let r = reader.string(value, what: "runs_dir") {
                    if r.isEmpty { reader.report(value, "runs_dir is empty") } else { runsDirectory = r }
                }
            case "on_failure", "keep_runs":
                outcome.read(key: entry.key, value: value, reader: &reader)
            case "consent":
                if let c = parseConsent(value, reader: &reader, allowLeaverDowngrade: &allowLeaverDowngrade) { consent = c }
            case "sync":
                syncNode = value
                sync = parseSync(value, base: base, reader: &reader)
            default:  // limits
                if let l = parseLimits(value, reader: &reader, runLimits: &runLimits, maxLeaverRate: &maxLeaverRate) { limits = l }
            }
        }
        if var s = sync, let syncNode {
            s.allowLeaverDowngrade = allowLeaverDowngrade
            if let maxLeaverRate { s.maxLeaverRate = maxLeaverRate }
            checkSync(s, at: syncNode, reader: &reader)
            sync = s
        }

        if !sawMapping {
            reader.report(root, "the pipeline has no 'mapping'", hint: "add mapping: path/to/mapping.yaml, or an inline mapping")
        }
        let ceiling = destination.apiVersion.maxBatchItems
        if let m = maxItems, m > ceiling {
            reader.report(maxItemsNode, "max_items \(m) is above the \(destination.apiVersion.rawValue) limit of \(ceiling) items per batch",
                hint: "use at most \(ceiling), or leave max_items out")
        }
        for i in inputs.indices {
            inputs[i].csv.maxFieldBytes = limits.maxFieldBytes
            inputs[i].csv.maxRecordBytes = limits.maxRecordBytes
        }
        if var checked = mapping {
            checked.consent = consent
            mappingProblems += checked.consentProblems()
            mapping = checked
        }
        guard var mapping, reader.problems.isEmpty, mappingProblems.isEmpty else { return nil }
        if case .newest(let field) = dedupe { mapping.dedupeDateField = field }
        var pipeline = Pipeline(
            path: path, name: name, inputs: inputs, dedupe: dedupe, mapping: mapping, mappingPath: mappingPath,
            maxItemsPerChunk: min(maxItems ?? ceiling, ceiling), maxBytesPerChunk: maxBytes, destination: destination,
            runsDirectory: runsDirectory, limits: limits)
        pipeline.dedupeFieldLocation = dedupeFieldLocation
        pipeline.outcome = outcome
        pipeline.runLimits = runLimits
        pipeline.readiness = readiness
        pipeline.sync = sync
        return pipeline
    }

    // MARK: - Sections

    /// Keys of the `inputs:` mapping form that say when the inputs are ready (`InputReadiness`).
    static let readinessKeys = ["ready_marker", "min_age", "max_wait", "skip_unchanged"]

    /// `inputs:` as a list of inputs, one input (a path or a mapping with `path`), or the mapping
    /// form `{ files: [...], ready_marker, min_age, max_wait, skip_unchanged }`. The readiness keys
    /// may also sit beside `path` in a single input's mapping.
    private static func parseInputs(
        _ node: Node, base: String, reader: inout ConfigReader, readiness: inout InputReadiness
    ) -> [InputSpec] {
        if let mapping = node.mapping, !mapping.keys.contains(where: { $0.scalar?.string == "path" }) {
            guard let entries = reader.entries(node, allowed: ["files"] + readinessKeys, what: "inputs") else { return [] }
            var out: [InputSpec] = []
            for e in entries where e.key == "files" {
                out = parseInputs(e.value, base: base, reader: &reader, readiness: &readiness)
            }
            parseReadiness(entries, reader: &reader, into: &readiness)
            return out
        }
        let single = node.sequence == nil
        let items = node.sequence.map(Array.init) ?? [node]
        var out: [InputSpec] = []
        for item in items {
            if item.scalar != nil {
                guard let p = reader.string(item, what: "an input path") else { continue }
                out.append(InputSpec(pattern: p, resolvedPattern: resolve(p, against: base), location: SourceLocation(item)))
                continue
            }
            let allowed = inputKeys + (single ? readinessKeys : [])
            guard let entries = reader.entries(item, allowed: allowed, what: "an input") else { continue }
            var pattern: String?
            var patternNode: Node?
            var format = InputFormat.auto
            var csv = CSVOptions()
            var members = MemberFilter()
            for e in entries {
                switch e.key {
                case "path":
                    pattern = reader.string(e.value, what: "path")
                    patternNode = e.value
                case "format": format = reader.choice(e.value, what: "format", InputFormat.allCases.map(\.rawValue)).flatMap(InputFormat.init) ?? format
                case "members": members = parseMembers(e.value, reader: &reader) ?? members
                case "csv": csv = parseCSV(e.value, reader: &reader) ?? csv
                default: break  // readiness keys, below
                }
            }
            if single { parseReadiness(entries, reader: &reader, into: &readiness) }
            guard let pattern, !pattern.isEmpty else {
                reader.report(item, "an input needs a 'path'", hint: "e.g. - path: ../samples/exports/segment.csv")
                continue
            }
            out.append(InputSpec(
                pattern: pattern, resolvedPattern: resolve(pattern, against: base), format: format, csv: csv,
                members: members, location: SourceLocation(patternNode)))
        }
        return out
    }

    /// `ready_marker`, `min_age`, `max_wait` and `skip_unchanged` among `entries`.
    private static func parseReadiness(_ entries: [ConfigReader.Entry], reader: inout ConfigReader, into readiness: inout InputReadiness) {
        for e in entries {
            switch e.key {
            case "ready_marker":
                guard let marker = reader.string(e.value, what: "ready_marker") else { break }
                if marker.isEmpty || marker.contains("/") {
                    reader.report(e.value, "ready_marker must be a file name, not '\(marker)'",
                        hint: "the marker is looked for in the folder of each input, e.g. ready_marker: _SUCCESS")
                } else {
                    readiness.readyMarker = marker
                }
            case "min_age", "max_wait":
                guard let text = reader.string(e.value, what: e.key) else { break }
                guard let seconds = InputReadiness.seconds(text) else {
                    reader.report(e.value, "\(e.key) must be a duration such as 30s, 5m or 2h, not '\(text)'")
                    break
                }
                if e.key == "min_age" { readiness.minAge = seconds } else { readiness.maxWait = seconds }
            case "skip_unchanged":
                readiness.skipUnchanged = reader.bool(e.value, what: "skip_unchanged") ?? readiness.skipUnchanged
            default:
                break
            }
        }
    }

    /// `members: { include: [globs], exclude: [globs] }` of a bundle input.
    private static func parseMembers(_ node: Node, reader: inout ConfigReader) -> MemberFilter? {
        guard let entries = reader.entries(node, allowed: ["include", "exclude"], what: "members") else { return nil }
        var filter = MemberFilter()
        for e in entries {
            let globs = reader.strings(e.value, what: e.key) ?? []
            if globs.contains(where: \.isEmpty) { reader.report(e.value, "members.\(e.key) holds an empty glob") }
            if e.key == "include" { filter.include = globs } else { filter.exclude = globs }
        }
        return filter
    }

    private static func parseCSV(_ node: Node, reader: inout ConfigReader) -> CSVOptions? {
        guard let entries = reader.entries(node, allowed: csvKeys, what: "csv") else { return nil }
        var options = CSVOptions()
        var header = true
        var headerNode: Node?
        for e in entries {
            switch e.key {
            case "delimiter":
                guard let d = reader.string(e.value, what: "delimiter") else { break }
                let allowed: [String: UInt8] = [",": 0x2C, ";": 0x3B, "\t": 0x09, "tab": 0x09, "\\t": 0x09, "|": 0x7C]
                if let b = allowed[d] { options.delimiter = b } else {
                    reader.report(e.value, "delimiter '\(d)' is not supported", hint: "use \",\", \";\", \"|\" or tab")
                }
            case "quote":
                guard let q = reader.string(e.value, what: "quote") else { break }
                if q.utf8.count == 1, let b = q.utf8.first, b < 0x80, b != options.delimiter { options.quote = b } else {
                    reader.report(e.value, "quote must be one ASCII character, not '\(q)'", hint: "usually \"\\\"\" or \"'\"")
                }
            case "header":
                header = reader.bool(e.value, what: "header") ?? header
                headerNode = e.value
            case "columns":
                options.columns = reader.strings(e.value, what: "columns")
            default:
                guard let text = reader.string(e.value, what: "encoding") else { break }
                let aliases: [String: CSVOptions.Encoding] = [
                    "utf-8": .utf8, "utf8": .utf8, "latin-1": .latin1, "latin1": .latin1, "iso-8859-1": .latin1,
                    "windows-1252": .windows1252, "cp1252": .windows1252,
                ]
                if let enc = aliases[text.lowercased()] { options.encoding = enc } else {
                    reader.report(e.value, "encoding '\(text)' is not supported",
                        hint: Suggestion.hint(for: text, in: Array(aliases.keys).sorted()) ?? "use utf-8, latin-1 or windows-1252")
                }
            }
        }
        if !header && options.columns == nil {
            reader.report(headerNode, "header: false needs 'columns'", hint: "name the columns: columns: [Email, FirstName, …]")
        }
        if header && options.columns != nil && headerNode != nil {
            reader.report(headerNode, "header: true and columns both given", hint: "columns replaces the header row; set header: false")
        }
        return options
    }

    private static func parseDedupe(_ node: Node, reader: inout ConfigReader) -> DedupePolicy? {
        if node.scalar != nil {
            guard let keep = reader.choice(node, what: "dedupe", ["first", "last"]) else { return nil }
            return keep == "first" ? .first : .last
        }
        guard let entries = reader.entries(node, allowed: ["keep", "field"], what: "dedupe") else { return nil }
        var keep = "first"
        var keepNode: Node?
        var field: String?
        var fieldNode: Node?
        for e in entries {
            if e.key == "keep" {
                keep = reader.choice(e.value, what: "keep", ["first", "last", "newest"]) ?? keep
                keepNode = e.value
            } else {
                field = reader.string(e.value, what: "field")
                fieldNode = e.value
            }
        }
        switch keep {
        case "newest":
            guard let field, !field.isEmpty else {
                reader.report(keepNode, "keep: newest needs 'field', the date column to compare", hint: "e.g. dedupe: { keep: newest, field: UpdatedAt }")
                return nil
            }
            return .newest(field: field)
        default:
            if field != nil { reader.report(fieldNode, "'field' is only used with keep: newest") }
            return keep == "last" ? .last : .first
        }
    }

    private static func parseDestination(_ node: Node, base: String, reader: inout ConfigReader) -> Destination? {
        let keys = [
            "api_version", "base_url", "api_key_env", "api_key_file", "allow_personal_data_transfer", "api_key", "simulator", "name",
            "write_probe", "ca_file",
        ]
        guard let entries = reader.entries(node, allowed: keys, what: "destination") else { return nil }
        var d = Destination()
        for e in entries {
            switch e.key {
            case "api_version":
                if let v = reader.choice(e.value, what: "api_version", APIVersion.allCases.map(\.rawValue)) {
                    d.apiVersion = APIVersion(rawValue: v)!
                }
            case "base_url":
                if let u = reader.string(e.value, what: "base_url") {
                    if let url = URL(string: u), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil {
                        d.baseURL = u.hasSuffix("/") ? String(u.dropLast()) : u
                    } else {
                        reader.report(e.value, "base_url '\(u)' is not an http(s) URL", hint: "e.g. https://api.omnisend.com/v5")
                    }
                }
            case "api_key_env":
                if let v = reader.string(e.value, what: "api_key_env") { d.apiKeyEnv = v }
            case "api_key_file":
                if let v = reader.string(e.value, what: "api_key_file") { d.apiKeyFile = resolve(v, against: base) }
            case "allow_personal_data_transfer":
                if let v = reader.bool(e.value, what: "allow_personal_data_transfer") { d.allowPersonalDataTransfer = v }
            case "ca_file":
                if let v = reader.string(e.value, what: "ca_file") {
                    let resolved = resolve(v, against: base)
                    if FileManager.default.isReadableFile(atPath: resolved) { d.caFile = resolved } else {
                        reader.report(e.value, "cannot read the CA bundle '\(resolved)'",
                            hint: "ca_file names a PEM file of CA certificates; the path is relative to the pipeline file's folder")
                    }
                }
            case "simulator":
                if let v = reader.bool(e.value, what: "simulator") { d.simulator = v ? true : nil }
            case "name":
                if let v = reader.string(e.value, what: "name") { d.name = v.isEmpty ? nil : v }
            case "write_probe":
                if let v = reader.bool(e.value, what: "write_probe") { d.writeProbe = v ? nil : false }
            default:  // api_key: refused, and its value never echoed
                reader.report(e.keyNode, "the API key must not be written in the pipeline",
                    hint: "use api_key_env: OMNISEND_API_KEY or api_key_file: path/to/key")
            }
        }
        return d
    }

    /// `consent: { allow_status_date_now: BOOL, resubscribe: never|allow }` (docs/mapping.md, "Consent").
    private static func parseConsent(_ node: Node, reader: inout ConfigReader, allowLeaverDowngrade: inout Bool) -> ConsentPolicy? {
        guard let entries = reader.entries(node, allowed: ["allow_status_date_now", "resubscribe", "allow_leaver_downgrade"], what: "consent") else { return nil }
        var policy = ConsentPolicy()
        for e in entries {
            if e.key == "allow_leaver_downgrade" {
                if let v = reader.bool(e.value, what: "allow_leaver_downgrade") { allowLeaverDowngrade = v }
            } else if e.key == "allow_status_date_now" {
                if let v = reader.bool(e.value, what: "allow_status_date_now") { policy.allowStatusDateNow = v }
            } else if let v = reader.choice(e.value, what: "resubscribe", ConsentPolicy.Resubscribe.allCases.map(\.rawValue)) {
                policy.resubscribe = ConsentPolicy.Resubscribe(rawValue: v)!
            }
        }
        return policy
    }

    private static func parseLimits(
        _ node: Node, reader: inout ConfigReader, runLimits: inout RunLimits, maxLeaverRate: inout Double?
    ) -> InputLimits? {
        let keys = [
            "max_field_bytes", "max_record_bytes", "max_entry_bytes", "max_run_bytes", "max_ratio", "max_reject_rate",
            "min_kept", "max_leaver_rate",
        ]
        guard let entries = reader.entries(node, allowed: keys, what: "limits") else { return nil }
        var l = InputLimits()
        for e in entries {
            switch e.key {
            case "max_field_bytes":
                if let v = reader.int(e.value, what: "max_field_bytes", range: 1024...(1 << 30)) { l.maxFieldBytes = v }
            case "max_record_bytes":
                if let v = reader.int(e.value, what: "max_record_bytes", range: 1024...(1 << 30)) { l.maxRecordBytes = v }
            case "max_entry_bytes":
                if let v = reader.int(e.value, what: "max_entry_bytes", range: 1024...Int.max) { l.maxDecompressedBytesPerEntry = Int64(v) }
            case "max_run_bytes":
                if let v = reader.int(e.value, what: "max_run_bytes", range: 1024...Int.max) { l.maxDecompressedBytesPerRun = Int64(v) }
            case "max_reject_rate":
                guard let text = reader.string(e.value, what: "max_reject_rate") else { break }
                let percent = text.hasSuffix("%")
                if let v = Double(percent ? String(text.dropLast()) : text), (0...(percent ? 100 : 1)).contains(v) {
                    runLimits.maxRejectRate = percent ? v / 100 : v
                } else {
                    reader.report(e.value, "max_reject_rate must be a share from 0 to 1 (or a percentage), not '\(text)'",
                        hint: "e.g. max_reject_rate: 0.05 stops a run that rejects more than 5% of its rows")
                }
            case "min_kept":
                if let v = reader.int(e.value, what: "min_kept", range: 0...Int.max) { runLimits.minKept = v }
            case "max_leaver_rate":
                if let v = parseLeaverRate(e.value, reader: &reader) { maxLeaverRate = v }
            default:
                if let v = reader.int(e.value, what: "max_ratio", range: 2...1_000_000) { l.maxCompressionRatio = Int64(v) }
            }
        }
        return l
    }

    // MARK: - Paths

    /// The folder of `path` ("" for a bare file name).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// A pipeline's name when it has no `name:`: its file name without `.yaml`.
    public static func defaultName(_ path: String) -> String {
        var file = path.split(separator: "/").last.map(String.init) ?? path
        for ext in [".yaml", ".yml"] where file.hasSuffix(ext) { file.removeLast(ext.count) }
        return file.isEmpty ? "pipeline" : file
    }

    /// `path` relative to `base` (unless absolute), with `.` and `dir/..` segments removed
    /// (`LexicalPath.normalize`).
    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") || base.isEmpty { return LexicalPath.normalize(path) }
        return LexicalPath.normalize(base + "/" + path)
    }
}
