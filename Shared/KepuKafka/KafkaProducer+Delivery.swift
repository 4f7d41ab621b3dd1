import CRdKafka
import Synchronization

/// The outcomes of one `send` call: one slot per record, filled by delivery reports on the polling thread.
///
/// Each record's `msg_opaque` points at its slot; a slot points back at the batch. The batch stays alive while its
/// sender awaits `results()`, which returns only after every slot is filled, so the unretained back pointer is safe.
final class DeliveryBatch: Sendable {
    struct Slot {
        var batch: UnsafeMutableRawPointer
        var index: Int
    }

    private struct State {
        var results: [Result<KafkaDeliveryReport, KafkaError>?]
        var remaining: Int
        var waiter: CheckedContinuation<[Result<KafkaDeliveryReport, KafkaError>], Never>?
    }

    private let state: Mutex<State>
    /// Written once in `init`, read by the delivery callback; freed in `deinit` after all deliveries arrived.
    nonisolated(unsafe) private let slots: UnsafeMutablePointer<Slot>
    private let count: Int

    init(messages: [KafkaProducerMessage]) {
        count = messages.count
        state = Mutex(State(results: Array(repeating: nil, count: messages.count), remaining: messages.count))
        slots = .allocate(capacity: messages.count)
        let me = Unmanaged.passUnretained(self).toOpaque()
        for index in 0..<messages.count {
            (slots + index).initialize(to: Slot(batch: me, index: index))
        }
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func slot(_ index: Int) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(slots + index) }

    func complete(_ index: Int, _ result: Result<KafkaDeliveryReport, KafkaError>) {
        let finished = state.withLock {
            state -> (CheckedContinuation<[Result<KafkaDeliveryReport, KafkaError>], Never>, [Result<KafkaDeliveryReport, KafkaError>])? in
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, state.results.map { $0! })
        }
        if let (waiter, results) = finished { waiter.resume(returning: results) }
    }

    func results() async -> [Result<KafkaDeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [Result<KafkaDeliveryReport, KafkaError>]? in
                if state.remaining == 0 { return state.results.map { $0! } }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// librdkafka's delivery report callback, run on the producer's polling thread.
let kepuDeliveryReportCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, message, _ in
    guard let message, let opaque = message.pointee._private else { return }
    let slot = opaque.assumingMemoryBound(to: DeliveryBatch.Slot.self).pointee
    let batch = Unmanaged<DeliveryBatch>.fromOpaque(slot.batch).takeUnretainedValue()
    let result: Result<KafkaDeliveryReport, KafkaError>
    if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        result = .success(
            KafkaDeliveryReport(
                topic: String(cString: rd_kafka_topic_name(message.pointee.rkt)),
                partition: message.pointee.partition,
                offset: message.pointee.offset))
    } else {
        result = .failure(KafkaError(message.pointee.err))
    }
    batch.complete(slot.index, result)
}
