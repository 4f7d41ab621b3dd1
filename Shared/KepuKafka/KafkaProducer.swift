import CRdKafka
import Logging
import ServiceLifecycle
import Synchronization

/// An idempotent Kafka producer over librdkafka.
///
/// `send` enqueues with `rd_kafka_produceva` and suspends until the broker acknowledged (or librdkafka gave up on)
/// each record. Delivery reports are served by a polling thread of the producer's own, so no task of the
/// cooperative pool ever blocks. When librdkafka's local queue is full, senders wait for deliveries to free space
/// instead of spinning or buffering without bound. `shutdown` flushes with a timeout and fails what is left.
public final class KafkaProducer: Service, Sendable {
    let handle: KafkaHandle
    let logger: Logger
    private let context: KafkaClientContext
    private let topics = Mutex<[String: TopicHandle]>([:])
    private let state = Mutex(State())
    private let pollingThread: Mutex<PollingThread?> = Mutex(nil)

    struct State {
        var isShutDown = false
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Creates the producer and starts its polling thread.
    public init(configuration: KafkaConfiguration, logger: Logger = Logger(label: "kepu.kafka.producer")) throws(KafkaError) {
        let conf = try configuration.makeNativeConfiguration()
        rd_kafka_conf_set_dr_msg_cb(conf, kepuDeliveryReportCallback)
        let context = KafkaClientContext(logger: logger)
        context.install(on: conf)
        let rk = try makeKafkaHandle(RD_KAFKA_PRODUCER, conf)
        self.handle = KafkaHandle(rk)
        self.logger = logger
        self.context = context
        let thread = PollingThread(name: "kepu-producer-poll") { [handle, weak self] isRunning in
            while isRunning() {
                // Serves delivery reports (which resume senders) and error callbacks.
                rd_kafka_poll(handle.pointer, 100)
                self?.wakeSpaceWaiters()
            }
        }
        pollingThread.withLock { $0 = thread }
    }

    deinit {
        if let thread = pollingThread.withLock({ $0.take() }) {
            thread.stop()
            topics.withLock { for topic in $0.values { rd_kafka_topic_destroy(topic.pointer) } }
            rd_kafka_destroy(handle.pointer)
        }
    }

    /// Sends one record and returns where it was written.
    public func send(_ message: KafkaProducerMessage) async throws(KafkaError) -> KafkaDeliveryReport {
        try await send([message])[0].get()
    }

    /// Sends records in order and returns each one's outcome, in the same order. Records for the same partition keep
    /// their order (the producer is idempotent). This is the fast path: one suspension for the whole batch.
    ///
    /// With `stopAtFirstFailure`, a record librdkafka refuses at once (too large, unknown partition) ends the call's
    /// sending: the records after it are not produced and fail with `KafkaError.notSent`, so a caller that must
    /// keep order (the outbox relay) never has a later record published before an earlier one.
    public func send(_ messages: [KafkaProducerMessage], stopAtFirstFailure: Bool = false) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        guard !messages.isEmpty else { return [] }
        let batch = DeliveryBatch(messages: messages)
        var index = 0
        var cachedTopic: (name: String, handle: TopicHandle)?
        while index < messages.count {
            let message = messages[index]
            if state.withLock({ $0.isShutDown }) {
                batch.complete(index, .failure(.client(RD_KAFKA_RESP_ERR__DESTROY, "the producer is shut down")))
                index += 1
                continue
            }
            let topic: TopicHandle
            if let cachedTopic, cachedTopic.name == message.topic {
                topic = cachedTopic.handle
            } else {
                topic = topicHandle(message.topic)
                cachedTopic = (message.topic, topic)
            }
            switch enqueue(message, topic: topic, opaque: batch.slot(index)) {
            case .none:
                index += 1
            case .some(let error) where error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue:
                await waitForQueueSpace()
            case .some(let error):
                batch.complete(index, .failure(error))
                index += 1
                if stopAtFirstFailure {
                    while index < messages.count {
                        batch.complete(index, .failure(.notSent))
                        index += 1
                    }
                }
            }
        }
        return await batch.results()
    }

    /// Waits for the broker to acknowledge everything enqueued so far, up to `timeout`.
    public func flush(timeout: Duration = .seconds(10)) async throws(KafkaError) {
        let handle = self.handle
        let err = try? await onDedicatedThread { rd_kafka_flush(handle.pointer, timeout.milliseconds) }
        if let err, err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }

    /// Stops accepting records, flushes for up to `timeout`, then fails whatever is still pending
    /// (its senders get `_PURGE_QUEUE`/`_PURGE_INFLIGHT`) and releases librdkafka. Safe to call more than once.
    public func shutdown(timeout: Duration = .seconds(10)) async {
        guard let thread = pollingThread.withLock({ $0.take() }) else { return }
        state.withLock { $0.isShutDown = true }
        wakeSpaceWaiters()
        let handle = self.handle
        let topicHandles = topics.withLock { topics in
            defer { topics.removeAll() }
            return Array(topics.values)
        }
        let logger = self.logger
        _ = try? await onDedicatedThread {
            let err = rd_kafka_flush(handle.pointer, timeout.milliseconds)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                let pending = rd_kafka_outq_len(handle.pointer)
                logger.warning("producer flush timed out; failing pending records", metadata: ["pending": "\(pending)"])
                rd_kafka_purge(handle.pointer, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
                // Serves the purge's delivery reports so every waiting sender is resumed.
                rd_kafka_flush(handle.pointer, 1000)
            }
            thread.stop()
            for topic in topicHandles { rd_kafka_topic_destroy(topic.pointer) }
            rd_kafka_destroy(handle.pointer)
        }
    }

    /// Records not yet acknowledged (librdkafka's out-queue length).
    public var pendingCount: Int { Int(rd_kafka_outq_len(handle.pointer)) }

    /// Runs until graceful shutdown, then flushes and releases the producer.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    // MARK: - Internals

    private func enqueue(_ message: KafkaProducerMessage, topic: TopicHandle, opaque: UnsafeMutableRawPointer) -> KafkaError? {
        var headers: OpaquePointer?
        if !message.headers.isEmpty {
            let list = rd_kafka_headers_new(message.headers.count)
            for header in message.headers {
                if let value = header.value {
                    value.withUnsafeBytes { _ = rd_kafka_header_add(list, header.name, -1, $0.baseAddress, $0.count) }
                } else {
                    _ = rd_kafka_header_add(list, header.name, -1, nil, 0)
                }
            }
            headers = list
        }
        let error: OpaquePointer? = message.value.withUnsafeBytes { value in
            withOptionalBytes(message.key) { key in
                withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { vus in
                    var count = 0
                    func add(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                        var vu = rd_kafka_vu_t()
                        vu.vtype = type
                        fill(&vu)
                        vus[count] = vu
                        count += 1
                    }
                    add(RD_KAFKA_VTYPE_RKT) { $0.u.rkt = topic.pointer }
                    add(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = message.partition ?? RD_KAFKA_PARTITION_UA }
                    add(RD_KAFKA_VTYPE_VALUE) {
                        $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                        $0.u.mem.size = value.count
                    }
                    if let key {
                        add(RD_KAFKA_VTYPE_KEY) {
                            $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                            $0.u.mem.size = key.count
                        }
                    }
                    if let headers { add(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headers } }
                    if let timestamp = message.timestamp { add(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestamp } }
                    add(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                    add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque }
                    return rd_kafka_produceva(handle.pointer, vus.baseAddress, count)
                }
            }
        }
        guard let error else { return nil }
        // On failure librdkafka did not take the headers.
        if let headers { rd_kafka_headers_destroy(headers) }
        return KafkaError(consuming: error)
    }

    private func topicHandle(_ name: String) -> TopicHandle {
        topics.withLock { topics in
            if let existing = topics[name] { return existing }
            let created = TopicHandle(rd_kafka_topic_new(handle.pointer, name, nil))
            topics[name] = created
            return created
        }
    }

    private func waitForQueueSpace() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.isShutDown { return true }
                state.spaceWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Called by the polling thread after each poll: deliveries may have freed queue space.
    private func wakeSpaceWaiters() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.spaceWaiters.isEmpty else { return [] }
            defer { state.spaceWaiters.removeAll() }
            return state.spaceWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A cached `rd_kafka_topic_t`. `@unchecked Sendable`: librdkafka topic handles are thread-safe and this one lives
/// until the producer is destroyed.
struct TopicHandle: @unchecked Sendable {
    let pointer: OpaquePointer?
    init(_ pointer: OpaquePointer?) { self.pointer = pointer }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

extension Duration {
    /// Whole milliseconds, clamped to `Int32` as librdkafka's timeouts expect.
    package var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }
}
