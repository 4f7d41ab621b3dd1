import CRdKafka
import Foundation
import Logging
import Synchronization

/// The consumer's polling thread: serves one batch request at a time, and the close.
final class ConsumerWorker: Sendable {
    struct Request {
        var maxMessages: Int
        var timeoutMs: Int32
        var returnEarly: Bool
        var continuation: CheckedContinuation<Result<KafkaConsumerBatch?, KafkaError>, Never>
    }

    private struct State {
        var requests: [Request] = []
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
        var closing = false
        var closed = false
        var exited = false
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    var isClosed: Bool { state.withLock { $0.closed } }

    func start(handle: KafkaHandle, queue: QueueHandle, rebalance: RebalanceState, logger: Logger) {
        let thread = Thread { [self] in
            run(handle: handle, queue: queue, rebalance: rebalance, logger: logger)
            exited.signal()
        }
        thread.name = "kepu-consumer-poll"
        thread.start()
    }

    func request(_ request: Request) {
        let accepted = state.withLock { state in
            guard !state.closing else { return false }
            state.requests.append(request)
            return true
        }
        if accepted { wakeUp.signal() } else { request.continuation.resume(returning: .success(nil)) }
    }

    func close() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if state.exited { return true }
                state.closing = true
                state.closeWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() } else { wakeUp.signal() }
        }
    }

    /// For deinit: closes if nobody did and waits for the thread to end.
    func stopAndJoin() {
        let alreadyExited = state.withLock { state in
            state.closing = true
            return state.exited
        }
        guard !alreadyExited else { return }
        wakeUp.signal()
        exited.wait()
    }

    private func run(handle: KafkaHandle, queue: QueueHandle, rebalance: RebalanceState, logger: Logger) {
        var converter = BatchConverter(handle: handle, rebalance: rebalance, logger: logger)
        while true {
            wakeUp.wait()
            let (next, closing) = state.withLock { state -> (Request?, Bool) in
                if state.closing { return (nil, true) }
                return (state.requests.isEmpty ? nil : state.requests.removeFirst(), false)
            }
            if closing { break }
            guard let next else { continue }
            next.continuation.resume(
                returning: converter.poll(queue: queue, maxMessages: next.maxMessages, timeoutMs: next.timeoutMs, returnEarly: next.returnEarly))
        }
        converter.release()
        // Close on this thread: rd_kafka_consumer_close serves the final revoke (and its commit) here.
        let pending = state.withLock { state in
            defer { state.requests.removeAll() }
            return state.requests
        }
        for request in pending { request.continuation.resume(returning: .success(nil)) }
        // Leave the group first and let the revoke settle: librdkafka 2.0 aborts (rd_kafka_cgrp_terminated: assert
        // !rd_kafka_assignment_in_progress) when a consumer is closed in the middle of an assignment. Records served
        // meanwhile are dropped unprocessed (their offsets were never stored, so the group's next owner gets them).
        if !rebalance.assigned.isEmpty, rd_kafka_unsubscribe(handle.pointer) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let deadline = ContinuousClock.now + .seconds(5)
            while !rebalance.assigned.isEmpty, ContinuousClock.now < deadline {
                if let message = rd_kafka_consumer_poll(handle.pointer, 50) { rd_kafka_message_destroy(message) }
            }
        }
        let err = rd_kafka_consumer_close(handle.pointer)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { logger.warning("consumer close: \(KafkaError(err))") }
        rebalance.revokeAll()
        let waiters = state.withLock { state in
            state.closed = true
            state.exited = true
            defer { state.closeWaiters.removeAll() }
            return state.closeWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Turns librdkafka messages into Swift values; lives on the polling thread only.
struct BatchConverter {
    let handle: KafkaHandle
    let rebalance: RebalanceState
    let logger: Logger
    private var topicNames: [OpaquePointer: String] = [:]
    /// The last record's headers: a header equal to the one at its place there is shared, not copied. A topic's
    /// records mostly repeat their type, source, version and content type, so most header values cost no allocation
    /// (nor, downstream, their text: the CloudEvent reader reuses what it read from the same bytes).
    private var previousHeaders: [KafkaHeader] = []
    private var buffer: UnsafeMutableBufferPointer<UnsafeMutablePointer<rd_kafka_message_t>?> = .allocate(capacity: 0)

    init(handle: KafkaHandle, rebalance: RebalanceState, logger: Logger) {
        self.handle = handle
        self.rebalance = rebalance
        self.logger = logger
    }

    mutating func poll(queue: QueueHandle, maxMessages: Int, timeoutMs: Int32, returnEarly: Bool) -> Result<KafkaConsumerBatch?, KafkaError> {
        if buffer.count < maxMessages {
            buffer.deallocate()
            buffer = .allocate(capacity: maxMessages)
        }
        // librdkafka's batch call waits until the batch is full or the time is up; to return early, wait for one
        // record, then take what is already there without waiting.
        var count = rd_kafka_consume_batch_queue(queue.pointer, timeoutMs, buffer.baseAddress, returnEarly ? min(1, maxMessages) : maxMessages)
        if count < 0 { return .failure(KafkaError(rd_kafka_last_error())) }
        if returnEarly, count == 1, maxMessages > 1, let rest = buffer.baseAddress?.advanced(by: 1) {
            let more = rd_kafka_consume_batch_queue(queue.pointer, 0, rest, maxMessages - 1)
            if more > 0 { count += more }
        }
        var messages: [KafkaConsumerMessage] = []
        messages.reserveCapacity(count)
        // A handful of partitions per batch: a short array beats hashing a topic name per record.
        var offsets: [(rkt: OpaquePointer, partition: Int32, next: Int64)] = []
        var fatal: KafkaError?
        for index in 0..<count {
            guard let rkm = buffer[index] else { continue }
            defer { rd_kafka_message_destroy(rkm) }
            let message = rkm.pointee
            if message.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { continue }
                if message.err == RD_KAFKA_RESP_ERR__FATAL {
                    fatal = handle.fatalError() ?? KafkaError(message.err)
                } else {
                    logger.warning("consumer error", metadata: ["error": "\(KafkaError(message.err))"])
                }
                continue
            }
            guard let rkt = message.rkt else { continue }
            let topic = topicName(rkt)
            if let slot = offsets.firstIndex(where: { $0.rkt == rkt && $0.partition == message.partition }) {
                offsets[slot].next = message.offset + 1
            } else {
                offsets.append((rkt, message.partition, message.offset + 1))
            }
            messages.append(convert(rkm, topic: topic))
        }
        if let fatal { return .failure(fatal) }
        var nextOffsets: [KafkaTopicPartition: Int64] = [:]
        for entry in offsets {
            nextOffsets[KafkaTopicPartition(topic: topicName(entry.rkt), partition: entry.partition)] = entry.next
        }
        let generations = rebalance.currentGenerations(for: nextOffsets.keys)
        return .success(KafkaConsumerBatch(messages: messages, nextOffsets: nextOffsets, generations: generations))
    }

    mutating func release() {
        buffer.deallocate()
        buffer = .allocate(capacity: 0)
    }

    /// Whether a header read from librdkafka is `header`: the same name and the same value bytes.
    private static func matches(_ header: KafkaHeader, name: UnsafePointer<CChar>?, value: UnsafeRawBufferPointer?) -> Bool {
        guard let name, let mine = header.value, let value, mine.count == value.count else { return false }
        var known = header.name
        let sameName = known.withUTF8 { utf8 in
            guard utf8.count == strlen(name), let start = utf8.baseAddress else { return false }
            return memcmp(start, name, utf8.count) == 0
        }
        return sameName
            && mine.withUnsafeBytes { bytes in
                guard let left = bytes.baseAddress, let right = value.baseAddress else { return bytes.isEmpty }
                return memcmp(left, right, bytes.count) == 0
            }
    }

    private mutating func topicName(_ rkt: OpaquePointer) -> String {
        if let name = topicNames[rkt] { return name }
        let name = String(cString: rd_kafka_topic_name(rkt))
        topicNames[rkt] = name
        return name
    }

    private mutating func convert(_ rkm: UnsafeMutablePointer<rd_kafka_message_t>, topic: String) -> KafkaConsumerMessage {
        let message = rkm.pointee
        let value: [UInt8] = message.payload.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: message.len)) } ?? []
        let key: [UInt8]? = message.key.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: message.key_len)) }
        var headers: [KafkaHeader] = []
        var hdrs: OpaquePointer?
        if rd_kafka_message_headers(rkm, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs {
            // Sized once: grown by appending, a CloudEvent's seven headers took four allocations per record.
            headers.reserveCapacity(Int(rd_kafka_header_cnt(hdrs)))
            var index = 0
            var name: UnsafePointer<CChar>?
            var valuePointer: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(hdrs, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let raw = valuePointer.map { UnsafeRawBufferPointer(start: $0, count: size) }
                if index < previousHeaders.count, Self.matches(previousHeaders[index], name: name, value: raw) {
                    headers.append(previousHeaders[index])
                } else {
                    headers.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "", value: raw.map { [UInt8]($0) }))
                }
                index += 1
            }
        }
        previousHeaders = headers
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(rkm, &timestampType)
        return KafkaConsumerMessage(
            topic: topic, partition: message.partition, offset: message.offset, key: key, value: value,
            headers: headers, timestamp: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp)
    }
}
