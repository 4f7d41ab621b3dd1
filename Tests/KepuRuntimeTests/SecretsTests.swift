import Foundation
import KepuRuntime
import KepuTestSupport
import KepuTooling
import PostgresNIO
import Testing

/// Credentials and the servers' own words stay inside: `/admin/config` masks every credential-like property, and the
/// public readiness answer names a failing check without quoting the database.
@Suite("Secrets and internals", .serialized, .startsServiceProcesses)
struct SecretsTests {
    @Test("librdkafka's sensitive properties and anything named like a credential are masked; the rest is shown")
    func maskedSettings() {
        for name in [
            "ssl.key.pem", "ssl.key.password", "sasl.username", "sasl.password", "sasl.oauthbearer.client.secret", "ssl_key",
            "ssl.keystore.password", "sasl.jaas.config", "some.future.token", "SSL.KEY.PEM",
        ] {
            #expect(SensitiveSettings.isSensitive(name), "\(name)")
        }
        for name in ["fetch.wait.max.ms", "security.protocol", "ssl.ca.location", "client.id", "linger.ms"] {
            #expect(!SensitiveSettings.isSensitive(name), "\(name)")
        }
        #expect(SensitiveSettings.masked(["sasl.password": "hunter2", "linger.ms": "5"]) == ["sasl.password": "***", "linger.ms": "5"])
    }

    @Test("/admin/config masks a PEM key and SASL credentials; a failing database is 'failing' in public and explained in the log")
    func configAndReadiness() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let pem = "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY-----"
        let service = try ServiceProcess(
            database: database, bootstrap: cluster.bootstrapServers,
            extra: [
                "KEPU_KAFKA_PROP_SSL_KEY_PEM": pem, "KEPU_KAFKA_PROP_SASL_USERNAME": "kepu-booking-user",
                "KEPU_KAFKA_PROP_SSL_KEY_PASSWORD": "hunter2-key-password", "KEPU_KAFKA_PROP_LINGER_MS": "7",
            ])
        try await eventually("ready") { await service.get("/health/ready")?.status == 200 }
        let config = try #require(
            await httpGet(port: service.httpPort, path: "/admin/config", headers: ["Authorization": "Bearer \(ServiceProcess.adminToken)"]))
        #expect(config.status == 200)
        for secret in ["PRIVATE KEY", "kepu-booking-user", "hunter2", ServiceProcess.adminToken] {
            #expect(!config.body.contains(secret), "\(secret) shown in \(config.body)")
        }
        #expect(config.body.contains(#""ssl.key.pem":"***""#) && config.body.contains(#""linger.ms":"7""#), "\(config.body)")

        // The database goes away under the running service.
        try await TestPostgres.withClient(try TestPostgres.settings()) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE \(database.database) WITH (FORCE)"))
        }
        var answer: (status: Int, body: String)?
        try await eventually("not ready") {
            answer = await service.get("/health/ready")
            return answer?.status == 503
        }
        let body = try #require(answer).body
        #expect(body.contains(#""database":"failing""#), "\(body)")
        #expect(!body.contains(database.database) && !body.contains("does not exist") && !body.contains("PSQLError"), "\(body)")
        _ = await service.get("/health/ready")
        try await eventually("the reason is logged") { service.log.contains("readiness check failing") }
        let logged = service.log.split(separator: "\n").filter { $0.contains("readiness check failing") && $0.contains("database") }
        #expect(logged.count == 1, "a failure is logged once, not per probe: \(logged.count)")
        _ = await service.terminate()
    }
}
