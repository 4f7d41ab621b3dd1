import KepuKafka
import KepuTestSupport
import Synchronization
import Testing

/// Polls a consumer in the background, recording what it receives, until stopped.
final class Member: Sendable {
    let consumer: KafkaConsumer
    let received = Mutex<[KafkaConsumerMessage]>([])
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)

    init(_ consumer: KafkaConsumer) {
        self.consumer = consumer
        let task = Task { [consumer, weak self] in
            while !Task.isCancelled {
                guard let batch = try? await consumer.poll(maxMessages: 200, maxWait: .milliseconds(100)) else { return }
                guard !batch.isEmpty else { continue }
                self?.received.withLock { $0 += batch.messages }
                _ = try? consumer.markProcessed(batch)
            }
        }
        self.task.withLock { $0 = task }
    }

    func leave() async {
        await consumer.close()
        await task.withLock { $0 }?.value
    }
}

@Suite("Consumer groups")
struct ConsumerGroupTests {
    @Test("two members split the partitions, and one takes all when the other leaves")
    func splitAndTakeOver() async throws {
        let (cluster, topic) = try clusterWithTopic("group", partitions: 6)
        let group = uniqueName("g")
        let producer = try producer(cluster)
        let all = Set((0..<6).map { KafkaTopicPartition(topic: topic, partition: $0) })

        let a = Member(try consumer(cluster, group: group, topics: [topic]))
        let b = Member(try consumer(cluster, group: group, topics: [topic]))
        try await eventually("both members hold partitions and together hold all of them") {
            let (x, y) = (a.consumer.assignment, b.consumer.assignment)
            return !x.isEmpty && !y.isEmpty && x.isDisjoint(with: y) && x.union(y) == all
        }
        let sent = Set(try await produceNumbered(producer, topic: topic, count: 600))
        try await eventually("everything consumed once across the group") {
            a.received.withLock { $0.count } + b.received.withLock { $0.count } >= sent.count
        }
        let fromA = a.received.withLock { $0 }
        let fromB = b.received.withLock { $0 }
        #expect(Set(fromA.map(\.partition)).isDisjoint(with: Set(fromB.map(\.partition))))
        // Counted, not only compared as sets: a record consumed twice would show here.
        #expect((fromA + fromB).map(\.text).sorted() == sent.sorted())

        await b.leave()
        try await eventually("the remaining member takes over every partition") { a.consumer.assignment == all }
        let more = Set(try await produceNumbered(producer, topic: topic, count: 300, from: 600))
        try await eventually("the remaining member receives from every partition") {
            Set(a.received.withLock { $0.map(\.text) }).isSuperset(of: more)
        }
        #expect(Set(a.received.withLock { $0 }.filter { more.contains($0.text) }.map(\.partition)).count == 6)
        await a.leave()
        await producer.shutdown()
    }

    @Test("a batch held across a revoke is abandoned: its offsets are not stored and its records come again")
    func revokeAbandonsInFlightBatch() async throws {
        let (cluster, topic) = try clusterWithTopic("revoke", partitions: 4)
        let group = uniqueName("g")
        let producer = try producer(cluster)
        let sent = Set(try await produceNumbered(producer, topic: topic, count: 200))

        let a = try consumer(cluster, group: group, topics: [topic])
        var held: KafkaConsumerBatch?
        while held == nil {
            let batch = try #require(try await a.poll(maxMessages: 50, maxWait: .milliseconds(200)))
            if !batch.isEmpty { held = batch }
        }
        let inFlight = try #require(held)
        // A second member joins while the first still holds the batch: the group rebalances.
        // Everything A receives after the held batch (never marked processed) is recorded.
        let fromA = Mutex<[String]>([])
        let b = Member(try consumer(cluster, group: group, topics: [topic]))
        try await eventually("the newcomer gets partitions") {
            let batch = try await a.poll(maxMessages: 1, maxWait: .milliseconds(100))
            fromA.withLock { $0 += batch?.messages.map(\.text) ?? [] }
            return !b.consumer.assignment.isEmpty
        }
        #expect(try a.markProcessed(inFlight).isEmpty, "nothing stored for partitions revoked in between")

        // The held batch is not counted: its records must come again for the group to have seen everything.
        let polling = Task {
            while !Task.isCancelled {
                guard let batch = try? await a.poll(maxMessages: 100, maxWait: .milliseconds(100)) else { return }
                fromA.withLock { $0 += batch.messages.map(\.text) }
                _ = try? a.markProcessed(batch)
            }
        }
        try await eventually("the abandoned records are redelivered") {
            let seen = Set(fromA.withLock { $0 } + b.received.withLock { $0.map(\.text) })
            return seen.isSuperset(of: inFlight.messages.map(\.text)) && seen == sent
        }
        polling.cancel()
        await b.leave()
        await a.close()
        await producer.shutdown()
    }
}
