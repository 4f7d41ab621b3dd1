import Foundation
import KepuKafka
import Logging
import PostgresNIO
import Synchronization

/// The `consumer_offsets` table: where a consumer that tracks offsets (`DeliveryTracking.offsets`) has got to,
/// per partition, committed together with what it did.
enum ConsumerOffsets {
    /// Locks the rows of these partitions for the transaction and returns their next offsets (0 for a partition
    /// never seen). Replicas that were handed the same partition during a rebalance queue up here. `existing`: the
    /// partitions whose row is known to be committed (rows are never deleted); when all are, one statement does.
    static func lock(
        _ partitions: Set<KafkaTopicPartition>, existing: Set<KafkaTopicPartition>, consumer: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [KafkaTopicPartition: Int64] {
        let ordered = partitions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        let topics = ordered.map(\.topic)
        let numbers = ordered.map { Int($0.partition) }
        // This runs before every batch's handler, so each round trip here is in the time from an event's publication
        // to its effect. Rows are made first, before any is locked, so a transaction never waits for another's new
        // row while holding rows of its own (the locks are then taken in one order by everyone).
        if !partitions.isSubset(of: existing) {
            try await connection.query(
                """
                INSERT INTO consumer_offsets (consumer_id, topic, partition, next_offset)
                SELECT \(consumer), t, p, 0 FROM unnest(\(topics)::text[], \(numbers)::int[]) AS u(t, p)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let rows = try await connection.query(
            """
            SELECT o.topic, o.partition, o.next_offset FROM consumer_offsets o
            JOIN unnest(\(topics)::text[], \(numbers)::int[]) AS u(t, p) ON o.topic = u.t AND o.partition = u.p
            WHERE o.consumer_id = \(consumer)
            ORDER BY o.topic, o.partition FOR UPDATE OF o
            """, logger: logger)
        var result: [KafkaTopicPartition: Int64] = [:]
        for try await (topic, partition, next) in rows.decode((String, Int, Int64).self) {
            result[KafkaTopicPartition(topic: topic, partition: Int32(partition))] = next
        }
        return result
    }

    static func advance(
        _ next: [KafkaTopicPartition: Int64], consumer: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !next.isEmpty else { return }
        let topics = next.keys.map(\.topic)
        let numbers = next.keys.map { Int($0.partition) }
        let offsets = next.keys.map { next[$0] ?? 0 }
        try await connection.query(
            """
            UPDATE consumer_offsets o SET next_offset = GREATEST(o.next_offset, u.n), updated_at = now()
            FROM unnest(\(topics)::text[], \(numbers)::int[], \(offsets)::bigint[]) AS u(t, p, n)
            WHERE o.consumer_id = \(consumer) AND o.topic = u.t AND o.partition = u.p
            """, logger: logger)
    }

    /// The consumer's stored offsets, as committed (no lock).
    static func stored(consumer: String, client: PostgresClient, logger: Logger) async throws -> [KafkaTopicPartition: Int64] {
        var offsets: [KafkaTopicPartition: Int64] = [:]
        let rows = try await client.query(
            "SELECT topic, partition, next_offset FROM consumer_offsets WHERE consumer_id = \(consumer)", logger: logger)
        for try await (topic, partition, next) in rows.decode((String, Int, Int64).self) {
            offsets[KafkaTopicPartition(topic: topic, partition: Int32(partition))] = next
        }
        return offsets
    }

    /// The consumer's starting offsets, read from the database when partitions are assigned: the stored offset,
    /// or as far before it as `recentEvents` needs to refill its window. A partition with no stored offset starts
    /// at the beginning, unless the consumer kept an inbox before it kept offsets (`switchedFromInbox`): then where
    /// its group last committed, since the inbox was applied up to there (the records after it that the inbox
    /// already holds are dropped by `ConsumerRunner`). A failed read starts those partitions from the beginning,
    /// which costs time but not correctness: the transaction's check drops whatever was already counted.
    static func startingOffsets(client: PostgresClient, consumer: String, recentEvents: RecentEventIDs?, logger: Logger) -> StartingOffsets {
        { partitions in
            recentEvents?.reset(partitions)
            let result = Mutex<(stored: [KafkaTopicPartition: Int64], fromInbox: Bool)?>(nil)
            let done = DispatchSemaphore(value: 0)
            Task {
                defer { done.signal() }
                do {
                    let offsets = try await ConsumerOffsets.stored(consumer: consumer, client: client, logger: logger)
                    let fromInbox =
                        partitions.contains { offsets[$0] == nil }
                        ? try await switchedFromInbox(consumer: consumer, client: client, logger: logger) : false
                    result.withLock { $0 = (offsets, fromInbox) }
                } catch {
                    logger.warning("reading stored offsets failed; starting from the beginning", metadata: ["error": "\(error)"])
                }
            }
            // The rebalance callback runs on the consumer's own thread, not the cooperative pool, so waiting is safe.
            done.wait()
            let (stored, fromInbox) = result.withLock { $0 } ?? ([:], false)
            var starting: [KafkaTopicPartition: Int64] = [:]
            for partition in partitions {
                if let offset = stored[partition] {
                    starting[partition] = recentEvents?.startingOffset(stored: offset) ?? offset
                } else if fromInbox {
                    starting[partition] = KafkaConsumer.committedOffset
                }
            }
            return starting
        }
    }

    /// Whether the consumer's events were recorded in the inbox (`received_messages`) before it kept offsets: a
    /// handler that moved from `DeliveryTracking.inbox` to `.offsets` in a release (until retention prunes them).
    static func switchedFromInbox(consumer: String, client: PostgresClient, logger: Logger) async throws -> Bool {
        try await client.query("SELECT EXISTS (SELECT 1 FROM received_messages WHERE consumer_id = \(consumer))", logger: logger)
            .collect().first?.decode(Bool.self) ?? false
    }

    /// When such a consumer last recorded an event in its inbox (nil: it never did, or retention pruned them all),
    /// read on the caller's transaction's connection (a second connection from the pool, while the transaction
    /// holds one, could wait for ever with every consumer doing the same). Reads every row of the consumer's: asked
    /// when a runner takes over a partition with no stored offset, and only while rows are left.
    static func inboxHorizon(consumer: String, on connection: PostgresConnection, logger: Logger) async throws -> Date? {
        try await connection.query("SELECT max(received_at) FROM received_messages WHERE consumer_id = \(consumer)", logger: logger)
            .collect().first?.decode(Date?.self)
    }
}
