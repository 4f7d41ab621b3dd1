import Logging
import PostgresNIO

/// Deletes what a service remembered of its input past the retention (`KEPU_INBOX_RETENTION_DAYS`): the inbox's
/// rows and the service's `RetainedTable`s. The retention is at least the input topics' own (checked at start),
/// so a record Kafka could still deliver again is still recognised. Bounded rounds, so a large backlog is pruned
/// in steps that never hold many locks.
enum InboxRetention {
    static let rowsPerRound = 10_000

    static func task(tables: [RetainedTable], context: RuntimeContext) -> SingleReplicaTask {
        let days = context.configuration.inboxRetentionDays ?? 3650
        let all = [RetainedTable(table: "received_messages", timeColumn: "received_at")] + tables
        return SingleReplicaTask(
            name: "kepu.runtime.input-retention", interval: .seconds(600),
            client: context.client, logger: context.logger
        ) { transaction in
            var deleted = 0
            for table in all {
                let rows = try await transaction.connection.query(
                    """
                    WITH gone AS (
                        DELETE FROM \(unescaped: "\(table.table)") WHERE ctid IN (
                            SELECT ctid FROM \(unescaped: "\(table.table)")
                            WHERE \(unescaped: "\(table.timeColumn)") < now() - make_interval(days => \(days)::int) LIMIT \(rowsPerRound))
                        RETURNING 1)
                    SELECT count(*)::int FROM gone
                    """, logger: transaction.logger
                ).collect()
                deleted += try rows.first?.decode(Int.self) ?? 0
            }
            return deleted
        }
    }
}
