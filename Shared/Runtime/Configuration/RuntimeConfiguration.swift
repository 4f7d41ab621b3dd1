import KepuDomain
import KepuKafka
import Logging

/// The settings every service reads at start (declared in `RuntimeSetting`).
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
    /// The secret signed admin tokens are checked with; nil accepts none (only `adminToken`).
    public var jwtSecret: String?
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
    public var replicaId: String?

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
        let databaseURL = reader.required(RuntimeSetting.databaseURL)
        var database = DatabaseSettings(host: "", username: "", database: "")
        if !databaseURL.isEmpty {
            switch DatabaseSettings.parse(databaseURL) {
            case .success(let parsed): database = parsed
            case .failure(let error): reader.problem("KEPU_DATABASE_URL is malformed: \(error.problems.joined(separator: ", "))")
            }
        }
        let bootstrap = reader.required(RuntimeSetting.kafkaBootstrapServers)
        let adminToken = reader.required(RuntimeSetting.adminToken)
        if !adminToken.isEmpty && adminToken.count < 16 {
            reader.problem("KEPU_ADMIN_TOKEN must be at least 16 characters")
        }
        let jwtSecret = reader.string(RuntimeSetting.jwtSecret)
        if !jwtSecret.isEmpty && jwtSecret.utf8.count < 32 {
            reader.problem("KEPU_JWT_SECRET must be at least 32 characters")
        }
        let level = reader.oneOf(RuntimeSetting.logLevel)
        let otlpEndpoint = reader.string(RuntimeSetting.otlpEndpoint)
        if !otlpEndpoint.isEmpty && !(otlpEndpoint.hasPrefix("http://") || otlpEndpoint.hasPrefix("https://")) {
            reader.problem("OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// address (OTLP/HTTP; the gRPC exporter is not built)")
        }
        let replica = reader.string(RuntimeSetting.replicaId)
        let configuration = RuntimeConfiguration(
            service: service,
            httpHost: reader.string(RuntimeSetting.httpHost),
            httpPort: reader.integer(RuntimeSetting.httpPort, default: defaultHTTPPort(service)),
            database: database,
            databasePoolSize: reader.integer(RuntimeSetting.databasePoolSize),
            kafkaBootstrapServers: bootstrap,
            kafkaProperties: KafkaConfiguration.properties(fromEnvironment: environment),
            adminToken: adminToken,
            jwtSecret: jwtSecret.isEmpty ? nil : jwtSecret,
            logLevel: Logger.Level(rawValue: level) ?? .info,
            consumerBatchSize: reader.integer(RuntimeSetting.consumerBatchSize),
            consumerBatchWaitMilliseconds: reader.integer(RuntimeSetting.consumerBatchWait),
            consumerConcurrency: reader.integer(RuntimeSetting.consumerConcurrency),
            consumerDedupeWindow: reader.integer(RuntimeSetting.consumerDedupeWindow),
            outboxRelayEnabled: reader.boolean(RuntimeSetting.outboxRelay),
            outboxPollMilliseconds: reader.integer(RuntimeSetting.outboxPoll),
            outboxBatchSize: reader.integer(RuntimeSetting.outboxBatchSize),
            inboxRetentionDays: reader.optionalInteger(RuntimeSetting.inboxRetentionDays),
            contactRetentionDays: reader.integer(RuntimeSetting.contactRetentionDays),
            replicaId: replica.isEmpty ? nil : replica)
        if let replica = configuration.replicaId,
            replica.utf8.count > 64
                || !replica.utf8.allSatisfy({
                    $0 == 0x2D || $0 == 0x2E || $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A)
                })
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
    ///
    /// `bulkBatchSize`, for a handler that folds a high-volume stream in batches of that size: its consumer
    /// prefetches ten batches (`queued.min.messages`) within 256 MiB (`queued.max.messages.kbytes`). librdkafka 2.0
    /// stops fetching a partition for a whole second once its queue passes either limit, so a fold catching up on a
    /// backlog faster than the defaults (100,000 records, 64 MiB) hold in a second drains the queue and waits.
    /// Operators' `KEPU_KAFKA_PROP_*` settings still win.
    public func consumerConfiguration(group: String, member: String? = nil, bulkBatchSize: Int? = nil) -> KafkaConfiguration {
        var properties = kafkaProperties
        if let replicaId, let member { properties["group.instance.id"] = properties["group.instance.id"] ?? "\(replicaId)-\(member)" }
        if let bulkBatchSize {
            properties["queued.min.messages"] = properties["queued.min.messages"] ?? "\(min(10_000_000, max(100_000, 10 * bulkBatchSize)))"
            properties["queued.max.messages.kbytes"] = properties["queued.max.messages.kbytes"] ?? "262144"
        }
        return .consumer(bootstrapServers: kafkaBootstrapServers, groupId: group, overrides: properties)
    }
}
