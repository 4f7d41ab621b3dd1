import KepuKafka
import Synchronization

/// The event ids of the last records of each partition, for consumers that keep offsets
/// (`DeliveryTracking.offsets`). Offsets recognise a record delivered twice; they cannot recognise an event its
/// producer sent twice — booking's outbox relay, after a crash between Kafka's acknowledgement and its commit,
/// sends the same events again (same `ce_id`, same key, so the same partition, a later offset). A resent event is
/// dropped when its first copy is among the last `capacity` records of the partition.
///
/// The window is rebuilt, not stored: on assignment the consumer starts `capacity` records before its stored
/// offset, and the records before the stored offset (already counted) only refill the window. So a restarted or
/// rebalanced replica, and a fresh database reading from the beginning, drop exactly the same resends.
public final class RecentEventIDs: Sendable {
    /// A record as the window knows it.
    typealias Record = (partition: KafkaTopicPartition, id: EventIdentity)

    /// Records remembered per partition.
    public let capacity: Int
    private let windows = Mutex<[KafkaTopicPartition: Window]>([:])

    private struct Window {
        var ids: Set<EventIdentity> = []
        /// Oldest first, from `head`; each id at most once.
        var order: [EventIdentity] = []
        var head = 0

        mutating func insert(_ id: EventIdentity, capacity: Int) {
            guard ids.insert(id).inserted else { return }
            order.append(id)
            if order.count - head > capacity {
                ids.remove(order[head])
                head += 1
                // Compact now and then instead of shifting on every eviction.
                if head >= capacity {
                    order.removeFirst(head)
                    head = 0
                }
            }
        }
    }

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Forgets the partitions (they were just assigned: their window is refilled from the records before the
    /// stored offset).
    func reset(_ partitions: some Sequence<KafkaTopicPartition>) {
        windows.withLock { windows in
            for partition in partitions { windows[partition] = nil }
        }
    }

    /// Whether `id` is among the last records of `partition` noted so far.
    func contains(_ id: EventIdentity, on partition: KafkaTopicPartition) -> Bool {
        windows.withLock { $0[partition]?.ids.contains(id) ?? false }
    }

    /// Notes records, in partition order; call only after what they did is committed.
    func note(_ records: [Record]) {
        guard capacity > 0, !records.isEmpty else { return }
        windows.withLock { windows in
            for record in records { windows[record.partition, default: Window()].insert(record.id, capacity: capacity) }
        }
    }

    /// Where to start reading a partition whose stored offset is `stored`: far enough back to refill its window.
    func startingOffset(stored: Int64) -> Int64 {
        max(0, stored - Int64(capacity))
    }
}
