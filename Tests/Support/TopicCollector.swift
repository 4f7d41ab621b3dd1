import Foundation
import KepuKafka
import Synchronization

/// Reads a topic from the beginning in the background, keeping every record, so a test can wait for the ones it
/// expects without joining a consumer group per question.
public final class TopicCollector: Sendable {
    private let consumer: KafkaConsumer
    private let records = Mutex<[KafkaConsumerMessage]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    public init(topic: String, bootstrap: String) throws {
        consumer = try KafkaConsumer(configuration: .consumer(bootstrapServers: bootstrap, groupId: "collector-\(UUID())"))
        try consumer.subscribe(topics: [topic])
        let running = Task { [consumer, weak self] in
            while !Task.isCancelled {
                guard let batch = try? await consumer.poll(maxMessages: 1000, maxWait: .milliseconds(50)) else { return }
                if !batch.isEmpty { self?.records.withLock { $0 += batch.messages } }
            }
        }
        task.withLock { $0 = running }
    }

    public var all: [KafkaConsumerMessage] { records.withLock { $0 } }

    /// The first record matching `predicate`, waiting up to `timeout`.
    public func first(timeout: Duration = .seconds(30), where predicate: (KafkaConsumerMessage) -> Bool) async throws -> KafkaConsumerMessage {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = records.withLock({ $0.first(where: predicate) }) { return found }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSetupError("no matching record within \(timeout)")
    }

    public func stop() async {
        await consumer.close()
        await task.withLock { $0 }?.value
    }
}
