import KepuRuntime
import KepuTestSupport
import Logging
import PostgresNIO
import Synchronization
import Testing

/// `HandlerTransaction.afterCommit`: in-memory state learns of a transaction's rows only once they are committed.
@Suite("After-commit work")
struct AfterCommitTests {
    final class Notes: Sendable {
        let names = Mutex<[String]>([])
        func add(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    @Test("runs once the transaction committed, and never for one that rolled back")
    func onlyAfterCommit() async throws {
        let database = try await TestPostgres.freshDatabase()
        let logger = Logger(label: "test.after-commit")
        let notes = Notes()
        try await TestPostgres.withClient(database) { client in
            try await client.query("CREATE TABLE things (id integer PRIMARY KEY)")
            try await client.withOutboxTransaction(logger: logger) { transaction in
                try await transaction.connection.query("INSERT INTO things VALUES (1)", logger: logger)
                transaction.afterCommit { notes.add("first") }
                #expect(notes.all.isEmpty, "not before the commit")
            }
            #expect(notes.all == ["first"])
            await #expect(throws: (any Error).self) {
                try await client.withOutboxTransaction(logger: logger) { transaction in
                    try await transaction.connection.query("INSERT INTO things VALUES (2)", logger: logger)
                    transaction.afterCommit { notes.add("second") }
                    // A repeated key: the transaction fails and rolls back.
                    try await transaction.connection.query("INSERT INTO things VALUES (1)", logger: logger)
                }
            }
        }
        #expect(notes.all == ["first"])
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM things") == 1)
    }

    @Test("never runs when the COMMIT itself fails (a deferred constraint), though the body succeeded")
    func notWhenCommitFails() async throws {
        let database = try await TestPostgres.freshDatabase()
        let logger = Logger(label: "test.after-commit")
        let notes = Notes()
        try await TestPostgres.withClient(database) { client in
            try await client.query("CREATE TABLE deferred_things (id integer, CONSTRAINT one_each UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)")
            try await client.query("INSERT INTO deferred_things VALUES (1)")
            let failure = await #expect(throws: PostgresTransactionError.self) {
                try await client.withOutboxTransaction(logger: logger) { transaction in
                    // Accepted here; the constraint is checked at COMMIT.
                    try await transaction.connection.query("INSERT INTO deferred_things VALUES (1)", logger: logger)
                    transaction.afterCommit { notes.add("after a failed commit") }
                }
            }
            #expect(failure?.commitError != nil, "the failure came at COMMIT: \(String(describing: failure))")
        }
        #expect(notes.all.isEmpty)
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM deferred_things") == 1)
    }
}
