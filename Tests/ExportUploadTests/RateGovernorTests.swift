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

@Test func whatOthersLeftOfTheBrandsWindowIsSpentThenItWaitsForTheReset() {
    var governor = RateGovernor(limit: 400, share: 0.8, window: 60)
    // The headers say 5 places are left to the brand, and a place frees in 12 s.
    governor.learn(remaining: 5, resetSeconds: 12, now: 100)
    for _ in 0..<3 {
        #expect(governor.delay(now: 100) == 0)
        governor.record(now: 100)
    }
    // Two places are kept for requests in flight: wait for the reset.
    #expect(governor.delay(now: 101) == 11)
    // After the reset, one request goes to learn the new budget; the next waits for its answer.
    #expect(governor.delay(now: 112) == 0)
    governor.record(now: 112)
    #expect(governor.delay(now: 112.01) > 0)
    governor.learn(remaining: 50, resetSeconds: 1, now: 112.2)
    #expect(governor.delay(now: 112.2) == 0)
    // An answer without the headers forgets the budget: the share alone rules again.
    governor.learn(remaining: 0, resetSeconds: 30, now: 113)
    #expect(governor.delay(now: 113) == 30)
    governor.forgetBudget()
    #expect(governor.delay(now: 113) == 0)
}
