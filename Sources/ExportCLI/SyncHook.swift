import ArgumentParser
import ExportCore
import ExportPipeline
import ExportPrepare
import ExportSync
import ExportUpload
import Foundation

/// `--incremental` / `--full` of `prepare` and `run` (docs/sync.md).
struct SyncFlags: ParsableArguments {
    @Flag(help: "Send only the contacts that are new or changed since the last accepted upload to this destination (the pipeline's sync: incremental); the others are counted as unchanged.")
    var incremental = false

    @Flag(help: "Send every contact, and record them in the destination state (overrides sync: incremental and full_every).")
    var full = false

    /// Refuses `--incremental` with `--full` while the command line is parsed (exit 64, before
    /// any work).
    func validate() throws {
        if incremental && full { throw ValidationError("--incremental and --full cannot be used together") }
    }

    /// The mode the flags ask for, or `nil` to follow the pipeline.
    var mode: SyncSettings.Mode? {
        incremental ? .incremental : (full ? .full : nil)
    }

    /// Sets the job's sync mode and the replay that runs before its diff.
    func configure(_ job: inout PrepareJob) {
        job.syncMode = mode
        job.beforeDiff = { store in try StateRecorder.replay(store: store, log: { Console.note($0) }) }
    }
}

extension SyncHook {
    /// `check`'s line about incremental sync: the mode, the state and what it holds; `nil` for a
    /// pipeline without `sync:` (or one that does not load: check reports that itself).
    static func describe(pipelinePath: String) -> String? {
        let environment = ProcessInfo.processInfo.environment
        guard let pipeline = try? PipelineLoader.load(path: pipelinePath, environment: environment), let sync = pipeline.sync,
            let directory = try? StateDirectory(environment: environment)
        else { return nil }
        let location = StateLocation(
            destination: pipeline.destination, pipelineName: pipeline.name, explicitPath: sync.statePath, stateDirectory: directory)
        var held = "no state yet: the first run sends everyone"
        if let store = try? DestinationStateStore.openIfPresent(path: location.path, key: location.key), let summary = try? store.summary() {
            held = "version \(summary.version.number), \(summary.contacts) contact(s), \(summary.left) left"
        }
        let leavers = sync.leavers == .none ? "" : "; leavers: \(sync.leavers.rawValue) (at most \(Int(sync.maxLeaverRate * 100))% of the state a run)"
        return "sync: \(sync.mode.rawValue) against the destination state \(location.key) (\(held))\(leavers): \(location.path)"
    }
}

/// The upload's two calls into the destination state: before (refuse a stale run, claim the
/// state for replay) and after (record what was accepted).
enum SyncHook {
    /// Opens the state of a synced run folder, refuses it when the state moved on (exit 8), and
    /// claims the state for this run; `nil` for a run without `sync:` or for a rehearsal (which
    /// sends nothing to Omnisend, so records nothing).
    static func beforeUpload(
        runDirectory: String, manifest: RunManifest, rehearsal: Bool, note: (String) -> Void
    ) throws -> DestinationStateStore? {
        guard manifest.sync != nil else { return nil }
        if rehearsal {
            note("sync: a rehearsal records nothing in the destination state")
            return nil
        }
        guard let store = try StateRecorder.store(for: manifest) else { return nil }
        try StateRecorder.requireCurrent(runDirectory: runDirectory, manifest: manifest, store: store)
        try store.claim(run: StateRecorder.runID(runDirectory))
        // A previous attempt of this run may have died after chunks were done.
        try StateRecorder.record(runDirectory: runDirectory, manifest: manifest, store: store)
        return store
    }

    /// While a long upload runs, records its finished chunks every 30 seconds, so that a crash
    /// leaves little to replay; `nil` without a state. Cancel the task when the upload ends.
    static func recordPeriodically(runDirectory: String, manifest: RunManifest, store: DestinationStateStore?) -> Task<Void, Never>? {
        guard let store else { return nil }
        return Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(30))
                if Task.isCancelled { return }
                _ = try? StateRecorder.record(runDirectory: runDirectory, manifest: manifest, store: store)
            }
        }
    }

    /// Records the chunks the upload finished; a failure is only reported (the replay before the
    /// next diff records them).
    static func afterUpload(runDirectory: String, manifest: RunManifest, store: DestinationStateStore?, note: (String) -> Void) {
        guard let store else { return }
        do {
            let outcome = try StateRecorder.record(runDirectory: runDirectory, manifest: manifest, store: store)
            if try StateRecorder.isSettled(runDirectory: runDirectory, store: store) {
                try store.release(run: StateRecorder.runID(runDirectory))
            }
            note("sync: recorded \(outcome.contacts) accepted contact(s) in the destination state \(manifest.sync?.stateKey ?? "")")
        } catch {
            note("warning: the destination state was not updated (\(error)); the next prepare records this run's accepted contacts first")
        }
    }
}
