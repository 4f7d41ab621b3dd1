import Testing

@testable import KepuKafka
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

    @Test("suspects the first batch after a death did not reach are suspects in the batches after it, until one passes them")
    func suspectsLeftAcrossBatches() {
        func batch(_ offsets: ClosedRange<Int64>, on partition: Int32 = 3) -> KafkaConsumerBatch {
            let topicPartition = KafkaTopicPartition(topic: "kepu.fixture.v1", partition: partition)
            return KafkaConsumerBatch(
                messages: offsets.map { KafkaConsumerMessage(topic: "kepu.fixture.v1", partition: partition, offset: $0, key: nil, value: []) },
                nextOffsets: [topicPartition: offsets.upperBound + 1], generations: [topicPartition: 1])
        }
        var died = InFlightMarker.Suspicion()
        died.diedOn = [partition]
        died.inFlightAtDeath[partition] = 0...2_999
        var left = InFlightMarker.SuspectsLeft()

        // The first fetch after the restart held a third of what was in flight.
        let first = left.carry(died, into: batch(0...999))
        #expect(first.inFlightAtDeath[partition] == 0...2_999 && first.diedOn == [partition])
        // The next batch's markers find nothing (the careful steps were the runner's own), but its records were in
        // flight at the death: careful too.
        let second = left.carry(InFlightMarker.Suspicion(), into: batch(1_000...2_500))
        #expect(second.diedOn == [partition], "the rest of the death's range is applied carefully")
        #expect(second.wasInFlight(KafkaConsumerMessage(topic: "kepu.fixture.v1", partition: 3, offset: 1_777, key: nil, value: [])))
        let other = left.carry(InFlightMarker.Suspicion(), into: batch(0...10, on: 4))
        #expect(other.isEmpty, "another partition's records are no suspects")
        let third = left.carry(InFlightMarker.Suspicion(), into: batch(2_501...3_100))
        #expect(third.diedOn == [partition], "the last suspects, and records past them")
        let after = left.carry(InFlightMarker.Suspicion(), into: batch(3_101...3_200))
        #expect(after.isEmpty && left.ranges.isEmpty, "passed: forgotten")
    }
}
