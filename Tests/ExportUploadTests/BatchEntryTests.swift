import Foundation
import Testing

@testable import ExportUpload

@Suite struct BatchEntryTests {
    func entry(_ json: String) -> BatchEntry? { BatchEntry(HTTPAnswer(status: 200, body: Array(json.utf8))) }

    @Test func readsEveryShapeOfTheIDAndTheEndTime() {
        #expect(entry(#"{"batchID":"b1","status":"finished","endedAt":"2026-01-01T00:00:00Z"}"#)
            == BatchEntry(id: "b1", status: "finished", endedAt: "2026-01-01T00:00:00Z"))
        #expect(entry(#"{"id":"b2","enddedAt":"x","endpoint":"contacts","createdAt":"c"}"#)
            == BatchEntry(id: "b2", endpoint: "contacts", createdAt: "c", endedAt: "x"))
        #expect(entry(#"{"batchID":"b3","id":"other"}"#)?.id == "b3")
    }

    @Test func readsAFieldOfAnotherTypeAsAbsentAndANonObjectAsNothing() {
        #expect(entry(#"{"batchID":7,"status":null,"totalCount":"10","finishedCount":10}"#) == BatchEntry(finishedCount: 10))
        #expect(entry("[1]") == nil)
        #expect(entry("not json") == nil)
    }

    @Test func aCleanBatchIsOnlyOneThatFinishedEveryItemWithoutErrors() {
        let clean = BatchEntry(status: "finished", totalCount: 10, finishedCount: 10, errorsCount: 0)
        #expect(clean.isClean(contacts: 10))
        #expect(!clean.isClean(contacts: 11))
        var errors = clean
        errors.errorsCount = 1
        #expect(!errors.isClean(contacts: 10))
        var short = clean
        short.finishedCount = 9
        #expect(!short.isClean(contacts: 10))
        var stopped = clean
        stopped.status = "stopped"
        #expect(!stopped.isClean(contacts: 10) && stopped.hasEnded)
        var absent = clean
        absent.errorsCount = nil
        #expect(!absent.isClean(contacts: 10))
        #expect(!BatchEntry(status: "inProgress").hasEnded)
    }
}
