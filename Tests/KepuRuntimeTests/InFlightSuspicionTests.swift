import KepuKafka
import Testing

@testable import KepuRuntime

@Suite("The crash-loop guard's steps after a death (pure)")
struct InFlightSuspicionTests {
    let partition = KafkaTopicPartition(topic: "kepu.fixture.v1", partition: 3)

    @Test("a few suspects are applied one record at a time; many in steps of their square root, which are few")
    func stepSizes() {
        let step = InFlightMarker.Suspicion.stepSize
        #expect(step(0, 512) == 1, "none known: one at a time")
        #expect(step(1, 512) == 1)
        #expect(step(512, 512) == 1, "512: still one at a time")
        #expect(step(513, 512) == 23, "513: steps of ⌈√513⌉")
        #expect(step(20_000, 512) == 142, "a batch of 20,000: 142 steps of 142")
        #expect(step(100_000, 512) == 317)
        #expect(step(317, 512) == 1, "a death in a step of the widest batch (100,000) leaves few: alone next")
    }

    @Test("only the records inside the range in flight at the death are suspects")
    func suspects() {
        var suspicion = InFlightMarker.Suspicion()
        suspicion.inFlightAtDeath[partition] = 10...20
        func message(_ partition: Int32, _ offset: Int64) -> KafkaConsumerMessage {
            KafkaConsumerMessage(topic: "kepu.fixture.v1", partition: partition, offset: offset, key: nil, value: [])
        }
        #expect(suspicion.wasInFlight(message(3, 10)))
        #expect(suspicion.wasInFlight(message(3, 20)))
        #expect(!suspicion.wasInFlight(message(3, 9)))
        #expect(!suspicion.wasInFlight(message(3, 21)))
        #expect(!suspicion.wasInFlight(message(4, 15)), "another partition")
    }
}
