import KepuContracts
import KepuDomain
import KepuKafka
import Logging
import PostgresNIO
import ServiceLifecycle

/// What makes a service itself: its name, its schema, its handlers and its HTTP routes. Everything else
/// (configuration, logging, database, outbox relay, consumer runners, health and metrics) is `ServiceMain`'s.
public struct ServiceDefinition: Sendable {
    public var name: ServiceName
    public var migrations: [Migration]
    public var handlers: [HandlerRegistration]
    public var routes: HTTPRoutes
    /// Other long-running work (timers and the like), started after migrations.
    public var background: [@Sendable (RuntimeContext) -> any Service]
    /// Tables that remember input for deduplication, pruned with the inbox (see `RetainedTable`).
    public var retainedTables: [RetainedTable]
    /// Contact details the service keeps, and when their purpose ends (see `PersonalDataRetention`).
    public var personalData: [PersonalDataRetention]
    /// The service's own settings (`KEPU_<SERVICE>_*`), beside the runtime's (`RuntimeSetting`): documented and
    /// known to the deployment checks.
    public var settings: [SettingDeclaration]

    public init(
        name: ServiceName, migrations: [Migration] = [], handlers: [HandlerRegistration] = [], routes: HTTPRoutes = HTTPRoutes(),
        background: [@Sendable (RuntimeContext) -> any Service] = [], retainedTables: [RetainedTable] = [],
        personalData: [PersonalDataRetention] = [], settings: [SettingDeclaration] = []
    ) {
        self.name = name
        self.migrations = migrations
        self.handlers = handlers
        self.routes = routes
        self.background = background
        self.retainedTables = retainedTables
        self.personalData = personalData
        self.settings = settings
    }
}

/// What a handler or a background job gets from the runtime.
public struct RuntimeContext: Sendable {
    public let configuration: RuntimeConfiguration
    public let client: PostgresClient
    public let producer: KafkaProducer
    public let metrics: ServiceMetrics
    public let logger: Logger
    public let hooks: RunnerHooks
    /// Batches this replica committed that continued a trace (empty unless tracing is on): see `TracedCommits`.
    public let tracedCommits: TracedCommits
    let readiness: ReadinessChecks
}

/// A handler, with its type erased so a service can list several.
extension ServiceDefinition {
    /// Every topic the service's handlers consume (the topic registry's `readers` must say the same).
    public var consumedTopics: Set<String> { Set(handlers.flatMap(\.topics)) }

    /// Each handler's consumer group (`<service>.<handler>`) and its topics: what KEDA measures the lag of.
    public var consumerGroups: [(group: String, topics: [String])] { handlers.map { ("\(name.rawValue).\($0.name)", $0.topics) } }
}

public struct HandlerRegistration: Sendable {
    let makeRunners: @Sendable (RuntimeContext) throws -> [any Service]
    /// The topics the handler consumes (their retention bounds the inbox's).
    let topics: [String]
    /// The handler's name (its consumer group is `<service>.<name>`).
    let name: String

    /// `KEPU_CONSUMER_CONCURRENCY` runners of `handler`, each with a consumer of its own in the handler's group: to
    /// Kafka and the database they are so many replicas (partitions are split among them, each applies its own
    /// batches in its own transactions), so what keeps replicas correct keeps them correct.
    public init<Handler: EventHandler>(_ handler: Handler) {
        topics = handler.topics
        name = handler.name
        makeRunners = { context in
            let service = context.configuration.service.rawValue
            let consumerId = "\(service).\(handler.name)"
            let concurrency = context.configuration.consumerConcurrency
            return try (1...concurrency).map { member in
                var logger = context.logger
                logger[metadataKey: "handler"] = "\(handler.name)"
                // Which of this replica's consumers logged (their partitions are logged as they are assigned).
                if concurrency > 1 { logger[metadataKey: "consumer"] = "\(member)" }
                let recentEvents: RecentEventIDs? =
                    switch Handler.deliveryTracking {
                    case .inbox: nil
                    case .offsets: RecentEventIDs(capacity: context.configuration.consumerDedupeWindow)
                    }
                let startingOffsets: StartingOffsets? = recentEvents.map {
                    ConsumerOffsets.startingOffsets(client: context.client, consumer: consumerId, recentEvents: $0, logger: logger)
                }
                let consumer = try KafkaConsumer(
                    configuration: context.configuration.consumerConfiguration(
                        group: consumerId, member: "\(handler.name)-\(member)", bulkBatchSize: handler.batchSize),
                    startingOffsets: startingOffsets, logger: logger)
                context.readiness.track(consumer)
                return ConsumerRunner(
                    handler: handler, consumer: consumer, producer: context.producer, client: context.client, consumerId: consumerId,
                    deadLetterTopic: Topics.deadLetter(context.configuration.service).name,
                    batchSize: handler.batchSize ?? context.configuration.consumerBatchSize,
                    batchWait: .milliseconds(context.configuration.consumerBatchWaitMilliseconds), metrics: context.metrics,
                    recentEvents: recentEvents, tracedCommits: context.tracedCommits, hooks: context.hooks, logger: logger)
            }
        }
    }
}
