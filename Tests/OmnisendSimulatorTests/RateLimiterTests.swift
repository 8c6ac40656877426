import Testing
@testable import OmnisendSimulator

@Suite("RateLimiter")
struct RateLimiterTests {
    @Test func slidingWindowPerBrand() {
        let clock = ManualSimulatorClock()
        let limiter = RateLimiter(limit: 3, clock: clock)
        #expect(limiter.admit(brand: "a") == .init(admitted: true, limit: 3, remaining: 2, resetSeconds: 60))
        clock.advance(by: 30)
        #expect(limiter.admit(brand: "a").remaining == 1)
        #expect(limiter.admit(brand: "a").remaining == 0)
        let refused = limiter.admit(brand: "a")
        #expect(!refused.admitted)
        #expect(refused.resetSeconds == 30)
        #expect(limiter.admit(brand: "b").admitted)
        clock.advance(by: 30.5)
        // The first request left the window; the two at t=30 are still in it.
        let again = limiter.admit(brand: "a")
        #expect(again.admitted)
        #expect(again.remaining == 0)
        #expect(!limiter.admit(brand: "a").admitted)
    }

    @Test func aShorterWindowSlidesSooner() {
        let clock = ManualSimulatorClock()
        let limiter = RateLimiter(limit: 2, clock: clock, window: 2)
        #expect(limiter.admit(brand: "a").resetSeconds == 2)
        #expect(limiter.admit(brand: "a").admitted)
        #expect(!limiter.admit(brand: "a").admitted)
        clock.advance(by: 2.1)
        #expect(limiter.admit(brand: "a").admitted)
    }

    @Test func zeroLimitAdmitsEverything() {
        let limiter = RateLimiter(limit: 0, clock: ManualSimulatorClock())
        #expect(!limiter.isEnabled)
        #expect((0..<1000).allSatisfy { _ in limiter.admit(brand: "a").admitted })
    }
}
