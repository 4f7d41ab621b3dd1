import Logging

/// The settings every service reads at start, declared once: `RuntimeConfiguration.load` reads them, the
/// operations guide's table and the compose checks are derived from them.
public enum RuntimeSetting: String, SettingKey {
    case databaseURL = "KEPU_DATABASE_URL"
    case kafkaBootstrapServers = "KEPU_KAFKA_BOOTSTRAP_SERVERS"
    case adminToken = "KEPU_ADMIN_TOKEN"
    case jwtSecret = "KEPU_JWT_SECRET"
    case httpHost = "KEPU_HTTP_HOST"
    case httpPort = "KEPU_HTTP_PORT"
    case logLevel = "KEPU_LOG_LEVEL"
    case databasePoolSize = "KEPU_DATABASE_POOL_SIZE"
    case consumerBatchSize = "KEPU_CONSUMER_BATCH_SIZE"
    case consumerBatchWait = "KEPU_CONSUMER_BATCH_WAIT_MS"
    case consumerConcurrency = "KEPU_CONSUMER_CONCURRENCY"
    case consumerDedupeWindow = "KEPU_CONSUMER_DEDUPE_WINDOW"
    case outboxRelay = "KEPU_OUTBOX_RELAY"
    case outboxPoll = "KEPU_OUTBOX_POLL_MS"
    case outboxBatchSize = "KEPU_OUTBOX_BATCH_SIZE"
    case replicaId = "KEPU_REPLICA_ID"
    case inboxRetentionDays = "KEPU_INBOX_RETENTION_DAYS"
    case contactRetentionDays = "KEPU_CONTACT_RETENTION_DAYS"
    case kafkaProperties = "KEPU_KAFKA_PROP_*"
    case otlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT"
    case openTelemetry = "OTEL_*"

    public var declaration: SettingDeclaration {
        SettingDeclaration(rawValue, kind, meaning)
    }

    private var kind: SettingDeclaration.Kind {
        switch self {
        case .databaseURL: .required(hint: "postgres://user:password@host:5432/database of this service")
        case .kafkaBootstrapServers: .required(hint: "host:port[,host:port...] of the Kafka brokers")
        case .adminToken: .required(hint: "bearer token required by admin HTTP routes")
        case .jwtSecret: .text(default: "")
        case .httpHost: .text(default: "0.0.0.0")
        // The declared default is booking's; each service has its own (`RuntimeConfiguration.defaultHTTPPort`).
        case .httpPort: .integer(default: 8081, range: 0...65535)
        case .logLevel: .choice(default: "info", options: Logger.Level.allCases.map(\.rawValue))
        case .databasePoolSize: .integer(default: 10, range: 2...200)
        case .consumerBatchSize: .integer(default: 500, range: 1...100_000)
        case .consumerBatchWait: .integer(default: 20, range: 1...60_000)
        case .consumerConcurrency: .integer(default: 1, range: 1...64)
        case .consumerDedupeWindow: .integer(default: 20_000, range: 0...1_000_000)
        case .outboxRelay: .boolean(default: true)
        case .outboxPoll: .integer(default: 1000, range: 10...600_000)
        case .outboxBatchSize: .integer(default: 1000, range: 1...100_000)
        case .replicaId: .text(default: "")
        case .inboxRetentionDays: .optionalInteger(range: 1...3650, unset: "input topics' longest retention + 1")
        case .contactRetentionDays: .integer(default: 30, range: 0...3650)
        case .kafkaProperties: .prefix
        case .otlpEndpoint: .text(default: "")
        case .openTelemetry: .prefix
        }
    }

    private var meaning: String {
        switch self {
        case .databaseURL: "`postgres://user:password@host:port/database[?sslmode=...&sslrootcert=...]`: the service's own database"
        case .kafkaBootstrapServers: "Kafka brokers, `host:port[,host:port...]`"
        case .adminToken: "the operators' break-glass bearer token for `/admin/*`, allowed everything (at least 16 characters)"
        case .jwtSecret:
            "HS256 secret of signed admin tokens (role and unit scope; `kepu token` issues them), at least 32 characters; unset: only the static token"
        case .httpHost: "HTTP listen address"
        case .httpPort: "HTTP port (booking 8081, outreach-events 8082, volunteer 8083, content-supply 8084, metrics 8085)"
        case .logLevel: "log level of the JSON log lines"
        case .databasePoolSize: "maximum PostgreSQL connections"
        case .consumerBatchSize: "records per consumer batch (one transaction)"
        case .consumerBatchWait: "how long a poll waits for a first record (a batch is what has arrived: it is not waited on to fill)"
        case .consumerConcurrency:
            "consumers per handler in one replica, each a group member with partitions and transactions of its own (like that many replicas)"
        case .consumerDedupeWindow:
            "records per partition whose event ids an offset-keeping consumer (metrics) remembers, so an event sent twice upstream counts once (0: off)"
        case .outboxRelay: "run the outbox relay in this replica"
        case .outboxPoll: "relay polling fallback (LISTEN/NOTIFY wakes it sooner)"
        case .outboxBatchSize: "outbox rows published per round"
        case .replicaId:
            "a name the replica keeps across restarts (1-64 of `A-Za-z0-9._-`): its consumers become static group members (`group.instance.id`)"
        case .inboxRetentionDays: "days consumed event ids and remembered request ids are kept (at least the input topics' retention)"
        case .contactRetentionDays:
            "days contact details are kept after their purpose ended (booking: the session's end), then erased; the rest of the row stays"
        case .kafkaProperties:
            "any librdkafka property for all of the service's clients: `KEPU_KAFKA_PROP_SECURITY_PROTOCOL=SASL_SSL` sets `security.protocol`"
        case .otlpEndpoint:
            "an OpenTelemetry collector's OTLP/HTTP address (`http://otel-collector:4318`): set, the service exports its spans there (tracing across the bus); unset, tracing is off"
        case .openTelemetry:
            "the OpenTelemetry SDK's standard variables, read by swift-otel when tracing is on: `OTEL_EXPORTER_OTLP_PROTOCOL` (http/protobuf, http/json), `OTEL_TRACES_SAMPLER`, `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_RESOURCE_ATTRIBUTES`, ..."
        }
    }
}
