import KepuRuntime
import Testing

@Suite("Wakeup")
struct WakeupTests {
    /// Far enough for "ended early" to be unmistakable, near enough that a broken wakeup fails the test, not hangs it.
    let far = Duration.seconds(60)

    /// Sleeps on `wakeup` until `far` from now; whether it ended early.
    func endedEarly(_ wakeup: Wakeup) async -> Bool {
        let start = ContinuousClock.now
        await wakeup.sleep(until: start + far)
        return ContinuousClock.now - start < far / 2
    }

    @Test("a signal ends a sleep early, also one sent before the sleep began; it is used up by that sleep")
    func signalEndsSleep() async throws {
        let wakeup = Wakeup()
        let sleeping = Task { await endedEarly(wakeup) }
        try await Task.sleep(for: .milliseconds(50))
        wakeup.signal()
        #expect(await sleeping.value)

        // Sent while nobody sleeps: the next sleep returns at once.
        wakeup.signal()
        wakeup.signal()
        #expect(await endedEarly(wakeup))

        // Two signals count as one: the sleep after sleeps until its deadline.
        let start = ContinuousClock.now
        await wakeup.sleep(until: start + .milliseconds(100))
        #expect(ContinuousClock.now - start >= .milliseconds(100))
    }

    @Test("without a signal a sleep lasts until its deadline; cancelling the sleeper ends it")
    func deadlineAndCancellation() async throws {
        let wakeup = Wakeup()
        let start = ContinuousClock.now
        await wakeup.sleep(until: start + .milliseconds(100))
        #expect(ContinuousClock.now - start >= .milliseconds(100))

        let sleeping = Task { await endedEarly(wakeup) }
        sleeping.cancel()
        #expect(await sleeping.value)
        // The wakeup still works for the next sleeper.
        wakeup.signal()
        #expect(await endedEarly(wakeup))
    }
}
