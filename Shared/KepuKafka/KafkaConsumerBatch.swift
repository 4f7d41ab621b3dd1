/// Records from one poll, with what is needed to store their offsets once processed.
public struct KafkaConsumerBatch: Sendable {
    public let messages: [KafkaConsumerMessage]
    /// Per partition: the offset after the last record in this batch (what gets committed).
    public let nextOffsets: [KafkaTopicPartition: Int64]
    /// Per partition: the assignment generation when the batch was fetched, to detect a revoke in between.
    let generations: [KafkaTopicPartition: UInt64]

    public var count: Int { messages.count }
    public var isEmpty: Bool { messages.isEmpty }
}

extension KafkaConsumerBatch {
    /// Consecutive batches of one consumer, as one batch. A partition in several keeps the first one's generation:
    /// if it was revoked in between, storing its offsets is skipped (the new owner reads those records again).
    public init(joining parts: [KafkaConsumerBatch]) {
        if parts.count == 1 {
            self = parts[0]
            return
        }
        var messages: [KafkaConsumerMessage] = []
        messages.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        var nextOffsets: [KafkaTopicPartition: Int64] = [:]
        var generations: [KafkaTopicPartition: UInt64] = [:]
        for part in parts {
            messages += part.messages
            nextOffsets.merge(part.nextOffsets) { max($0, $1) }
            generations.merge(part.generations) { earlier, _ in earlier }
        }
        self.init(messages: messages, nextOffsets: nextOffsets, generations: generations)
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
