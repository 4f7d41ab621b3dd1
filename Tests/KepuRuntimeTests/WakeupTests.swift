import KepuRuntime
import Testing

@Suite("Wakeup")
struct WakeupTests {
    @Test("a signal ends a sleep early, also one sent before the sleep began; it is used up by that sleep")
    func signalEndsSleep() async throws {
        let wakeup = Wakeup()
        let far = ContinuousClock.now + .seconds(3600)
        let sleeping = Task { await wakeup.sleep(until: far) }
        try await Task.sleep(for: .milliseconds(50))
        wakeup.signal()
        await sleeping.value
        #expect(ContinuousClock.now < far)

        // Sent while nobody sleeps: the next sleep returns at once.
        wakeup.signal()
        wakeup.signal()
        await wakeup.sleep(until: .now + .seconds(3600))

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

        let sleeping = Task { await wakeup.sleep(until: .now + .seconds(3600)) }
        sleeping.cancel()
        await sleeping.value
        // The wakeup still works for the next sleeper.
        wakeup.signal()
        await wakeup.sleep(until: .now + .seconds(3600))
    }
}
