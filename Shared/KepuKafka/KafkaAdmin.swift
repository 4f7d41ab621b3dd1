import CRdKafka
import Logging

/// What a topic should look like.
public struct KafkaTopicSpec: Sendable, Hashable {
    public var name: String
    public var partitions: Int32
    public var replicationFactor: Int32
    /// Topic configs, e.g. `cleanup.policy=compact`, `retention.ms`.
    public var configs: [String: String]

    public init(name: String, partitions: Int32, replicationFactor: Int32 = 1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// A topic as the cluster's metadata describes it.
public struct KafkaTopicDescription: Sendable, Hashable {
    public struct Partition: Sendable, Hashable {
        public var id: Int32
        public var leader: Int32
        public var replicas: [Int32]
    }

    public var name: String
    public var partitions: [Partition]
    public var replicationFactor: Int { partitions.first?.replicas.count ?? 0 }
}

/// Topic administration: list, describe, and create idempotently. Blocking librdkafka calls run on a dedicated
/// thread.
public final class KafkaAdmin: Sendable {
    private let handle: KafkaHandle
    private let context: KafkaClientContext

    public init(configuration: KafkaConfiguration, logger: Logger = Logger(label: "kepu.kafka.admin")) throws(KafkaError) {
        let conf = try configuration.makeNativeConfiguration()
        context = KafkaClientContext(logger: logger)
        context.install(on: conf)
        handle = KafkaHandle(try makeKafkaHandle(RD_KAFKA_PRODUCER, conf))
    }

    deinit { rd_kafka_destroy(handle.pointer) }

    /// Every topic in the cluster (internal ones, starting with `__`, left out).
    public func listTopics(timeout: Duration = .seconds(10)) async throws(KafkaError) -> [KafkaTopicDescription] {
        try await metadata(topic: nil, timeout: timeout).filter { !$0.name.hasPrefix("__") }.sorted { $0.name < $1.name }
    }

    /// One topic, or nil if the cluster does not have it.
    public func describeTopic(_ name: String, timeout: Duration = .seconds(10)) async throws(KafkaError) -> KafkaTopicDescription? {
        try await listTopics(timeout: timeout).first { $0.name == name }
    }

    /// Creates the topics the cluster lacks and returns their names; existing topics are left alone (a topic that
    /// another client created in between counts as existing). Running it again is a no-op.
    @discardableResult
    public func ensureTopics(_ specs: [KafkaTopicSpec], timeout: Duration = .seconds(30)) async throws(KafkaError) -> [String] {
        let existing = Set(try await listTopics(timeout: timeout).map(\.name))
        let missing = specs.filter { !existing.contains($0.name) }
        guard !missing.isEmpty else { return [] }
        try await createTopics(missing, timeout: timeout)
        return missing.map(\.name)
    }

    /// CreateTopics through the Admin API; `TOPIC_ALREADY_EXISTS` is success. (librdkafka's mock cluster does not
    /// answer this request: use `EmbeddedKafkaCluster.createTopic` there.)
    public func createTopics(_ specs: [KafkaTopicSpec], timeout: Duration = .seconds(30)) async throws(KafkaError) {
        let handle = self.handle
        let outcome = try? await onDedicatedThread { () -> KafkaError? in
            var errstr = [CChar](repeating: 0, count: 512)
            var newTopics: [OpaquePointer?] = []
            defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
            for spec in specs {
                guard let topic = rd_kafka_NewTopic_new(spec.name, spec.partitions, spec.replicationFactor, &errstr, errstr.count) else {
                    return .client(RD_KAFKA_RESP_ERR__INVALID_ARG, "\(spec.name): \(String(cBuffer: errstr))")
                }
                newTopics.append(topic)
                for (key, value) in spec.configs {
                    let err = rd_kafka_NewTopic_set_config(topic, key, value)
                    if err != RD_KAFKA_RESP_ERR_NO_ERROR { return KafkaError(err, message: "\(spec.name): \(key)") }
                }
            }
            let queue = rd_kafka_queue_new(handle.pointer)
            defer { rd_kafka_queue_destroy(queue) }
            let options = rd_kafka_AdminOptions_new(handle.pointer, RD_KAFKA_ADMIN_OP_CREATETOPICS)
            defer { rd_kafka_AdminOptions_destroy(options) }
            rd_kafka_AdminOptions_set_request_timeout(options, timeout.milliseconds, &errstr, errstr.count)
            rd_kafka_AdminOptions_set_operation_timeout(options, timeout.milliseconds, &errstr, errstr.count)
            newTopics.withUnsafeMutableBufferPointer {
                rd_kafka_CreateTopics(handle.pointer, $0.baseAddress, $0.count, options, queue)
            }
            guard let event = rd_kafka_queue_poll(queue, timeout.milliseconds + 5000) else {
                return .client(RD_KAFKA_RESP_ERR__TIMED_OUT, "CreateTopics got no answer", severity: .retriable)
            }
            defer { rd_kafka_event_destroy(event) }
            let eventError = rd_kafka_event_error(event)
            if eventError != RD_KAFKA_RESP_ERR_NO_ERROR {
                return KafkaError(eventError, message: String(cString: rd_kafka_event_error_string(event)))
            }
            var count = 0
            guard let result = rd_kafka_event_CreateTopics_result(event),
                let topics = rd_kafka_CreateTopics_result_topics(result, &count)
            else { return nil }
            for index in 0..<count {
                let err = rd_kafka_topic_result_error(topics[index])
                if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                    let name = String(cString: rd_kafka_topic_result_name(topics[index]))
                    let message = rd_kafka_topic_result_error_string(topics[index]).map { String(cString: $0) } ?? ""
                    return KafkaError(err, message: "\(name): \(message)")
                }
            }
            return nil
        }
        if let error = outcome { throw error }
    }

    private func metadata(topic: String?, timeout: Duration) async throws(KafkaError) -> [KafkaTopicDescription] {
        let handle = self.handle
        let outcome = try? await onDedicatedThread { () -> Result<[KafkaTopicDescription], KafkaError> in
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let err = rd_kafka_metadata(handle.pointer, 1, nil, &metadata, timeout.milliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return .failure(KafkaError(err)) }
            defer { rd_kafka_metadata_destroy(metadata) }
            let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
            return .success(
                topics.filter { $0.err == RD_KAFKA_RESP_ERR_NO_ERROR }.map { topic in
                    let partitions = UnsafeBufferPointer(start: topic.partitions, count: Int(topic.partition_cnt)).map {
                        KafkaTopicDescription.Partition(
                            id: $0.id, leader: $0.leader,
                            replicas: Array(UnsafeBufferPointer(start: $0.replicas, count: Int($0.replica_cnt))))
                    }
                    return KafkaTopicDescription(name: String(cString: topic.topic), partitions: partitions.sorted { $0.id < $1.id })
                })
        }
        guard let outcome else { throw .client(RD_KAFKA_RESP_ERR__FAIL, "could not start a thread") }
        return try outcome.get()
    }
}
