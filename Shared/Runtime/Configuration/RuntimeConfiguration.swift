import KepuDomain
import KepuKafka
import Logging

/// The settings every service reads at start (the README's configuration table lists them).
public struct RuntimeConfiguration: Sendable {
    public var service: ServiceName
    public var httpHost: String
    public var httpPort: Int
    public var database: DatabaseSettings
    public var databasePoolSize: Int
    public var kafkaBootstrapServers: String
    /// librdkafka properties from `KEPU_KAFKA_PROP_*` variables, applied to every client of the service.
    public var kafkaProperties: [String: String]
    public var adminToken: String
    public var logLevel: Logger.Level
    public var consumerBatchSize: Int
    public var consumerBatchWaitMilliseconds: Int
    /// Consumers per handler in this process (each its own group member with its own partitions and transactions).
    public var consumerConcurrency: Int
    /// Records per partition whose event ids a consumer that keeps offsets remembers, to drop an event its
    /// producer sent again (see `RecentEventIDs`).
    public var consumerDedupeWindow: Int
    public var outboxRelayEnabled: Bool
    public var outboxPollMilliseconds: Int
    public var outboxBatchSize: Int
    /// How long consumed event ids (the inbox) and remembered request ids are kept: at least the input topics'
    /// retention, so any record Kafka may deliver again is still recognised. Nil (unset): the longest retention of
    /// the service's input topics, plus a day.
    public var inboxRetentionDays: Int?
    /// Days contact details are kept after their purpose ended (a booking's: its session's end), then erased.
    public var contactRetentionDays: Int
    /// A name this replica keeps across restarts (a StatefulSet pod's name): with it, each consumer is a static
    /// group member (`group.instance.id` = `<replica>-<handler>-<n>`), and a replacement takes over its partitions
    /// as it joins instead of after the old member's session timed out.
    public var replicaID: String?

    /// The default HTTP port of each service, so they can run side by side on one machine.
    public static func defaultHTTPPort(_ service: ServiceName) -> Int {
        switch service {
        case .booking: 8081
        case .outreachEvents: 8082
        case .volunteer: 8083
        case .contentSupply: 8084
        case .metrics: 8085
        default: 8080
        }
    }

    /// Reads and validates the environment; the error lists every missing or malformed setting.
    public static func load(service: ServiceName, environment: [String: String]) throws(ConfigurationError) -> RuntimeConfiguration {
        var reader = ConfigurationReader(environment: environment)
        let databaseURL = reader.required("KEPU_DATABASE_URL", "postgres://user:password@host:5432/database of this service")
        var database = DatabaseSettings(host: "", username: "", database: "")
        if !databaseURL.isEmpty {
            switch DatabaseSettings.parse(databaseURL) {
            case .success(let parsed): database = parsed
            case .failure(let error): reader.problem("KEPU_DATABASE_URL is malformed: \(error.problems.joined(separator: ", "))")
            }
        }
        let bootstrap = reader.required("KEPU_KAFKA_BOOTSTRAP_SERVERS", "host:port[,host:port...] of the Kafka brokers")
        let adminToken = reader.required("KEPU_ADMIN_TOKEN", "bearer token required by admin HTTP writes")
        if !adminToken.isEmpty && adminToken.count < 16 {
            reader.problem("KEPU_ADMIN_TOKEN must be at least 16 characters")
        }
        let level = reader.oneOf("KEPU_LOG_LEVEL", Logger.Level.allCases.map(\.rawValue), default: "info")
        let kafkaProperties = KafkaConfiguration.properties(fromEnvironment: environment)
        let configuration = RuntimeConfiguration(
            service: service,
            httpHost: reader.string("KEPU_HTTP_HOST", default: "0.0.0.0"),
            httpPort: reader.integer("KEPU_HTTP_PORT", default: defaultHTTPPort(service), in: 0...65535),
            database: database,
            databasePoolSize: reader.integer("KEPU_DATABASE_POOL_SIZE", default: 10, in: 2...200),
            kafkaBootstrapServers: bootstrap,
            kafkaProperties: kafkaProperties,
            adminToken: adminToken,
            logLevel: Logger.Level(rawValue: level) ?? .info,
            consumerBatchSize: reader.integer("KEPU_CONSUMER_BATCH_SIZE", default: 500, in: 1...100_000),
            consumerBatchWaitMilliseconds: reader.integer("KEPU_CONSUMER_BATCH_WAIT_MS", default: 20, in: 1...60_000),
            consumerConcurrency: reader.integer("KEPU_CONSUMER_CONCURRENCY", default: 1, in: 1...64),
            consumerDedupeWindow: reader.integer("KEPU_CONSUMER_DEDUPE_WINDOW", default: 20_000, in: 0...1_000_000),
            outboxRelayEnabled: reader.boolean("KEPU_OUTBOX_RELAY", default: true),
            outboxPollMilliseconds: reader.integer("KEPU_OUTBOX_POLL_MS", default: 1000, in: 10...600_000),
            outboxBatchSize: reader.integer("KEPU_OUTBOX_BATCH_SIZE", default: 1000, in: 1...100_000),
            inboxRetentionDays: environment["KEPU_INBOX_RETENTION_DAYS"] == nil ? nil : reader.integer("KEPU_INBOX_RETENTION_DAYS", default: 0, in: 1...3650),
            contactRetentionDays: reader.integer("KEPU_CONTACT_RETENTION_DAYS", default: 30, in: 0...3650),
            replicaID: environment["KEPU_REPLICA_ID"].flatMap { $0.isEmpty ? nil : $0 })
        if let replica = configuration.replicaID,
            replica.utf8.count > 64 || !replica.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x2E || $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) })
        {
            reader.problem("KEPU_REPLICA_ID must be 1-64 letters, digits, '.', '_' or '-'")
        }
        try reader.finish()
        return configuration
    }

    /// The service's producer sends without lingering (`linger.ms=0`, unless `KEPU_KAFKA_PROP_LINGER_MS` says
    /// otherwise): its senders (the outbox relay, dead letters, snapshots) hand over a whole batch at once and wait
    /// for it, so the batch is already formed and a linger only delays it (measured: 5 ms of every booking answer).
    public func producerConfiguration() -> KafkaConfiguration {
        .producer(bootstrapServers: kafkaBootstrapServers, overrides: ["linger.ms": "0"].merging(kafkaProperties) { _, given in given })
    }

    /// A consumer of `group`; `member` names it among this replica's consumers (for static membership).
    public func consumerConfiguration(group: String, member: String? = nil) -> KafkaConfiguration {
        var properties = kafkaProperties
        if let replicaID, let member { properties["group.instance.id"] = properties["group.instance.id"] ?? "\(replicaID)-\(member)" }
        return .consumer(bootstrapServers: kafkaBootstrapServers, groupID: group, overrides: properties)
    }
}
