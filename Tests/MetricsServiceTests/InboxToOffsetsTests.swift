import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import KepuRuntime
@testable import MetricsService

/// Metrics' programme consumers kept an inbox row per event until they moved to stored offsets (like booking's
/// fold). A database an earlier release wrote has their inbox and no offsets: the first release with offsets must
/// neither count the records the inbox holds again nor start its topics over.
@Suite("A programme consumer moving from the inbox to stored offsets counts nothing twice")
struct InboxToOffsetsTests {
    /// `Handler` as an earlier release ran it: the same consumer, tracked by the inbox.
    struct InboxKept<Handler: EventHandler>: EventHandler {
        static var deliveryTracking: DeliveryTracking { .inbox }
        let handler: Handler
        var name: String { handler.name }
        var topics: [String] { handler.topics }

        func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Handler.Command {
            try handler.decode(event, from: message)
        }

        func apply(_ commands: [ReceivedCommand<Handler.Command>], in transaction: HandlerTransaction) async throws {
            try await handler.apply(commands, in: transaction)
        }
    }

    let logger = Logger(label: "inbox-to-offsets")
    static let consumerId = "metrics.volunteer"

    /// Runs `handler` on `database` in the consumer group `group` until `done` holds, then stops it; returns the
    /// runner's metrics.
    func fold<Handler: EventHandler>(
        _ handler: Handler, database: DatabaseSettings, cluster: EmbeddedKafkaCluster, group: String, startingOffsets: Bool,
        until done: @escaping @Sendable (PostgresClient) async throws -> Bool
    ) async throws -> ServiceMetrics {
        let metrics = ServiceMetrics()
        let store = Database(settings: database, poolSize: 2, logger: logger)
        let producer = try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers))
        let consumer = try KafkaConsumer(
            configuration: .consumer(bootstrapServers: cluster.bootstrapServers, groupId: group),
            startingOffsets: startingOffsets
                ? ConsumerOffsets.startingOffsets(
                    client: store.client, consumer: Self.consumerId, recentEvents: RecentEventIDs(capacity: 1000), logger: logger)
                : nil)
        let runner = ConsumerRunner(
            handler: handler, consumer: consumer, producer: producer, client: store.client, consumerId: Self.consumerId,
            deadLetterTopic: "kepu.metrics.dlq.v1", batchSize: 200, batchWait: .milliseconds(20), metrics: metrics,
            recentEvents: Handler.deliveryTracking == .offsets ? RecentEventIDs(capacity: 1000) : nil, logger: logger)
        let running = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.run() }
                group.addTask { try await runner.run() }
                try await group.next()
            }
        }
        try await eventually("the consumer has folded what it was given", timeout: .seconds(120)) { try await done(store.client) }
        running.cancel()
        await consumer.close()
        await producer.shutdown()
        return metrics
    }

    func migrated() async throws -> DatabaseSettings {
        let database = try await TestPostgres.freshDatabase()
        try await TestPostgres.withClient(database) { client in
            try await Migrator.migrateService(client, component: "metrics", migrations: MetricsSchema.migrations, logger: logger)
        }
        return database
    }

    static func offsetsSum(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT coalesce(sum(next_offset), 0)::bigint FROM consumer_offsets WHERE consumer_id = \(consumerId)")
            .collect().first?.decode(Int.self) ?? 0
    }

    @Test("an inbox-kept fold, then the offsets release in a group that has committed nothing: the inbox's records are dropped, the new ones counted")
    func switchOver() async throws {
        let stream = SyntheticProgrammeEvents(
            activities: 400, bookingSessions: 1, sites: 40, firstDay: MetricsHarness.november2026, days: 30, seed: 43)
        let volunteer = stream.events.filter { $0.topic == Topics.volunteerEvents.name }
        let (earlier, later) = (Array(volunteer.prefix(volunteer.count / 2)), Array(volunteer.dropFirst(volunteer.count / 2)))
        #expect(earlier.count > 100 && later.count > 100)

        // The reference: every record folded once by the offsets release.
        let referenceCluster = try MetricsHarness.cluster()
        try await publish(volunteer, to: referenceCluster)
        let reference = try await migrated()
        _ = try await fold(
            VolunteerEventsHandler(), database: reference, cluster: referenceCluster, group: "reference-\(UUID())", startingOffsets: true
        ) { try await Self.offsetsSum($0) == volunteer.count }
        let expected = try await MetricsHarness.counterRows(reference)
        #expect(expected.contains { !$0.hasSuffix("=0") })

        // The earlier release folds the first half through its inbox.
        let cluster = try MetricsHarness.cluster()
        try await publish(earlier, to: cluster)
        let live = try await migrated()
        _ = try await fold(
            InboxKept(handler: VolunteerEventsHandler()), database: live, cluster: cluster, group: "earlier-\(UUID())", startingOffsets: false
        ) {
            try await $0.query("SELECT count(*)::bigint FROM received_messages").collect().first?.decode(Int.self) == earlier.count
        }
        let atSwitch = try await MetricsHarness.counterRows(live)
        #expect(atSwitch != expected, "half the stream folded")

        // The offsets release, in a group with nothing committed (the worst case: a crash before any commit), reads
        // the topic from its beginning: the inbox's records are recognised, the rest counted once.
        try await publish(later, to: cluster)
        let metrics = try await fold(
            VolunteerEventsHandler(), database: live, cluster: cluster, group: "later-\(UUID())", startingOffsets: true
        ) { try await Self.offsetsSum($0) == volunteer.count }
        let rows = try await MetricsHarness.counterRows(live)
        #expect(rows == expected, "\(Set(rows).symmetricDifference(expected).sorted().prefix(10))")
        let text = String(decoding: metrics.render(), as: UTF8.self)
        let duplicates = text.split(separator: "\n").first { $0.contains("kepu_handler_events_total") && $0.contains("outcome=\"duplicate\"") }
        #expect(duplicates.flatMap { Int($0.split(separator: " ").last ?? "") } == earlier.count, "each of the inbox's records dropped once")
    }

    @Test(
        "where a partition has no stored offset, a consumer that kept an inbox starts at its group's committed offset, one that never did at the beginning"
    )
    func startingPoints() async throws {
        let database = try await migrated()
        let partitions = (0..<3).map { KafkaTopicPartition(topic: Topics.volunteerEvents.name, partition: Int32($0)) }
        try await TestPostgres.withClient(database) { client in
            let start = ConsumerOffsets.startingOffsets(client: client, consumer: Self.consumerId, recentEvents: nil, logger: logger)
            let fresh = await Task.detached { start(partitions) }.value
            #expect(fresh.isEmpty, "a fresh database reads its topics from the beginning")

            try await client.query(
                "INSERT INTO received_messages (consumer_id, message_source, message_id) VALUES (\(Self.consumerId), '/volunteer', 'e-1')")
            try await client.query(
                "INSERT INTO consumer_offsets (consumer_id, topic, partition, next_offset) VALUES (\(Self.consumerId), \(partitions[0].topic), 0, 42)"
            )
            let switched = await Task.detached { start(partitions) }.value
            #expect(switched[partitions[0]] == 42, "a stored offset decides")
            #expect(switched[partitions[1]] == KafkaConsumer.committedOffset)
            #expect(switched[partitions[2]] == KafkaConsumer.committedOffset)
        }
    }
}
