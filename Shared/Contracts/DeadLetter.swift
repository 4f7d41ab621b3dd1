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
    /// Set when the key or original headers were cut: the original key's size, and how many headers were dropped.
    public static let keyTruncatedHeader = "kepu_dlq_key_truncated"
    public static let headersDroppedHeader = "kepu_dlq_headers_dropped"
    /// Larger values are cut to this size in the dead letter (the original stays on its source topic until
    /// retention): a dead letter must always fit in a record, or dead-lettering itself would stall the partition.
    public static let maxValueBytes = 256 * 1024
    /// The key is cut to this many bytes, the error text to `maxErrorBytes`, and the original headers are kept
    /// (in order) while they fit in `maxOriginalHeaderBytes`: with the value's bound, a dead letter stays under
    /// 400 KB, well below `message.max.bytes` (1,000,000 by default) whatever the failed record was.
    public static let maxKeyBytes = 16 * 1024
    public static let maxErrorBytes = 1000
    public static let maxOriginalHeaderBytes = 64 * 1024

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
        // Bounded in bytes (cut on a character boundary): a reason must never make the dead letter too large.
        self.error = FieldLimit.truncated(error, maxBytes: Self.maxErrorBytes)
        self.failedAt = failedAt
        key = message.key
        value = message.value
        originalHeaders = message.headers.filter { !$0.name.hasPrefix("kepu_dlq_") }
    }

    /// The record to produce to `topic` (the service's dead-letter topic), bounded in bytes: what was cut is said
    /// in headers.
    public func kafkaMessage(topic: String) -> KafkaProducerMessage {
        var headers: [KafkaHeader] = []
        var headerBytes = 0
        var dropped = 0
        for header in originalHeaders {
            let size = header.name.utf8.count + (header.value?.count ?? 0)
            if headerBytes + size > Self.maxOriginalHeaderBytes || header.name.utf8.count > 256 {
                dropped += 1
                continue
            }
            headerBytes += size
            headers.append(header)
        }
        if dropped > 0 { headers.append(KafkaHeader(name: Self.headersDroppedHeader, string: String(dropped))) }
        if value.count > Self.maxValueBytes { headers.append(KafkaHeader(name: Self.truncatedHeader, string: String(value.count))) }
        var key = self.key
        if let original = key, original.count > Self.maxKeyBytes {
            key = Array(original.prefix(Self.maxKeyBytes))
            headers.append(KafkaHeader(name: Self.keyTruncatedHeader, string: String(original.count)))
        }
        headers += [
            KafkaHeader(name: Self.sourceTopicHeader, string: sourceTopic),
            KafkaHeader(name: Self.sourcePartitionHeader, string: String(sourcePartition)),
            KafkaHeader(name: Self.sourceOffsetHeader, string: String(sourceOffset)),
            KafkaHeader(name: Self.consumerHeader, string: FieldLimit.truncated(consumer, maxBytes: 256)),
            KafkaHeader(name: Self.errorCodeHeader, string: FieldLimit.truncated(errorCode, maxBytes: 64)),
            KafkaHeader(name: Self.errorHeader, string: FieldLimit.truncated(error, maxBytes: Self.maxErrorBytes)),
            KafkaHeader(name: Self.failedAtHeader, string: RFC3339.format(failedAt)),
        ]
        return KafkaProducerMessage(
            topic: topic, key: key, value: value.count > Self.maxValueBytes ? Array(value.prefix(Self.maxValueBytes)) : value, headers: headers)
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
