import CRdKafka
import KepuKafka
import Logging
import ServiceLifecycle
import Synchronization

/// librdkafka's mock cluster: a Kafka-protocol broker set inside this process, listening on loopback, usable by
/// any client on this machine (`kcat` included). For development and tests; it has no compaction and does not
/// answer the Admin API's CreateTopics, so topics are made with `createTopic`.
public final class EmbeddedKafkaCluster: Service, Sendable {
    private let handle: KafkaHandle
    private let cluster: MockClusterHandle
    private let context: KafkaClientContext
    private let stopped = Atomic(false)
    /// `host:port,...` of the brokers.
    public let bootstrapServers: String
    public let brokerCount: Int

    /// Starts `brokers` brokers (their handle logs warnings and worse only: it has no bootstrap servers by design) (ids 1...brokers).
    public init(brokers: Int = 3, logger: Logger = Logger(label: "kepu.kafka.embedded")) throws(KafkaError) {
        let conf = try KafkaConfiguration(bootstrapServers: "", properties: ["log_level": "4"]).withoutBootstrap().makeNativeConfiguration()
        let context = KafkaClientContext(logger: logger)
        context.install(on: conf)
        let rk = try makeKafkaHandle(RD_KAFKA_PRODUCER, conf)
        guard let mc = rd_kafka_mock_cluster_new(rk, Int32(brokers)) else {
            rd_kafka_destroy(rk)
            throw .client(RD_KAFKA_RESP_ERR__FAIL, "rd_kafka_mock_cluster_new failed")
        }
        self.handle = KafkaHandle(rk)
        self.context = context
        self.cluster = MockClusterHandle(pointer: mc)
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(mc))
        self.brokerCount = brokers
        let ports = brokerPorts
        Task.detached { [weak self] in
            while let cluster = self, !cluster.stopped.load(ordering: .acquiring) {
                Self.disableNagle(onLocalPorts: ports)
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    deinit { stop() }

    /// Creates a topic (an existing one is left as it is).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(cluster.pointer, name, partitions, replicationFactor)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { throw KafkaError(err) }
    }

    /// Takes a broker off the network: its connections close and new ones are refused.
    public func setBrokerDown(_ brokerId: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_down(cluster.pointer, brokerId))
    }

    public func setBrokerUp(_ brokerId: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_up(cluster.pointer, brokerId))
    }

    /// Delays every response of a broker by `rtt`.
    public func setRoundTripTime(_ brokerId: Int32, _ rtt: Duration) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_rtt(cluster.pointer, brokerId, Int32(rtt.milliseconds)))
    }

    /// Makes the next requests of this kind (on any broker) fail with these errors, one per request, in order.
    public func pushRequestErrors(_ apiKey: KafkaAPIKey, _ errors: [rd_kafka_resp_err_t]) {
        errors.withUnsafeBufferPointer {
            rd_kafka_mock_push_request_errors_array(cluster.pointer, apiKey.rawValue, $0.count, $0.baseAddress)
        }
    }

    /// Moves a partition's leadership to another broker.
    public func setPartitionLeader(_ topic: String, partition: Int32, brokerId: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_partition_set_leader(cluster.pointer, topic, partition, brokerId))
    }

    /// Shuts the brokers down. Safe to call more than once.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        rd_kafka_mock_cluster_destroy(cluster.pointer)
        rd_kafka_destroy(handle.pointer)
    }

    /// Runs until graceful shutdown, then stops the brokers.
    public func run() async throws {
        try? await gracefulShutdown()
        stop()
    }

    private func check(_ err: rd_kafka_resp_err_t) throws(KafkaError) {
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }
}

/// Kafka protocol request kinds used with `pushRequestErrors`.
public struct KafkaAPIKey: RawRepresentable, Sendable, Hashable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let produce = KafkaAPIKey(rawValue: 0)
    public static let fetch = KafkaAPIKey(rawValue: 1)
    public static let listOffsets = KafkaAPIKey(rawValue: 2)
    public static let metadata = KafkaAPIKey(rawValue: 3)
    public static let offsetCommit = KafkaAPIKey(rawValue: 8)
    public static let offsetFetch = KafkaAPIKey(rawValue: 9)
    public static let findCoordinator = KafkaAPIKey(rawValue: 10)
    public static let joinGroup = KafkaAPIKey(rawValue: 11)
    public static let heartbeat = KafkaAPIKey(rawValue: 12)
    public static let initProducerId = KafkaAPIKey(rawValue: 22)
}

/// `@unchecked Sendable`: the mock cluster is driven by its own thread and its API is thread-safe; the pointer is
/// destroyed once, in `stop()`.
struct MockClusterHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

extension KafkaConfiguration {
    fileprivate func withoutBootstrap() -> KafkaConfiguration {
        var copy = self
        copy.properties["bootstrap.servers"] = nil
        return copy
    }
}
