import KepuRuntime
import KepuTestSupport
import Testing

@Suite("Configuration", .startsServiceProcesses)
struct ConfigurationTests {
    @Test("every missing and malformed setting is reported in one error")
    func allProblemsAtOnce() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try RuntimeConfiguration.load(
                service: .booking,
                environment: ["KEPU_HTTP_PORT": "eighty", "KEPU_CONSUMER_BATCH_SIZE": "0", "KEPU_OUTBOX_RELAY": "maybe", "KEPU_LOG_LEVEL": "loud"])
        }
        let problems = try #require(error).problems.joined(separator: "\n")
        for name in [
            "KEPU_DATABASE_URL", "KEPU_KAFKA_BOOTSTRAP_SERVERS", "KEPU_ADMIN_TOKEN", "KEPU_HTTP_PORT", "KEPU_CONSUMER_BATCH_SIZE",
            "KEPU_OUTBOX_RELAY", "KEPU_LOG_LEVEL",
        ] {
            #expect(problems.contains(name), "\(name) should be reported")
        }
        #expect(error?.problems.count == 7)
    }

    @Test("a malformed database URL and a short admin token are reported")
    func malformedValues() {
        let error = #expect(throws: ConfigurationError.self) {
            try RuntimeConfiguration.load(
                service: .booking,
                environment: ["KEPU_DATABASE_URL": "mysql://x/y", "KEPU_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092", "KEPU_ADMIN_TOKEN": "short"])
        }
        #expect(error?.problems.count == 2)
        #expect(error?.description.contains("KEPU_DATABASE_URL is malformed") == true)
        #expect(error?.description.contains("KEPU_ADMIN_TOKEN must be at least 16") == true)
    }

    @Test("a valid environment gives typed settings, with librdkafka properties passed through")
    func valid() throws {
        let configuration = try RuntimeConfiguration.load(
            service: .metrics,
            environment: [
                "KEPU_DATABASE_URL": "postgres://kepu:s3cret@db.internal:6543/kepu_metrics",
                "KEPU_KAFKA_BOOTSTRAP_SERVERS": "k1:9092,k2:9092", "KEPU_ADMIN_TOKEN": "0123456789abcdef",
                "KEPU_KAFKA_PROP_SECURITY_PROTOCOL": "SASL_SSL",
            ])
        #expect(
            configuration.database
                == DatabaseSettings(host: "db.internal", port: 6543, username: "kepu", password: "s3cret", database: "kepu_metrics"))
        #expect(configuration.httpPort == 8085)
        #expect(configuration.kafkaProperties == ["security.protocol": "SASL_SSL"])
        #expect(configuration.producerConfiguration()["security.protocol"] == "SASL_SSL")
        #expect(configuration.producerConfiguration()["linger.ms"] == "0", "the service's producer does not linger")
        #expect(configuration.consumerConcurrency == 1)
        let lingering = try RuntimeConfiguration.load(
            service: .booking,
            environment: [
                "KEPU_DATABASE_URL": "postgres://kepu@db/kepu_booking", "KEPU_KAFKA_BOOTSTRAP_SERVERS": "k1:9092",
                "KEPU_ADMIN_TOKEN": "0123456789abcdef",
                "KEPU_KAFKA_PROP_LINGER_MS": "20", "KEPU_CONSUMER_CONCURRENCY": "3",
            ])
        #expect(lingering.producerConfiguration()["linger.ms"] == "20", "an operator's linger wins")
        #expect(lingering.consumerConcurrency == 3)
        let requests = configuration.consumerConfiguration(group: "metrics.requests")
        let fold = configuration.consumerConfiguration(group: "metrics.fold", bulkBatchSize: 20_000)
        #expect(requests["queued.min.messages"] == nil && requests["queued.max.messages.kbytes"] == nil, "librdkafka's defaults")
        #expect(fold["queued.min.messages"] == "200000" && fold["queued.max.messages.kbytes"] == "262144", "a bulk fold prefetches ten batches")
        let tuned = try RuntimeConfiguration.load(
            service: .booking,
            environment: [
                "KEPU_DATABASE_URL": "postgres://kepu@db/kepu_booking", "KEPU_KAFKA_BOOTSTRAP_SERVERS": "k1:9092",
                "KEPU_ADMIN_TOKEN": "0123456789abcdef", "KEPU_KAFKA_PROP_QUEUED_MIN_MESSAGES": "5000",
            ])
        #expect(tuned.consumerConfiguration(group: "g", bulkBatchSize: 20_000)["queued.min.messages"] == "5000", "an operator's setting wins")
        #expect(configuration.database.redacted.contains("s3cret") == false)
    }

    @Test("a service started without configuration exits with the list of problems")
    func processReportsProblems() async throws {
        let fixture = try ServiceProcess(
            database: DatabaseSettings(host: "x", username: "x", database: "x"), bootstrap: "", replaceEnvironment: ["PATH": "/usr/bin:/bin"])
        let status = await fixture.waitForExit()
        #expect(status == 78)
        for name in ["KEPU_DATABASE_URL", "KEPU_KAFKA_BOOTSTRAP_SERVERS", "KEPU_ADMIN_TOKEN"] {
            #expect(fixture.log.contains(name), "\(name) missing from: \(fixture.log)")
        }
    }
}
