import CRdKafka
import Logging
import Synchronization

/// Given newly assigned partitions, the offset to read each from next; a partition left out starts at the
/// beginning, one given `KafkaConsumer.committedOffset` where the group last committed. Called on the consumer's
/// polling thread, which it may block (e.g. on a database read).
public typealias StartingOffsets = @Sendable ([KafkaTopicPartition]) -> [KafkaTopicPartition: Int64]

extension KafkaConsumer {
    /// A starting offset meaning "where the group last committed" (else `auto.offset.reset`): librdkafka's invalid
    /// offset, which an assignment reads as "use the committed one".
    public static let committedOffset = Int64(RD_KAFKA_OFFSET_INVALID)
}

/// What this member owns, and a generation per partition that changes whenever it is assigned anew, so a batch
/// fetched before a revoke cannot store offsets after it.
final class RebalanceState: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var owned: [KafkaTopicPartition: UInt64] = [:]
        /// The group gave this member an assignment (perhaps empty) at least once.
        var joined = false
    }

    private let state = Mutex(State())
    let logger: Logger
    /// Where to start reading newly assigned partitions (see `KafkaConsumer.init`).
    let startingOffsets: StartingOffsets?

    init(logger: Logger, startingOffsets: StartingOffsets? = nil) {
        self.logger = logger
        self.startingOffsets = startingOffsets
    }

    var assigned: Set<KafkaTopicPartition> { state.withLock { Set($0.owned.keys) } }
    var joined: Bool { state.withLock { $0.joined } }

    func currentGenerations(for partitions: some Sequence<KafkaTopicPartition>) -> [KafkaTopicPartition: UInt64] {
        state.withLock { state in
            var result: [KafkaTopicPartition: UInt64] = [:]
            for tp in partitions { if let generation = state.owned[tp] { result[tp] = generation } }
            return result
        }
    }

    func assign(_ partitions: [KafkaTopicPartition]) {
        state.withLock { state in
            state.generation += 1
            state.joined = true
            for tp in partitions { state.owned[tp] = state.generation }
        }
    }

    func revoke(_ partitions: [KafkaTopicPartition]) {
        state.withLock { state in
            for tp in partitions { state.owned[tp] = nil }
        }
    }

    func revokeAll() {
        state.withLock { $0.owned.removeAll() }
    }
}

private func topicPartitions(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [KafkaTopicPartition] {
    guard let list else { return [] }
    return UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt)).map {
        KafkaTopicPartition(topic: String(cString: $0.topic), partition: $0.partition)
    }
}

/// librdkafka's rebalance callback, run on the consumer's polling thread inside a consume call.
let kepuRebalanceCallback:
    @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = {
        rk, err, partitions, opaque in
        guard let rk, let state = KafkaClientContext.of(rk)?.rebalance else { return }
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        let changed = topicPartitions(partitions)
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            state.assign(changed)
            if let startingOffsets = state.startingOffsets, let partitions {
                // The application keeps its own offsets (in its database, with its results): start where they say.
                let offsets = startingOffsets(changed)
                for index in 0..<Int(partitions.pointee.cnt) {
                    let element = partitions.pointee.elems[index]
                    let tp = KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)
                    partitions.pointee.elems[index].offset = offsets[tp] ?? Int64(RD_KAFKA_OFFSET_BEGINNING)
                }
                state.logger.info("starting at stored offsets", metadata: ["offsets": "\(offsets.map { "\($0.key)@\($0.value)" }.sorted())"])
            }
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, partitions) {
                    state.logger.error("incremental assign failed: \(KafkaError(consuming: error))")
                }
            } else {
                rd_kafka_assign(rk, partitions)
            }
            state.logger.info("partitions assigned", metadata: ["partitions": "\(changed.map(\.description).sorted())"])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            // Commit what was marked processed before giving the partitions away, then forget them: a batch still in
            // the application's hands can no longer store offsets for them.
            if rd_kafka_assignment_lost(rk) == 0 { _ = rd_kafka_commit(rk, nil, 0) }
            if cooperative {
                state.revoke(changed)
                if let error = rd_kafka_incremental_unassign(rk, partitions) {
                    state.logger.error("incremental unassign failed: \(KafkaError(consuming: error))")
                }
            } else {
                state.revokeAll()
                rd_kafka_assign(rk, nil)
            }
            state.logger.info("partitions revoked", metadata: ["partitions": "\(changed.map(\.description).sorted())"])
        default:
            state.logger.error("rebalance error", metadata: ["error": "\(KafkaError(err))"])
            state.revokeAll()
            rd_kafka_assign(rk, nil)
        }
    }
