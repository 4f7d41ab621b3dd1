import CRdKafka

/// An error from librdkafka or from this client, classified so callers know what to do next.
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the caller can do about it.
    public enum Severity: String, Sendable, Hashable {
        /// Trying again later may succeed (leader moved, broker down, queue full, timed out).
        case retriable
        /// Trying again will fail the same way (message too large, unknown topic in strict mode, bad config).
        case permanent
        /// The client instance is unusable (e.g. the idempotent producer lost its guarantees); recreate it.
        case fatal
    }

    /// librdkafka's `rd_kafka_resp_err_t` value (negative values are client-side errors).
    public let code: Int32
    /// librdkafka's symbolic name, e.g. `NOT_LEADER_FOR_PARTITION` or `_QUEUE_FULL`.
    public let name: String
    public let message: String
    public let severity: Severity

    public var isRetriable: Bool { severity == .retriable }
    public var isFatal: Bool { severity == .fatal }

    public var description: String { "\(name) (\(code), \(severity.rawValue)): \(message)" }

    public init(code: Int32, name: String, message: String, severity: Severity) {
        self.code = code
        self.name = name
        self.message = message
        self.severity = severity
    }

    /// Builds an error from a response code, classifying it with `KafkaError.retriableCodes`.
    package init(_ err: rd_kafka_resp_err_t, message: String? = nil) {
        let code = err.rawValue
        let severity: Severity
        if err == RD_KAFKA_RESP_ERR__FATAL {
            severity = .fatal
        } else if Self.retriableCodes.contains(code) {
            severity = .retriable
        } else {
            severity = .permanent
        }
        self.init(
            code: code,
            name: String(cString: rd_kafka_err2name(err)),
            message: message ?? String(cString: rd_kafka_err2str(err)),
            severity: severity
        )
    }

    /// Takes ownership of an `rd_kafka_error_t` (destroys it) and keeps librdkafka's own classification.
    init(consuming error: OpaquePointer) {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        let severity: Severity =
            rd_kafka_error_is_fatal(error) != 0
            ? .fatal
            : (rd_kafka_error_is_retriable(error) != 0 || Self.retriableCodes.contains(err.rawValue))
                ? .retriable : .permanent
        self.init(
            code: err.rawValue,
            name: String(cString: rd_kafka_error_name(error)),
            message: String(cString: rd_kafka_error_string(error)),
            severity: severity
        )
    }

    /// A client-side error of this library (not from librdkafka), with librdkafka's closest code.
    package static func client(_ err: rd_kafka_resp_err_t, _ message: String, severity: Severity = .permanent) -> KafkaError {
        KafkaError(
            code: err.rawValue, name: String(cString: rd_kafka_err2name(err)), message: message, severity: severity)
    }

    /// A record not produced because an earlier one of the same `send` failed (`stopAtFirstFailure`): sending it
    /// again later is right.
    public static let notSent = KafkaError.client(
        RD_KAFKA_RESP_ERR__PREV_IN_PROGRESS, "not sent: an earlier record of the batch failed", severity: .retriable)

    /// The response codes for which a later attempt can succeed.
    static let retriableCodes: Set<Int32> = Set(
        [
            RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__TIMED_OUT,
            RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__RETRY,
            RD_KAFKA_RESP_ERR__WAIT_COORD, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE, RD_KAFKA_RESP_ERR__PURGE_QUEUE,
            RD_KAFKA_RESP_ERR__PURGE_INFLIGHT, RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION,
            RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
            RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
            RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
            RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR,
            RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH,
            RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH, RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED,
        ].map(\.rawValue))
}
