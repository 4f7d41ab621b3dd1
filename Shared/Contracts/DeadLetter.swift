import Foundation
import KepuDomain
import KepuKafka

/// A record that a consumer could never process, as it goes to the service's dead-letter topic: the original key,
/// value and headers, plus `kepu_dlq_*` headers saying where it came from and why.
public struct DeadLetter: Sendable, Hashable {
    public static let sourceTopicHeader = "kepu_dlq_source_topic"
    public static let sourcePartitionHeader = "kepu_dlq_source_partition"
    public static let sourceOffsetHeader = "kepu_dlq_source_offset"
    public static let consumerHeader = "kepu_dlq_consumer"
    public static let errorCodeHeader = "kepu_dlq_error_code"
    public static let errorHeader = "kepu_dlq_error"
    public static let failedAtHeader = "kepu_dlq_failed_at"
    public static let truncatedHeader = "kepu_dlq_value_truncated"
    /// Larger values are cut to this size in the dead letter (the original stays on its source topic until
    /// retention): a dead letter must always fit in a record, or dead-lettering itself would stall the partition.
    public static let maxValueBytes = 256 * 1024

    public var sourceTopic: String
    public var sourcePartition: Int32
    public var sourceOffset: Int64
    public var consumer: String
    public var errorCode: String
    public var error: String
    public var failedAt: Date
    public var key: [UInt8]?
    public var value: [UInt8]
    /// The original headers (without `kepu_dlq_*`).
    public var originalHeaders: [KafkaHeader]

    public init(failed message: KafkaConsumerMessage, consumer: String, errorCode: String, error: String, at failedAt: Date = Date()) {
        sourceTopic = message.topic
        sourcePartition = message.partition
        sourceOffset = message.offset
        self.consumer = consumer
        self.errorCode = errorCode
        // Bounded: a reason must never make the dead letter itself too large to produce.
        self.error = String(error.prefix(1000))
        self.failedAt = failedAt
        key = message.key
        value = message.value
        originalHeaders = message.headers.filter { !$0.name.hasPrefix("kepu_dlq_") }
    }

    /// The record to produce to `topic` (the service's dead-letter topic).
    public func kafkaMessage(topic: String) -> KafkaProducerMessage {
        let truncated = value.count > Self.maxValueBytes
        return KafkaProducerMessage(
            topic: topic, key: key, value: truncated ? Array(value.prefix(Self.maxValueBytes)) : value,
            headers: originalHeaders + (truncated ? [KafkaHeader(name: Self.truncatedHeader, string: String(value.count))] : []) + [
                KafkaHeader(name: Self.sourceTopicHeader, string: sourceTopic),
                KafkaHeader(name: Self.sourcePartitionHeader, string: String(sourcePartition)),
                KafkaHeader(name: Self.sourceOffsetHeader, string: String(sourceOffset)),
                KafkaHeader(name: Self.consumerHeader, string: consumer),
                KafkaHeader(name: Self.errorCodeHeader, string: errorCode),
                KafkaHeader(name: Self.errorHeader, string: error),
                KafkaHeader(name: Self.failedAtHeader, string: RFC3339.format(failedAt)),
            ])
    }

    /// Reads a record from a dead-letter topic; nil if it lacks the `kepu_dlq_*` headers.
    public init?(deadLetterRecord message: KafkaConsumerMessage) {
        let headers = message.headers
        func text(_ name: String) -> String? { headers.value(named: name).map { String(decoding: $0, as: UTF8.self) } }
        guard let topic = text(Self.sourceTopicHeader), let partition = text(Self.sourcePartitionHeader).flatMap(Int32.init),
            let offset = text(Self.sourceOffsetHeader).flatMap(Int64.init)
        else { return nil }
        sourceTopic = topic
        sourcePartition = partition
        sourceOffset = offset
        consumer = text(Self.consumerHeader) ?? ""
        errorCode = text(Self.errorCodeHeader) ?? ""
        error = text(Self.errorHeader) ?? ""
        failedAt = text(Self.failedAtHeader).flatMap(RFC3339.parse) ?? Date(timeIntervalSince1970: 0)
        key = message.key
        value = message.value
        originalHeaders = headers.filter { !$0.name.hasPrefix("kepu_dlq_") }
    }

    /// The original record, to replay onto its source topic.
    public var replayMessage: KafkaProducerMessage {
        KafkaProducerMessage(topic: sourceTopic, key: key, value: value, headers: originalHeaders)
    }
}
