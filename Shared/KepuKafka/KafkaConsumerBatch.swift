/// Records from one poll, with what is needed to store their offsets once processed.
public struct KafkaConsumerBatch: Sendable {
    public let messages: [KafkaConsumerMessage]
    /// Per partition: the offset after the last record in this batch (what gets committed).
    public let nextOffsets: [KafkaTopicPartition: Int64]
    /// Per partition: the assignment generation when the batch was fetched, to detect a revoke in between.
    let generations: [KafkaTopicPartition: UInt64]

    public var count: Int { messages.count }
    public var isEmpty: Bool { messages.isEmpty }

    /// This batch followed by a later one of the same consumer, as one batch. A partition in both keeps this
    /// batch's generation: if it was revoked in between, storing its offsets is skipped (the new owner re-reads).
    public func followed(by later: KafkaConsumerBatch) -> KafkaConsumerBatch {
        KafkaConsumerBatch(
            messages: messages + later.messages, nextOffsets: nextOffsets.merging(later.nextOffsets) { max($0, $1) },
            generations: generations.merging(later.generations) { earlier, _ in earlier })
    }
}

/// The batches of a consumer, as an `AsyncSequence`. Each `next()` asks the consumer's polling thread for one
/// poll's worth; nothing is fetched ahead, so a slow application applies back-pressure naturally.
public struct KafkaConsumerBatches: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerBatch
    let consumer: KafkaConsumer
    let maxMessages: Int
    let maxWait: Duration

    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer
        let maxMessages: Int
        let maxWait: Duration

        public mutating func next() async throws(KafkaError) -> KafkaConsumerBatch? {
            while true {
                guard let batch = try await consumer.poll(maxMessages: maxMessages, maxWait: maxWait) else { return nil }
                if !batch.isEmpty { return batch }
                if Task.isCancelled { return nil }
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(consumer: consumer, maxMessages: maxMessages, maxWait: maxWait)
    }
}
