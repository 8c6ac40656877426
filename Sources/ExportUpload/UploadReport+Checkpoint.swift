import ExportCore
import Foundation

extension UploadReport {
    /// The report of an upload that has not written one (in progress, or cut short), read from
    /// its checkpoint as `status` reads it; `outcome` is the caller's word for it
    /// (`in_progress`, `unfinished`). The run report shows it while an upload runs.
    public static func fromCheckpoint(_ store: CheckpointStore, manifest: RunManifest, outcome: String) throws -> UploadReport {
        let chunks = try store.chunks()
        let counters = try store.counters()
        let done = chunks.filter { $0.state == .done }
        let failedChunks = chunks.filter { $0.state == .failed }
        let open = chunks.filter { $0.state != .done && $0.state != .failed }
        let failedItems = try store.failedItems().filter { !$0.retried }.count
        var report = UploadReport(
            outcome: outcome, stopReason: nil, apiVersion: manifest.destination.apiVersion.rawValue,
            baseURL: manifest.destination.baseURL ?? "", contacts: manifest.contactsInChunks,
            accepted: done.reduce(0) { $0 + ($1.accepted ?? 0) },
            failed: failedItems + failedChunks.reduce(0) { $0 + $1.contacts },
            notSent: open.filter { $0.retryOf == nil }.reduce(0) { $0 + $1.contacts },
            rejected: manifest.counts.rejected, duplicates: manifest.counts.duplicates, chunks: chunks.count,
            chunksDone: done.count, chunksFailed: failedChunks.count, chunksOpen: open.count,
            requests: counters["requests"] ?? 0, retries: counters["retries"] ?? 0,
            rateLimited: counters["rate_limited"] ?? 0, reconciled: counters["reconciled"] ?? 0,
            reposted: counters["reposted"] ?? 0, elapsedSeconds: Double(try store.meta("elapsed_seconds") ?? "0") ?? 0)
        report.timeline = UploadTimeline(counters: counters, allowancePerMinute: nil)
        let mix = RequestMix(counters: counters, chunks: chunks)
        report.requestsByKind = mix.byKind
        report.requestsPer1000Contacts = mix.per1000Contacts
        return report
    }
}
