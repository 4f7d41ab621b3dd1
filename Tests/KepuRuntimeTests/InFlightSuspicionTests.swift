import KepuKafka
import Testing

@testable import KepuRuntime

@Suite("The crash-loop guard's steps after a death (pure)")
struct InFlightSuspicionTests {
    let partition = KafkaTopicPartition(topic: "kepu.fixture.v1", partition: 3)

    func suspicion(_ ranges: [ClosedRange<Int64>]) -> InFlightMarker.Suspicion {
        var suspicion = InFlightMarker.Suspicion()
        for (index, range) in ranges.enumerated() {
            let partition = KafkaTopicPartition(topic: "kepu.fixture.v1", partition: Int32(index))
            suspicion.diedOn.insert(partition)
            suspicion.inFlightAtDeath[partition] = range
        }
        return suspicion
    }

    @Test("a narrow range is applied one record at a time; a wide one in steps of its square root, which are narrow")
    func stepSizes() {
        #expect(suspicion([]).stepSize() == 1, "no range known: one at a time")
        #expect(suspicion([0...0]).stepSize() == 1)
        #expect(suspicion([100...611]).stepSize() == 1, "512 offsets: still one at a time")
        #expect(suspicion([100...612]).stepSize() == 23, "513 offsets: steps of ⌈√513⌉")
        #expect(suspicion([0...19_999]).stepSize() == 142, "a batch of 20,000: 142 steps of 142")
        #expect(suspicion([0...5, 1_000...20_999]).stepSize() == 142, "the widest range sets the step")
        #expect(suspicion([0...99_999]).stepSize() == 317)
        #expect(suspicion([0...316]).stepSize() == 1, "a death in a step of the widest batch (100,000) is narrow: alone next")
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
