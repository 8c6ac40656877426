import Foundation
import Logging

/// The background worker that processes stored batches one at a time, oldest first:
/// `pending` → (after ``SimulatorConfiguration/batchProcessingDelay``) `inProgress` → slices of
/// ``SimulatorConfiguration/batchSliceSize`` items, one transaction each, the delay between
/// slices → `finished` or `stopped`. With nothing to do it sleeps until the store rings its
/// ``WorkSignal`` (a batch was stored): an idle simulator uses no CPU.
struct BatchWorker: Sendable {
    let store: SimulatorStore
    let configuration: SimulatorConfiguration

    func run() async {
        let rules = SliceRules(
            sliceSize: max(1, configuration.batchSliceSize), stopErrorShare: configuration.stopErrorShare,
            stopMinimumItems: configuration.stopMinimumItems, partialFailureShare: configuration.partialFailureShare,
            seed: configuration.seed)
        while !Task.isCancelled {
            do {
                guard let batch = try await store.nextOpenBatch() else {
                    await store.newWork.wait()
                    continue
                }
                if batch.status == "pending" {
                    try await pause()
                    try await store.markStarted(rowID: batch.rowID, now: configuration.clock.now())
                }
                while try await !store.processSlice(rowID: batch.rowID, rules: rules, now: configuration.clock.now()) {
                    try await pause()
                }
            } catch is CancellationError {
                return
            } catch {
                configuration.logger.error("batch worker failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private func pause() async throws {
        if configuration.batchProcessingDelay > .zero {
            try await Task.sleep(for: configuration.batchProcessingDelay)
        }
    }
}
