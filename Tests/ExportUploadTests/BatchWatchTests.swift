import Foundation
import Testing

@testable import ExportUpload

/// The poller's choices, without the network: when a listing pays, when to ask per batch, and
/// where the next listing may start.
@Suite struct BatchWatchTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func watch(_ count: Int, group: Int = 4, maxWait: Double = 30) async -> BatchWatch {
        let watch = BatchWatch(group: group, maxWait: maxWait, maxDelay: 8)
        for index in 0..<count {
            await watch.add(chunk: index + 1, batchID: "b\(index)", contacts: 10, postedAt: t0, firstDelay: 1, now: t0)
        }
        return watch
    }

    @Test func nothingOpenWaitsUntilTheWorkersAreDoneThenFinishes() async {
        let watch = BatchWatch()
        #expect(await watch.plan(now: t0, draining: false) == .wait(0.1))
        await watch.closeIntake()
        #expect(await watch.plan(now: t0, draining: true) == .finished)
    }

    @Test func whileChunksArePostedItWaitsForAGroupOfDueBatches() async {
        let watch = await watch(3)
        // Not due yet: wait until the first is.
        #expect(await watch.plan(now: t0, draining: false) == .wait(1))
        // Due, but 3 < a group of 4 and the oldest has not waited 30 s: wait for more.
        guard case .wait = await watch.plan(now: t0.addingTimeInterval(2), draining: false) else {
            Issue.record("expected a wait")
            return
        }
        // The oldest due batch waited the longest allowed: list anyway.
        #expect(await watch.plan(now: t0.addingTimeInterval(32), draining: false) == .list)
        // A fourth batch makes a group.
        await watch.add(chunk: 4, batchID: "b3", contacts: 10, postedAt: t0, firstDelay: 1, now: t0)
        #expect(await watch.plan(now: t0.addingTimeInterval(2), draining: false) == .list)
    }

    @Test func withNothingLeftToPostOneDueBatchIsEnoughToList() async {
        let watch = await watch(1)
        #expect(await watch.plan(now: t0.addingTimeInterval(1), draining: true) == .list)
    }

    @Test func fewerDueBatchesThanListPagesAreAskedForOneByOne() async {
        let watch = await watch(2)
        await watch.finishPass(wanted: ["b0", "b1"], seen: ["b0", "b1"], pages: 3, ordered: true, next: nil)
        #expect(await watch.plan(now: t0.addingTimeInterval(1), draining: true) == .get(["b0", "b1"]))
        await watch.finishPass(wanted: ["b0", "b1"], seen: ["b0", "b1"], pages: 1, ordered: true, next: nil)
        #expect(await watch.plan(now: t0.addingTimeInterval(1), draining: true) == .list)
    }

    @Test func aBatchTheListMissesTwiceIsAskedForDirectly() async {
        let watch = await watch(2)
        for _ in 0..<2 { await watch.finishPass(wanted: ["b0", "b1"], seen: ["b0"], pages: 1, ordered: true, next: nil) }
        #expect(await watch.plan(now: t0.addingTimeInterval(1), draining: true) == .get(["b1"]))
        // Seen open again: back to the listing, and not due before its delay.
        await watch.stillOpen("b1", now: t0.addingTimeInterval(1))
        #expect(await watch.batch("b1")?.misses == 0)
        #expect(await watch.batch("b1")?.due == t0.addingTimeInterval(3))
    }

    @Test func aBatchSeenOpenIsLookedAtAgainWithDoublingDelays() async {
        let watch = await watch(1)
        var now = t0.addingTimeInterval(1)
        var delays: [Double] = []
        for _ in 0..<5 {
            await watch.stillOpen("b0", now: now)
            let due = await watch.batch("b0")!.due
            delays.append(due.timeIntervalSince(now))
            now = due
        }
        #expect(delays == [2, 4, 8, 8, 8])
    }

    @Test func theSavedPositionIsUsedOnlyForTheSameDayAndWhileTheListKeptCreationOrder() async {
        let watch = await watch(1)
        let day = BatchWatch.day(t0.addingTimeInterval(-86_400))
        #expect(await watch.listStart() == .start(day))
        let saved = ListPosition(dateFrom: day, offset: 480, anchor: "x")
        await watch.finishPass(wanted: ["b0"], seen: ["b0"], pages: 2, ordered: true, next: saved)
        #expect(await watch.listStart() == saved)
        await watch.finishPass(wanted: ["b0"], seen: ["b0"], pages: 2, ordered: true, next: ListPosition(dateFrom: "2020-01-01", offset: 3))
        #expect(await watch.listStart() == .start(day))
        await watch.finishPass(wanted: ["b0"], seen: ["b0"], pages: 2, ordered: false, next: saved)
        #expect(await watch.listStart() == .start(day))
        #expect(await !watch.inCreationOrder)
    }
}
