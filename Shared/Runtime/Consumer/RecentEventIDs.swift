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

    /// For each record, whether its id is among the last records of its partition noted so far (one lock for a
    /// batch; a batch comes in runs of one partition, so its window is looked up once a run).
    func contains(_ records: [Record]) -> [Bool] {
        guard capacity > 0 else { return Array(repeating: false, count: records.count) }
        return windows.withLock { windows in
            var found: [Bool] = []
            found.reserveCapacity(records.count)
            var run: (partition: KafkaTopicPartition, window: Window?)?
            for record in records {
                if run?.partition != record.partition { run = (record.partition, windows[record.partition]) }
                found.append(run?.window?.ids.contains(record.id) ?? false)
            }
            return found
        }
    }

    /// Notes records, in partition order; call only after what they did is committed.
    func note(_ records: [Record]) {
        guard capacity > 0, !records.isEmpty else { return }
        windows.withLock { windows in
            var start = records.startIndex
            // A run of one partition at a time, so its window is taken out of the table (no copy on write) once.
            while start < records.endIndex {
                let partition = records[start].partition
                var end = start
                var window = windows.removeValue(forKey: partition) ?? Window()
                while end < records.endIndex, records[end].partition == partition {
                    window.insert(records[end].id, capacity: capacity)
                    end += 1
                }
                windows[partition] = window
                start = end
            }
        }
    }

    /// Where to start reading a partition whose stored offset is `stored`: far enough back to refill its window.
    func startingOffset(stored: Int64) -> Int64 {
        max(0, stored - Int64(capacity))
    }
}
