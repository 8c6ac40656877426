import ExportUpload
import Foundation
import Testing

@Suite struct UploadTimelineTests {
    @Test func countersGetAMinuteTwinInTheSameTransaction() throws {
        let folder = NSTemporaryDirectory() + "timeline-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try CheckpointStore(runDirectory: folder)
        let t0 = Date(timeIntervalSince1970: 1_796_292_000)  // 2026-12-03T10:00Z
        try store.count("requests", at: t0)
        try store.count("requests", at: t0.addingTimeInterval(59))
        try store.count("requests", at: t0.addingTimeInterval(125))
        try store.count("rate_limited", at: t0.addingTimeInterval(10))
        try store.count("accepted", by: 1000, at: t0.addingTimeInterval(130))
        try store.count("reconciled", at: t0)
        let counters = try store.counters()
        #expect(counters["requests"] == 3)
        #expect(counters["requests@2026-12-03T10:00Z"] == 2)
        #expect(counters["reconciled@2026-12-03T10:00Z"] == nil, "only the timeline's counters get twins")
        let timeline = UploadTimeline(counters: counters, allowancePerMinute: 320)
        #expect(timeline.minutes == [
            .init(minute: "2026-12-03T10:00Z", requests: 2, rateLimited: 1),
            .init(minute: "2026-12-03T10:02Z", requests: 1, accepted: 1000),
        ])
        // A reopened checkpoint (a resumed upload) adds to the same minutes.
        let reader = try CheckpointStore(readOnlyRunDirectory: folder)
        #expect(try reader.counters() == counters)
    }

    @Test func theTimelineIsAdditiveInReportJSON() throws {
        let old = #"{"accepted":1,"apiVersion":"v5","baseURL":"x","chunks":1,"chunksDone":1,"chunksFailed":0,"chunksOpen":0,"contacts":1,"duplicates":0,"elapsedSeconds":1,"failed":0,"notSent":0,"outcome":"complete","rateLimited":0,"reconciled":0,"rejected":0,"reposted":0,"requests":3,"retries":0}"#
        let report = try JSONDecoder().decode(UploadReport.self, from: Data(old.utf8))
        #expect(report.timeline == nil)
        var withTimeline = report
        withTimeline.timeline = UploadTimeline(allowancePerMinute: nil, minutes: [.init(minute: "2026-12-03T10:00Z", requests: 3)])
        let round = try JSONDecoder().decode(UploadReport.self, from: JSONEncoder().encode(withTimeline))
        #expect(round == withTimeline)
    }

    @Test func minuteTextIsUTC() {
        #expect(UploadTimeline.minuteText(Date(timeIntervalSince1970: 1_796_292_000 + 3599)) == "2026-12-03T10:59Z")
    }
}
