import ArgumentParser
import ExportCore
import ExportPipeline
import ExportSync
import Foundation

/// `omnisend-export state`: look at and maintain a pipeline's destination state (docs/sync.md).
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show, export, import, reset or rebuild the destination state that incremental sync diffs against.",
        discussion: """
            The destination state is a SQLite file per destination and pipeline (default \
            $OMNISEND_EXPORT_STATE_DIR/sync/NAME--PIPELINE.sqlite, or the pipeline's sync: { state: PATH }). \
            It holds, per email, the hash of the payload Omnisend last accepted and the consent \
            sent: personal data (see docs/security.md). Name it by the pipeline, or by --state PATH.

            Examples:
              omnisend-export state show pipelines/newsletter.yaml
              omnisend-export state export pipelines/newsletter.yaml --output state.ndjson
              omnisend-export state import pipelines/newsletter.yaml --input state.ndjson
              omnisend-export state reset pipelines/newsletter.yaml --yes
              omnisend-export state rebuild pipelines/newsletter.yaml
            """,
        subcommands: [StateShow.self, StateExport.self, StateImport.self, StateReset.self, StateRebuildCommand.self])
}

/// Which state a `state` subcommand works on: a pipeline's, or a file.
struct StateTarget: ParsableArguments {
    @Argument(help: "The pipeline whose destination state to use (its destination name or host, and its name).")
    var pipeline: String?

    @Option(help: "The state file itself, instead of a pipeline's.")
    var state: String?

    /// The state's location.
    func location() throws -> StateLocation {
        let environment = ProcessInfo.processInfo.environment
        if let state {
            var location = StateLocation(
                destination: Destination(), pipelineName: "", explicitPath: state, stateDirectory: try StateDirectory(environment: environment))
            let recorded: String?? = try? DestinationStateStore.openIfPresent(path: location.path, key: "(unknown)")?.key()
            location.key = recorded.flatMap { $0 } ?? "(unknown)"
            return location
        }
        guard let pipeline else { throw ValidationError("name the pipeline (PIPELINE.yaml) or the state file (--state PATH)") }
        let loaded: Pipeline
        do { loaded = try PipelineLoader.load(path: pipeline, environment: environment) } catch {
            throw ExportError(.config, "\n" + String(describing: error), path: pipeline)
        }
        return StateLocation(
            destination: loaded.destination, pipelineName: loaded.name, explicitPath: loaded.sync?.statePath,
            stateDirectory: try StateDirectory(environment: environment))
    }

    /// The existing state; exits 66 naming the file when there is none.
    func existing() throws -> (DestinationStateStore, StateLocation) {
        let location = try location()
        guard let store = try DestinationStateStore.openIfPresent(path: location.path, key: location.key) else {
            throw ExportError(.noInput, "no destination state yet for \(location.key): it appears at the first upload of a run prepared with sync:", path: location.path)
        }
        return (store, location)
    }
}

/// Runs `body`, turning `ExportError`s into their exit codes with the message on stderr.
private func reporting(_ body: () throws -> Void) throws {
    do { try body() } catch let error as ExportError {
        Console.note("error: \(error)")
        throw ExitCode(ExitCodes.code(for: error))
    }
}

/// `state show`: version, counts, claims.
struct StateShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the state's file, version and counts (no emails).")

    @OptionGroup var target: StateTarget

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        try reporting {
            let (store, location) = try target.existing()
            let s = try store.summary()
            if json {
                var object: [String: Any] = [
                    "state": location.path, "key": s.key ?? location.key, "version": s.version.number, "contacts": s.contacts,
                    "subscribed": s.subscribed, "left": s.left, "unknownHash": s.unknownHash, "appliedChunks": s.appliedChunks,
                    "pendingRuns": s.claimedRuns,
                ]
                if let run = s.version.run { object["versionRun"] = run }
                if let last = s.version.lastFullAt { object["lastFullAt"] = last }
                if let last = s.lastAcceptedAt { object["lastAcceptedAt"] = last }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("""
                state: \(location.path)
                key: \(s.key ?? location.key)
                version: \(s.version.number)\(s.version.run.map { " (advanced by \($0))" } ?? "")
                contacts: \(s.contacts) (subscribed \(s.subscribed), left \(s.left), payload unknown \(s.unknownHash))
                last accepted: \(s.lastAcceptedAt ?? "never")
                last full run: \(s.version.lastFullAt ?? "never")
                chunks recorded: \(s.appliedChunks)
                runs still recording: \(s.claimedRuns.isEmpty ? "none" : s.claimedRuns.joined(separator: ", "))
                """)
        }
    }
}

/// `state export`: every contact as a `DestinationStateLine`, NDJSON.
struct StateExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write every contact of the state as NDJSON (emails included: personal data).")

    @OptionGroup var target: StateTarget

    @Option(help: "Write to this file (created 0600) instead of stdout.")
    var output: String?

    func run() throws {
        try reporting {
            let (store, _) = try target.existing()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var out = Data()
            var count = 0
            try store.forEachLine { line in
                out.append(try encoder.encode(line))
                out.append(0x0A)
                count += 1
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: out, attributes: [.posixPermissions: 0o600]) else {
                    throw ExportError(.cannotCreate, "cannot write the export", path: output)
                }
                Console.note("state export: \(count) contact(s) written to \(output)")
            } else {
                FileHandle.standardOutput.write(out)
            }
        }
    }
}

/// `state import`: adds or replaces contacts from `state export` lines.
struct StateImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add or replace contacts of the state from a state export (NDJSON); run folders prepared before are then refused by upload.")

    @OptionGroup var target: StateTarget

    @Option(name: .customLong("input"), help: ArgumentHelp("The NDJSON file written by state export.", valueName: "FILE"))
    var file: String

    func run() throws {
        try reporting {
            let location = try target.location()
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ExportError(.noInput, "cannot read the file", path: file)
            }
            let lines = try Self.parse(data, file: file)
            let store = try DestinationStateStore(path: location.path, key: location.key)
            let count = try store.merge(lines, origin: "import")
            Console.note("state import: \(count) contact(s) into \(location.key) (version \(try store.version().number)): \(location.path)")
        }
    }

    /// The lines of `data`; an unreadable line is an error naming the file and line.
    static func parse(_ data: Data, file: String) throws -> [DestinationStateLine] {
        let decoder = JSONDecoder()
        var lines: [DestinationStateLine] = []
        for (index, raw) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !raw.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            do {
                let line = try decoder.decode(DestinationStateLine.self, from: raw)
                guard line.formatVersion == 1 else {
                    throw ExportError(.corruptInput, "formatVersion \(line.formatVersion) is not supported (this tool reads 1)", path: "\(file):\(index + 1)")
                }
                guard !line.email.isEmpty else { throw ExportError(.corruptInput, "email is empty", path: "\(file):\(index + 1)") }
                lines.append(line)
            } catch let error as ExportError {
                throw error
            } catch {
                throw ExportError(
                    .corruptInput,
                    "not a state line (expected the keys formatVersion, email, channels, acceptedAt, origin as state export writes them)",
                    path: "\(file):\(index + 1)")
            }
        }
        return lines
    }
}

/// `state reset`: empties the state.
struct StateReset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Empty the state: the next run sends every contact once (run folders prepared before are refused by upload).")

    @OptionGroup var target: StateTarget

    @Flag(help: "Confirm: the state is emptied.")
    var yes = false

    func run() throws {
        try reporting {
            guard yes else { throw ValidationError("state reset empties the destination state; confirm with --yes") }
            let (store, location) = try target.existing()
            let before = try store.summary().contacts
            try store.reset()
            Console.note("state reset: \(before) contact(s) removed from \(location.key) (version \(try store.version().number)): \(location.path)")
        }
    }
}
