import CRdKafka

/// Owns one `rd_kafka_t`.
///
/// `@unchecked Sendable`: librdkafka documents `rd_kafka_t` and its API as thread-safe; the pointer itself never
/// changes after `init`, and `destroy` is called exactly once by the owning client after its threads stopped.
package final class KafkaHandle: @unchecked Sendable {
    package let pointer: OpaquePointer

    package init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    var name: String { String(cString: rd_kafka_name(pointer)) }

    /// The fatal error raised on this handle, if any (idempotent producer or static group membership).
    func fatalError() -> KafkaError? {
        var errstr = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(pointer, &errstr, errstr.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        let message = String(cBuffer: errstr)
        return KafkaError(code: err.rawValue, name: String(cString: rd_kafka_err2name(err)), message: message, severity: .fatal)
    }
}
