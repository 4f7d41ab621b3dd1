import Testing

@testable import KepuKafka

@Suite("Consumer batches")
struct ConsumerBatchTests {
    private func record(_ partition: Int32, _ offset: Int64) -> KafkaConsumerMessage {
        KafkaConsumerMessage(topic: "t", partition: partition, offset: offset, key: nil, value: Array("\(partition)@\(offset)".utf8))
    }

    @Test("joined batches keep their records in order, the later next offset, and the earlier generation")
    func joining() {
        let p0 = KafkaTopicPartition(topic: "t", partition: 0)
        let p1 = KafkaTopicPartition(topic: "t", partition: 1)
        let earlier = KafkaConsumerBatch(messages: [record(0, 5), record(1, 9)], nextOffsets: [p0: 6, p1: 10], generations: [p0: 1, p1: 1])
        // Partition 1 was revoked and assigned again between the polls.
        let later = KafkaConsumerBatch(messages: [record(0, 6), record(1, 10)], nextOffsets: [p0: 7, p1: 11], generations: [p0: 1, p1: 2])
        let joined = KafkaConsumerBatch(joining: [earlier, later])
        #expect(joined.messages.map { String(decoding: $0.value, as: UTF8.self) } == ["0@5", "1@9", "0@6", "1@10"])
        #expect(joined.nextOffsets == [p0: 7, p1: 11])
        #expect(joined.generations == [p0: 1, p1: 1], "a revoke in between is still seen when the offsets are stored")
        #expect(KafkaConsumerBatch(joining: [later]).nextOffsets == later.nextOffsets)
    }
}
