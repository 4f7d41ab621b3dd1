import Foundation

/// A Kafka record header. A nil value is Kafka's null header value.
public struct KafkaHeader: Sendable, Hashable {
    public var name: String
    public var value: [UInt8]?

    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    public init(name: String, string: String) {
        self.init(name: name, value: Array(string.utf8))
    }

    /// The value as UTF-8 text, if it is valid UTF-8.
    public var stringValue: String? {
        value.flatMap { String(validating: $0, as: UTF8.self) }
    }
}

extension Array where Element == KafkaHeader {
    /// The value of the last header with this name (Kafka allows repeats; the last one wins, as in Kafka Streams).
    public func value(named name: String) -> [UInt8]? {
        last { $0.name == name }?.value ?? nil
    }
}

/// One topic partition.
public struct KafkaTopicPartition: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A record to produce.
public struct KafkaProducerMessage: Sendable, Hashable {
    public var topic: String
    /// A fixed partition, or nil to let the partitioner choose by key.
    public var partition: Int32?
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// The record's time (CreateTime), milliseconds since 1970; nil: the time `send` enqueues it.
    public var timestamp: Int64?

    public init(
        topic: String, partition: Int32? = nil, key: [UInt8]? = nil, value: [UInt8], headers: [KafkaHeader] = [], timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }
}

/// Where an acknowledged record was written.
public struct KafkaDeliveryReport: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
}

/// A consumed record.
public struct KafkaConsumerMessage: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// Milliseconds since the epoch, when the broker or producer set one.
    public var timestamp: Int64?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [],
        timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// Whether the record's key is exactly `text`'s UTF-8 (a null key is not). Handlers whose order depends on the key
    /// check it on every record: compared as two buffers, not byte by byte through a string's view.
    public func isKeyed(by text: String) -> Bool {
        guard let key else { return false }
        return key.equalsUTF8(of: text)
    }
}

extension Array where Element == UInt8 {
    /// Whether these bytes are exactly `text`'s UTF-8.
    public func equalsUTF8(of text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            withUnsafeBufferPointer { bytes in
                guard bytes.count == utf8.count, let left = bytes.baseAddress, let right = utf8.baseAddress else {
                    return bytes.count == utf8.count
                }
                return memcmp(left, right, bytes.count) == 0
            }
        }
    }
}
