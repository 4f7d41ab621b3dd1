import Foundation
import KepuContracts
import KepuKafka
import Logging
import PostgresNIO
import ServiceLifecycle

/// Starts a service: reads configuration (exiting with every problem listed), logs JSON lines, migrates the
/// database under an advisory lock, then runs the database pool, producer, outbox relay, consumer runners and HTTP
/// server in one `ServiceGroup` until SIGTERM/SIGINT. Shutdown runs in reverse: consumers finish their batch, HTTP
/// stops, the relay publishes what was committed, the producer flushes, the pool closes; exit code 0.
public enum ServiceMain {
    /// The whole of a service's `main.swift`: builds the definition from the process's environment (a configuration
    /// problem ends the process with every problem listed, exit code 78), runs it, and exits with its status.
    public static func main(_ definition: ([String: String]) throws(ConfigurationError) -> ServiceDefinition) async -> Never {
        let environment = ProcessInfo.processInfo.environment
        if CommandLine.arguments.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) {
            FileHandle.standardOutput.write(Data(help(definition).utf8))
            exit(0)
        }
        do {
            exit(await run(try definition(environment), environment: environment))
        } catch {
            let name = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "service"
            FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
            exit(78) // EX_CONFIG
        }
    }

    /// `--help`: what the service is configured by (every variable it reads, with its default and range).
    static func help(_ definition: ([String: String]) throws(ConfigurationError) -> ServiceDefinition) -> String {
        let name = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "service"
        let own = (try? definition([:]))?.settings ?? []
        var text = "\(name): a Kepu Classroom service. Configured by environment variables only (docs/operations.md):\n\n"
        for setting in RuntimeSetting.declarations + own {
            let range = setting.rangeText.isEmpty ? "" : " (\(setting.rangeText))"
            text += "  \(setting.name)  default \(setting.defaultText)\(range)\n      \(setting.meaning)\n"
        }
        return text
    }

    public static func run(
        _ definition: ServiceDefinition, environment: [String: String] = ProcessInfo.processInfo.environment,
        hooks: RunnerHooks = RunnerHooks()
    ) async -> Int32 {
        var configuration: RuntimeConfiguration
        do {
            configuration = try RuntimeConfiguration.load(service: definition.name, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("\(definition.name): \(error)\n".utf8))
            return 78 // EX_CONFIG
        }
        // The inbox must remember an event as long as Kafka may deliver it again.
        let inputRetention =
            definition.handlers.flatMap(\.topics).compactMap { name -> Int? in
                guard case .delete(let days) = Topics.all.first(where: { $0.name == name })?.cleanup else { return nil }
                return days
            }.max() ?? 0
        if let days = configuration.inboxRetentionDays, days < inputRetention {
            FileHandle.standardError.write(
                Data(
                    "\(definition.name): KEPU_INBOX_RETENTION_DAYS (\(days)) must be at least the input topics' retention (\(inputRetention) days)\n"
                        .utf8))
            return 78
        }
        configuration.inboxRetentionDays = configuration.inboxRetentionDays ?? inputRetention + 1
        JSONLogHandler.bootstrap(service: definition.name.rawValue, level: configuration.logLevel)
        let logger = Logger(label: "kepu.\(definition.name.rawValue)")
        do {
            try await run(definition, configuration: configuration, environment: environment, hooks: hooks, logger: logger)
            logger.info("stopped")
            return 0
        } catch {
            logger.critical("service failed", metadata: ["error": "\(error)"])
            return 1
        }
    }

    static func run(
        _ definition: ServiceDefinition, configuration: RuntimeConfiguration, environment: [String: String], hooks: RunnerHooks, logger: Logger
    ) async throws {
        logger.info(
            "starting",
            metadata: [
                "database": "\(configuration.database.redacted)", "kafka": "\(configuration.kafkaBootstrapServers)",
                "http": "\(configuration.httpHost):\(configuration.httpPort)",
            ])
        // Before anything that opens spans: the HTTP router adds its tracing middleware only when tracing is on.
        let tracing = try BusTracing.bootstrap(service: definition.name, environment: environment, logger: logger)
        let database = Database(settings: configuration.database, poolSize: configuration.databasePoolSize, logger: logger)
        let producer = try KafkaProducer(configuration: configuration.producerConfiguration(), logger: logger)
        let admin = try KafkaAdmin(
            configuration: KafkaConfiguration(bootstrapServers: configuration.kafkaBootstrapServers, properties: configuration.kafkaProperties),
            logger: logger)
        let metrics = ServiceMetrics()
        let readiness = ReadinessChecks(client: database.client, admin: admin, logger: logger)
        let context = RuntimeContext(
            configuration: configuration, client: database.client, producer: producer, metrics: metrics, logger: logger, hooks: hooks,
            tracedCommits: TracedCommits(), readiness: readiness)
        let authenticator = await AdminAuthenticator(staticToken: configuration.adminToken, jwtSecret: configuration.jwtSecret)
        let http = HTTPServer.make(
            configuration: configuration, metrics: metrics, readiness: readiness, routes: definition.routes, context: context,
            authenticator: authenticator, logger: logger)

        // Migrations run while the pool is up, before anything consumes or publishes.
        let migrate = OneShot(logger: logger) {
            try await migrateWithRetry(definition, client: database.client, logger: logger)
            readiness.markMigrated()
        }
        // The span exporter first: the group stops in reverse order, so it flushes the spans of the shutdown.
        var services: [any Service] = (tracing.map { [$0] } ?? []) + [database, migrate, producer, http]
        if configuration.outboxRelayEnabled {
            // After the migrations too: its statements are prepared once per connection, and PostgresNIO keeps a
            // failed preparation (a table not created yet) as that connection's answer for good. A group of its own,
            // before the workers': the group stops in reverse order, so the relay still publishes their last commits.
            let relay = OutboxRelay(
                client: database.client, producer: producer, metrics: metrics,
                pollInterval: .milliseconds(configuration.outboxPollMilliseconds), batchSize: configuration.outboxBatchSize,
                logger: logger)
            services.append(GatedServices(gate: migrate, services: [relay]))
        }
        var workers = try definition.handlers.flatMap { try $0.makeRunners(context) } + definition.background.map { $0(context) }
        if !definition.handlers.isEmpty || !definition.retainedTables.isEmpty {
            workers.append(InboxRetention.task(tables: definition.retainedTables, context: context))
        }
        if !definition.personalData.isEmpty {
            workers.append(PersonalDataRetention.task(definition.personalData, context: context))
        }
        services.append(GatedServices(gate: migrate, services: workers))
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0, successTerminationBehavior: .ignore, failureTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger)
        // Whatever a service waits for (a database or broker that is down), the process exits within the grace
        // period ops give it (Kubernetes: 30 s by default): what is not done by then is cancelled.
        groupConfiguration.maximumGracefulShutdownDuration = shutdownGrace
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: groupConfiguration).run()
    }

    /// How long a graceful shutdown may take before the rest is cancelled.
    static let shutdownGrace = Duration.seconds(20)

    /// Replicas may start before the database is reachable: retry connecting, not the migration's logic.
    static func migrateWithRetry(_ definition: ServiceDefinition, client: PostgresClient, logger: Logger) async throws {
        var attempt = 0
        while true {
            do {
                try await Migrator.migrateService(client, component: definition.name.rawValue, migrations: definition.migrations, logger: logger)
                return
            } catch  where TransientError.isTransient(error) && attempt < 60 {
                attempt += 1
                logger.warning("database not reachable for migrations; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
