import Foundation
import KepuRuntime
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

/// `sslmode` in `KEPU_DATABASE_URL`, against the test PostgreSQL, which infra/test.sh starts with `ssl=on` and
/// `hostssl`-only rules (plain TCP is rejected) and a throwaway CA.
@Suite("PostgreSQL over TLS")
struct DatabaseTLSTests {
    let logger = Logger(label: "tls-test")

    func connect(_ settings: DatabaseSettings) async throws -> PostgresConnection {
        let configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password, database: settings.database,
            tls: try Database.connectionTLS(settings.tls))
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    }

    func encrypted(_ connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger).collect()
        return try rows.first?.decode(Bool.self) ?? false
    }

    @Test("verify-full, require and prefer connect encrypted; disable is refused by the server's hostssl rules")
    func modes() async throws {
        let server = try TestPostgres.settings()
        guard case .verifyFull(let caFile?) = server.tls else {
            Issue.record("the test PostgreSQL must be reached with sslmode=verify-full and its CA (infra/test.sh sets it): \(server.redacted)")
            return
        }
        for mode: DatabaseSettings.TLSMode in [.verifyFull(caFile: caFile), .require, .prefer] {
            var settings = server
            settings.tls = mode
            let connection = try await connect(settings)
            #expect(try await encrypted(connection), "\(mode)")
            try await connection.close()
        }
        // The certificate names localhost as well as 127.0.0.1.
        var byName = server
        byName.host = "localhost"
        let named = try await connect(byName)
        #expect(try await encrypted(named))
        try await named.close()

        var plain = server
        plain.tls = .disable
        await #expect(throws: (any Error).self, "hostssl only: a plain connection is refused") { _ = try await connect(plain) }
    }

    @Test("verify-full refuses a server whose certificate another CA signed")
    func wrongAuthority() async throws {
        let server = try TestPostgres.settings()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kepu-ca-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let other = directory.appendingPathComponent("other-ca.crt").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=someone else",
            "-keyout", directory.appendingPathComponent("other-ca.key").path, "-out", other,
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl made a CA")
        var settings = server
        settings.tls = .verifyFull(caFile: other)
        await #expect(throws: (any Error).self) { _ = try await connect(settings) }
    }

    @Test("the URL's sslmode and sslrootcert are read strictly")
    func parsing() throws {
        let ca = #filePath
        #expect(try DatabaseSettings.parse("postgres://u@h/d").get().tls == .disable)
        #expect(try DatabaseSettings.parse("postgres://u@h/d?sslmode=require").get().tls == .require)
        #expect(try DatabaseSettings.parse("postgres://u@h/d?sslmode=prefer").get().tls == .prefer)
        #expect(try DatabaseSettings.parse("postgres://u@h/d?sslmode=verify-full").get().tls == .verifyFull(caFile: nil))
        #expect(try DatabaseSettings.parse("postgres://u@h/d?sslmode=verify-full&sslrootcert=\(ca)").get().tls == .verifyFull(caFile: ca))
        for bad in [
            "postgres://u@h/d?sslmode=allow", "postgres://u@h/d?sslmode=verify-ca", "postgres://u@h/d?sslrootcert=\(ca)",
            "postgres://u@h/d?sslmode=verify-full&sslrootcert=/no/such/ca.crt", "postgres://u@h/d?connect_timeout=3",
        ] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try DatabaseSettings.parse(bad).get() }
        }
        let settings = try DatabaseSettings.parse("postgres://u:secret@h:6543/d?sslmode=verify-full&sslrootcert=\(ca)").get()
        #expect(settings.redacted.contains("sslmode=verify-full") && !settings.redacted.contains("secret"))
        #expect(try DatabaseSettings.parse(settings.redacted).get().tls == settings.tls, "the redacted URL carries the TLS settings on")
        // A CA path with characters that mean something in a query survives being passed on to a child process.
        let odd = FileManager.default.temporaryDirectory.appendingPathComponent("kepu ca&b=c+d.crt").path
        _ = FileManager.default.createFile(atPath: odd, contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: odd) }
        let passedOn = try DatabaseSettings.parse(
            "postgres://u@h/d" + DatabaseSettings(host: "h", username: "u", database: "d", tls: .verifyFull(caFile: odd)).tlsParameters
        ).get()
        #expect(passedOn.tls == .verifyFull(caFile: odd))
    }
}
