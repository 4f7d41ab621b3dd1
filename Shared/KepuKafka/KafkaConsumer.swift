import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A consumer-group member over librdkafka that hands out batches of records.
///
/// A dedicated thread calls `rd_kafka_consume_batch_queue` whenever the application asks for the next batch, so a
/// batch is bounded by count and by wait time, and rebalance callbacks run between batches on that thread. Offsets
/// are stored only when the application calls `markProcessed(_:)`, and librdkafka commits stored offsets in the
/// background (and on revoke and close): at-least-once, never a commit of unprocessed records.
public final class KafkaConsumer: Service, Sendable {
    let handle: KafkaHandle
    let logger: Logger
    let rebalance: RebalanceState
    private let context: KafkaClientContext
    private let queue: QueueHandle
    private let worker: ConsumerWorker

    /// Creates the consumer. `configuration` must name a `group.id`. With `startingOffsets`, each partition assigned
    /// to this member starts where that function says (offsets kept by the application, not the group).
    public init(
        configuration: KafkaConfiguration, startingOffsets: StartingOffsets? = nil, logger: Logger = Logger(label: "kepu.kafka.consumer")
    ) throws(KafkaError) {
        guard configuration["group.id"] != nil else {
            throw .client(RD_KAFKA_RESP_ERR__INVALID_ARG, "a consumer needs group.id")
        }
        let conf = try configuration.makeNativeConfiguration()
        let rebalance = RebalanceState(logger: logger, startingOffsets: startingOffsets)
        let context = KafkaClientContext(logger: logger, rebalance: rebalance)
        context.install(on: conf)
        rd_kafka_conf_set_rebalance_cb(conf, kepuRebalanceCallback)
        let rk = try makeKafkaHandle(RD_KAFKA_CONSUMER, conf)
        // Route the main queue (errors, rebalances) to the consumer queue so one call serves everything.
        rd_kafka_poll_set_consumer(rk)
        self.handle = KafkaHandle(rk)
        self.logger = logger
        self.rebalance = rebalance
        self.context = context
        self.queue = QueueHandle(rd_kafka_queue_get_consumer(rk))
        self.worker = ConsumerWorker()
        worker.start(handle: handle, queue: queue, rebalance: rebalance, logger: logger)
    }

    deinit {
        worker.stopAndJoin()
        rd_kafka_queue_destroy(queue.pointer)
        if !worker.isClosed { rd_kafka_consumer_close(handle.pointer) }
        rd_kafka_destroy(handle.pointer)
    }

    /// Joins the group for these topics.
    public func subscribe(topics: [String]) throws(KafkaError) {
        let list = makePartitionList(topics.map { KafkaTopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_subscribe(handle.pointer, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }

    /// Batches of at most `maxMessages`, each returned as soon as it is full or `maxWait` has passed since the
    /// request (an empty batch is skipped). The sequence ends after `close()`.
    public func batches(maxMessages: Int = 1000, maxWait: Duration = .milliseconds(100)) -> KafkaConsumerBatches {
        KafkaConsumerBatches(consumer: self, maxMessages: max(1, maxMessages), maxWait: maxWait)
    }

    /// One poll: waits up to `maxWait` for up to `maxMessages` records and returns what came (possibly nothing);
    /// nil once the consumer is closed. `batches()` is the same as a sequence that skips empty polls.
    ///
    /// With `returnEarly`, it returns as soon as one record is there, with every record already fetched (up to
    /// `maxMessages`): the batch is what has arrived, and nobody waits for it to fill.
    public func poll(maxMessages: Int, maxWait: Duration, returnEarly: Bool = false) async throws(KafkaError) -> KafkaConsumerBatch? {
        let result = await withCheckedContinuation { continuation in
            worker.request(.init(maxMessages: maxMessages, timeoutMs: maxWait.milliseconds, returnEarly: returnEarly, continuation: continuation))
        }
        return try result.get()
    }

    /// Stores the batch's offsets (the next offset per partition) for commit. Partitions revoked since the batch was
    /// handed out are skipped: their records will be redelivered to the new owner. Returns the partitions stored.
    @discardableResult
    public func markProcessed(_ batch: KafkaConsumerBatch) throws(KafkaError) -> [KafkaTopicPartition] {
        let current = rebalance.currentGenerations(for: batch.nextOffsets.keys)
        return try storeOffsets(batch.nextOffsets.filter { current[$0.key] == batch.generations[$0.key] })
    }

    /// Stores explicit next offsets for commit (for a caller that processed only part of a batch). Partitions no
    /// longer assigned are skipped. Returns the partitions stored.
    @discardableResult
    public func storeOffsets(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) -> [KafkaTopicPartition] {
        guard !offsets.isEmpty else { return [] }
        let list = makePartitionList(Array(offsets.keys))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            list.pointee.elems[index].offset =
                offsets[KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)] ?? Int64(RD_KAFKA_OFFSET_INVALID)
        }
        let err = rd_kafka_offsets_store(handle.pointer, list)
        var stored: [KafkaTopicPartition] = []
        for element in UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt)) {
            // _STATE: the partition is no longer assigned to us (revoked during processing): abandoned, not an error.
            if element.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                stored.append(KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition))
            }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__STATE && stored.isEmpty {
            throw KafkaError(err)
        }
        return stored
    }

    /// The low and high watermarks of partitions, asked of their leaders (one round trip each, on a dedicated thread).
    public func queryWatermarks(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(5)) async throws(KafkaError)
        -> [KafkaTopicPartition: (low: Int64, high: Int64)]
    {
        let handle = self.handle
        let outcome = try? await onDedicatedThread { () -> Result<[KafkaTopicPartition: (low: Int64, high: Int64)], KafkaError> in
            var result: [KafkaTopicPartition: (low: Int64, high: Int64)] = [:]
            for tp in partitions {
                var low: Int64 = -1
                var high: Int64 = -1
                let err = rd_kafka_query_watermark_offsets(handle.pointer, tp.topic, tp.partition, &low, &high, timeout.milliseconds)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR { return .failure(KafkaError(err)) }
                result[tp] = (low, high)
            }
            return .success(result)
        }
        guard let outcome else { throw .client(RD_KAFKA_RESP_ERR__FAIL, "could not start a thread") }
        return try outcome.get()
    }

    /// Commits stored offsets now and waits for the broker's answer (librdkafka also commits them periodically).
    public func commit() async throws(KafkaError) {
        let handle = self.handle
        let err = try? await onDedicatedThread { rd_kafka_commit(handle.pointer, nil, 0) }
        guard let err else { return }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET { throw KafkaError(err) }
    }

    /// The committed offsets of the given partitions (-1001 where none is committed), asked of the group coordinator.
    public func committedOffsets(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws(KafkaError)
        -> [KafkaTopicPartition: Int64]
    {
        let handle = self.handle
        let outcome = try? await onDedicatedThread { () -> Result<[KafkaTopicPartition: Int64], KafkaError> in
            let list = makePartitionList(partitions)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_committed(handle.pointer, list, timeout.milliseconds)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { return .failure(KafkaError(err)) }
            return .success(partitionOffsets(list))
        }
        guard let outcome else { throw .client(RD_KAFKA_RESP_ERR__FAIL, "could not start a thread") }
        return try outcome.get()
    }

    /// The partitions currently assigned to this member.
    public var assignment: Set<KafkaTopicPartition> { rebalance.assigned }

    /// Whether the group has given this member its partitions (perhaps none, when it has more members than
    /// partitions): until then it consumes nothing.
    public var hasJoinedGroup: Bool { rebalance.joined }

    /// Stops fetching from these partitions until `resume`; records already fetched are not redelivered.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = makePartitionList(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_pause_partitions(handle.pointer, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }

    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = makePartitionList(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_resume_partitions(handle.pointer, list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }

    /// Lag per assigned partition: the high watermark last seen by the fetcher minus the consume position
    /// (or minus the low watermark before anything was consumed). Reads cached values; never blocks.
    public func lag() -> [KafkaTopicPartition: Int64] {
        let partitions = Array(rebalance.assigned)
        guard !partitions.isEmpty else { return [:] }
        let list = makePartitionList(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_position(handle.pointer, list)
        var lags: [KafkaTopicPartition: Int64] = [:]
        for (tp, position) in partitionOffsets(list) {
            var low: Int64 = -1
            var high: Int64 = -1
            guard rd_kafka_get_watermark_offsets(handle.pointer, tp.topic, tp.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
                high >= 0
            else { continue }
            let from = position >= 0 ? position : max(low, 0)
            lags[tp] = max(0, high - from)
        }
        return lags
    }

    /// Lag per assigned partition, asking the partition leaders for their high watermarks (so it also covers paused
    /// partitions and ones not fetched from yet). Blocks a dedicated thread for one round trip per partition.
    public func queryLag(timeout: Duration = .seconds(5)) async throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        let partitions = Array(rebalance.assigned)
        guard !partitions.isEmpty else { return [:] }
        let handle = self.handle
        let outcome = try? await onDedicatedThread { () -> Result<[KafkaTopicPartition: Int64], KafkaError> in
            let list = makePartitionList(partitions)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            rd_kafka_position(handle.pointer, list)
            let positions = partitionOffsets(list)
            let committedErr = rd_kafka_committed(handle.pointer, list, timeout.milliseconds)
            let committed = committedErr == RD_KAFKA_RESP_ERR_NO_ERROR ? partitionOffsets(list) : [:]
            var lags: [KafkaTopicPartition: Int64] = [:]
            for tp in partitions {
                var low: Int64 = -1
                var high: Int64 = -1
                let err = rd_kafka_query_watermark_offsets(handle.pointer, tp.topic, tp.partition, &low, &high, timeout.milliseconds)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR { return .failure(KafkaError(err)) }
                // Where this member will read next: its position, else the committed offset, else the start.
                let from = [positions[tp], committed[tp]].compactMap { $0 }.first { $0 >= 0 } ?? low
                lags[tp] = max(0, high - from)
            }
            return .success(lags)
        }
        guard let outcome else { throw .client(RD_KAFKA_RESP_ERR__FAIL, "could not start a thread") }
        return try outcome.get()
    }

    /// Leaves the group: stops handing out batches (a pending `next()` ends with nil), commits stored offsets,
    /// and revokes the assignment. Safe to call more than once.
    public func close() async {
        await worker.close()
    }

    /// Runs until graceful shutdown, then closes the consumer.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}

/// The `rd_kafka_queue_t` the consumer reads from. `@unchecked Sendable`: librdkafka queues are thread-safe and
/// this one lives until the consumer is destroyed.
struct QueueHandle: @unchecked Sendable {
    let pointer: OpaquePointer?
    init(_ pointer: OpaquePointer?) { self.pointer = pointer }
}

func makePartitionList(_ partitions: [KafkaTopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
    // librdkafka aborts rather than returning nil when it cannot allocate, so this only guards the import's type.
    guard let list = rd_kafka_topic_partition_list_new(Int32(partitions.count)) else { fatalError("rd_kafka_topic_partition_list_new") }
    for tp in partitions { rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition) }
    return list
}

func partitionOffsets(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition: Int64] {
    var result: [KafkaTopicPartition: Int64] = [:]
    for element in UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt)) {
        result[KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)] = element.offset
    }
    return result
}
