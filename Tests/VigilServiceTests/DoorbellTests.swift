import Testing
import VigilService

/// The wait of the delivery engine and of live-tail sessions: a ring ends it early, and only a ring does.
@Suite struct DoorbellTests {
    static func elapsed(_ body: () async -> Void) async -> Duration {
        let start = ContinuousClock.now
        await body()
        return ContinuousClock.now - start
    }

    @Test func aRingBeforeTheWaitEndsItAtOnce() async {
        let bell = Doorbell()
        bell.ring()
        // An hour's timeout against a ten-minute bound: a loaded machine's pauses cannot fail this.
        let waited = await Self.elapsed { await bell.wait(timeout: .seconds(3_600)) }
        #expect(waited < .seconds(600))
    }

    @Test func aWaitNobodyRingsLastsItsTimeout() async {
        let bell = Doorbell()
        let waited = await Self.elapsed { await bell.wait(timeout: .milliseconds(200)) }
        #expect(waited >= .milliseconds(190))
    }

    /// The engine waits again after each ring; the timer the ring made unnecessary must not ring in
    /// its place, or every later wait returns at once and the engine spins a core.
    @Test func theWaitAfterARungWaitIsNotCutShort() async {
        let bell = Doorbell()
        let ringer = Task {
            try? await Task.sleep(for: .milliseconds(20))
            bell.ring()
        }
        await bell.wait(timeout: .seconds(30))
        ringer.cancel()
        for _ in 0..<3 {
            let waited = await Self.elapsed { await bell.wait(timeout: .milliseconds(200)) }
            #expect(waited >= .milliseconds(190), "a wait nobody rang ended after \(waited)")
        }
    }
}
