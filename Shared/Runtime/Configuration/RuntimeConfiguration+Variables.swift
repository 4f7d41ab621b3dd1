/// Every environment variable a service reads, for the README's table and for checking deployment files.
extension RuntimeConfiguration {
    public struct Variable: Sendable, Hashable {
        public let name: String
        /// nil when the variable is required.
        public let defaultValue: String?
        public let meaning: String
    }

    public static let variables: [Variable] = [
        Variable(name: "KEPU_DATABASE_URL", defaultValue: nil, meaning: "`postgres://user:password@host:port/database[?sslmode=...&sslrootcert=...]`: the service's own database"),
        Variable(name: "KEPU_KAFKA_BOOTSTRAP_SERVERS", defaultValue: nil, meaning: "Kafka brokers, `host:port[,host:port...]`"),
        Variable(name: "KEPU_ADMIN_TOKEN", defaultValue: nil, meaning: "bearer token for `/admin/*` (at least 16 characters)"),
        Variable(name: "KEPU_HTTP_HOST", defaultValue: "0.0.0.0", meaning: "HTTP listen address"),
        Variable(name: "KEPU_HTTP_PORT", defaultValue: "8081-8085", meaning: "HTTP port (booking 8081, outreach-events 8082, volunteer 8083, content-supply 8084, metrics 8085)"),
        Variable(name: "KEPU_LOG_LEVEL", defaultValue: "info", meaning: "trace, debug, info, notice, warning, error, critical"),
        Variable(name: "KEPU_DATABASE_POOL_SIZE", defaultValue: "10", meaning: "maximum PostgreSQL connections"),
        Variable(name: "KEPU_CONSUMER_BATCH_SIZE", defaultValue: "500", meaning: "records per consumer batch (one transaction)"),
        Variable(name: "KEPU_CONSUMER_BATCH_WAIT_MS", defaultValue: "20", meaning: "how long a poll waits for a first record (a batch is what has arrived: it is not waited on to fill)"),
        Variable(
            name: "KEPU_CONSUMER_CONCURRENCY", defaultValue: "1",
            meaning: "consumers per handler in one replica, each a group member with partitions and transactions of its own (like that many replicas)"),
        Variable(
            name: "KEPU_CONSUMER_DEDUPE_WINDOW", defaultValue: "20000",
            meaning: "records per partition whose event ids an offset-keeping consumer (metrics) remembers, so an event sent twice upstream counts once (0: off)"),
        Variable(name: "KEPU_OUTBOX_RELAY", defaultValue: "true", meaning: "run the outbox relay in this replica"),
        Variable(name: "KEPU_OUTBOX_POLL_MS", defaultValue: "1000", meaning: "relay polling fallback (LISTEN/NOTIFY wakes it sooner)"),
        Variable(name: "KEPU_OUTBOX_BATCH_SIZE", defaultValue: "1000", meaning: "outbox rows published per round"),
        Variable(
            name: "KEPU_REPLICA_ID", defaultValue: "",
            meaning: "a name the replica keeps across restarts: its consumers become static group members (`group.instance.id`)"),
        Variable(
            name: "KEPU_INBOX_RETENTION_DAYS", defaultValue: "",
            meaning: "days consumed event ids and remembered request ids are kept (default: the input topics' longest retention + 1)"),
        Variable(
            name: "KEPU_CONTACT_RETENTION_DAYS", defaultValue: "30",
            meaning: "days contact details are kept after their purpose ended (booking: the session's end), then erased; the rest of the row stays"),
        Variable(name: "KEPU_KAFKA_PROP_*", defaultValue: "", meaning: "any librdkafka property for all of the service's clients: `KEPU_KAFKA_PROP_SECURITY_PROTOCOL=SASL_SSL` sets `security.protocol`"),
    ]

    /// Whether `name` is a variable services read.
    public static func isKnownVariable(_ name: String) -> Bool {
        name.hasPrefix("KEPU_KAFKA_PROP_") || variables.contains { $0.name == name }
    }
}
