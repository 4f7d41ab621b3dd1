import Foundation
import KepuRuntime
import KepuTooling
import Logging
import PostgresNIO

/// A throwaway PostgreSQL server for one benchmark run (Debian's binaries via `infra/scripts/postgres.sh`), and
/// the `pgbench` baseline run against it.
struct BenchPostgres {
    let directory: URL
    let port: Int
    let repository: URL

    var server: DatabaseSettings { DatabaseSettings(host: "127.0.0.1", port: port, username: "postgres", database: "postgres") }

    static func start() async throws -> BenchPostgres {
        let repository = try findRepository()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kepu-bench-pg-\(UUID().uuidString.prefix(8))")
        let postgres = BenchPostgres(directory: directory, port: freePort(), repository: repository)
        try await postgres.script(["start", directory.path, String(postgres.port)])
        return postgres
    }

    func stop() async {
        try? await script(["stop", directory.path])
        for leftover in [directory, directory.appendingPathExtension("log"), directory.appendingPathExtension("pgbench.log")] {
            try? FileManager.default.removeItem(at: leftover)
        }
    }

    /// Runs `infra/scripts/postgres.sh`, its output to a file beside the data folder.
    private func script(_ arguments: [String]) async throws {
        _ = try await Self.run(
            repository.appendingPathComponent("infra/scripts/postgres.sh").path, arguments, log: directory.appendingPathExtension("log"))
    }

    /// Creates a database; `name` is the benchmark's own constant (identifiers cannot be bound as parameters).
    func createDatabase(_ name: String) async throws -> DatabaseSettings {
        try await withClient(server) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        return server.with(database: name)
    }

    func withClient<T: Sendable>(_ settings: DatabaseSettings, _ body: (PostgresClient) async throws -> T) async throws -> T {
        let database = Database(settings: settings, poolSize: 4, logger: Logger(label: "kepu.bench.pg", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            return try await body(database.client)
        }
    }

    /// The booking-shaped baseline: per booking an inbox insert, a conditional capacity update, a booking insert and
    /// an outbox insert, `perTransaction` bookings per transaction, `clients` connections for `seconds`.
    /// Returns bookings per second.
    func pgbenchBookings(database: DatabaseSettings, sessions: Int, perTransaction: Int, clients: Int, seconds: Int) async throws -> Double {
        // Each client books its own share of the sessions, as each booking partition does: random order across
        // clients would deadlock, which the service avoids by locking a batch's sessions in id order.
        let perClient = max(1, sessions / clients)
        try await withClient(database) { client in
            for statement in [
                "CREATE TABLE received_messages (consumer_id text NOT NULL, message_id text NOT NULL, PRIMARY KEY (consumer_id, message_id))",
                "CREATE TABLE session (id text PRIMARY KEY, capacity integer NOT NULL, confirmed_seats integer NOT NULL DEFAULT 0, CHECK (confirmed_seats <= capacity))",
                """
                CREATE TABLE booking (id text PRIMARY KEY, session_id text NOT NULL REFERENCES session (id), request_id text NOT NULL UNIQUE,
                    resident_id text, seats integer NOT NULL, status text NOT NULL, check_in_code text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())
                """,
                """
                CREATE TABLE outbox_message (id bigserial PRIMARY KEY, event_id text NOT NULL, topic text NOT NULL, message_key text NOT NULL,
                    event_type text NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())
                """,
            ] {
                try await client.query(PostgresQuery(unsafeSQL: statement))
            }
            try await client.query(
                "INSERT INTO session (id, capacity) SELECT 's' || g, 1000000000 FROM generate_series(1, \(perClient * clients + perClient)) g")
        }
        var script = "BEGIN;\n"
        for _ in 0..<perTransaction {
            script += """
                \\set s random(1, \(perClient)) + :client_id * \(perClient)
                INSERT INTO received_messages VALUES ('booking.requests', gen_random_uuid()::text);
                UPDATE session SET confirmed_seats = confirmed_seats + 1 WHERE id = 's' || :s AND confirmed_seats + 1 <= capacity;
                INSERT INTO booking (id, session_id, request_id, resident_id, seats, status, check_in_code) VALUES (gen_random_uuid()::text, 's' || :s, gen_random_uuid()::text, 'r-' || :s, 1, 'confirmed', 'ABC234');
                INSERT INTO outbox_message (event_id, topic, message_key, event_type, payload) VALUES (gen_random_uuid()::text, 'kepu.booking.events.v1', 's' || :s, 'kepu.booking.confirmed.v1', '{"requestId":"x","bookingId":"y","sessionId":"s","seats":1}');

                """
        }
        script += "COMMIT;\n"
        let scriptFile = directory.deletingLastPathComponent().appendingPathComponent("kepu-bench-\(UUID().uuidString.prefix(8)).sql")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptFile) }
        let output = try await Self.run(
            "/usr/bin/pgbench",
            // Prepared statements: pgbench's fastest protocol, so the baseline is the strongest this script gives.
            [
                "-n", "-M", "prepared", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-c", String(clients), "-j", String(min(clients, 2)),
                "-T", String(seconds),
                "-f", scriptFile.path, database.database,
            ],
            log: directory.appendingPathExtension("pgbench.log"))
        // "tps = 123.456789 (without initial connection time)"
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst("tps = ".count).prefix { $0 != " " })
        else { throw BenchError("pgbench printed no tps:\n\(output)") }
        return tps * Double(perTransaction)
    }

    /// Runs a program to completion with its output in `log`; returns the output, or throws with it.
    static func run(_ executable: String, _ arguments: [String], log: URL) async throws -> String {
        try? FileManager.default.removeItem(at: log)
        let status = try await ChildProcess.spawn(executable, arguments, environment: ProcessInfo.processInfo.environment, output: log.path).wait()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard status == .exited(0) else { throw BenchError("\(executable) \(arguments.joined(separator: " ")) ended \(status): \(output)") }
        return output
    }

    /// The checkout (where `Package.swift` is), from the working directory up: the benchmark runs from the repository.
    static func findRepository() throws -> URL {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("infra/scripts/postgres.sh").path) { return directory }
            directory.deleteLastPathComponent()
        }
        throw BenchError("run kepu-bench from the repository (infra/scripts/postgres.sh not found above \(FileManager.default.currentDirectoryPath))")
    }
}
