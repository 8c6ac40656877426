import ExportUpload
import Testing

@Test func allowsTheShareOfTheLimitThenWaitsForTheWindow() {
    var governor = RateGovernor(limit: 10, share: 0.5, window: 60)
    #expect(governor.allowance == 5)
    for second in 0..<5 {
        #expect(governor.delay(now: Double(second)) == 0)
        governor.record(now: Double(second))
    }
    // The sixth request must wait until the first leaves the window (t = 60).
    #expect(governor.delay(now: 5) == 55)
    #expect(governor.delay(now: 60.5) == 0)
}

@Test func neverExceedsTheAllowanceInAnySlidingWindow() {
    var governor = RateGovernor(limit: 400, share: 0.8, window: 60)
    var sent: [Double] = []
    var now = 0.0
    while now < 300 {
        let wait = governor.delay(now: now)
        if wait > 0 { now += wait; continue }
        governor.record(now: now)
        sent.append(now)
        now += 0.01
    }
    for start in sent {
        #expect(sent.filter { $0 >= start && $0 < start + 60 }.count <= 320)
    }
}

@Test func learnsTheLimitAndPausesAfterA429() {
    var governor = RateGovernor(limit: 400, share: 1)
    governor.learn(limit: 100)
    #expect(governor.allowance == 100)
    governor.pause(until: 30)
    #expect(governor.delay(now: 10) == 20)
}
