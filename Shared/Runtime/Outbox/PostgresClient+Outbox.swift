import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in one transaction and writes the events it emits to the outbox before the commit: a change
    /// made outside a consumer (an admin request, a timed round) is published if and only if it committed.
    public func withOutboxTransaction<Result: Sendable>(
        logger: Logger, _ body: (HandlerTransaction) async throws -> Result
    ) async throws -> Result {
        let (result, committed) = try await withTransaction(logger: logger) { connection in
            let transaction = HandlerTransaction(connection: connection, logger: logger)
            let result = try await body(transaction)
            try await Outbox.append(transaction.emitted, on: connection, logger: logger)
            return (result, transaction.committed)
        }
        for body in committed { body() }
        return result
    }
}
