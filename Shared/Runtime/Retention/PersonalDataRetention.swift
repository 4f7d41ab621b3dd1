import Logging
import PostgresNIO

/// Contact details a service keeps for a purpose, and when that purpose ends. Past the end plus
/// `KEPU_CONTACT_RETENTION_DAYS`, the runtime erases them (sets their columns to NULL) in one replica, in bounded
/// rounds, and keeps the rest of each row: a booking and its numbers stay, its roster line loses the name and phone.
///
/// PIPL asks for storage no longer than the purpose needs; the purpose is declared here, beside the columns, so a
/// new table of contact details is one more entry, not one more task. Each purpose row (a session) is marked once
/// its details are erased, so a round reads only purposes still holding details (the marker's partial index), never
/// the history of rows erased before.
public struct PersonalDataRetention: Sendable, Hashable {
    /// The rows whose end ends the purpose (a booking's contact details serve its session's roster).
    public struct Purpose: Sendable, Hashable {
        /// SQL identifiers and expressions, from code (never from input).
        public let table: String
        /// Its primary key (text).
        public let key: String
        /// When the purpose ends: a timestamptz expression over the table's columns.
        public let endsAt: String
        /// A nullable timestamptz column set when the details were erased.
        public let erasedAt: String

        public init(table: StaticString, key: StaticString, endsAt: StaticString, erasedAt: StaticString) {
            self.table = "\(table)"
            self.key = "\(key)"
            self.endsAt = "\(endsAt)"
            self.erasedAt = "\(erasedAt)"
        }
    }

    /// Where the details are: a table whose rows name their purpose row.
    public struct Details: Sendable, Hashable {
        public let table: String
        /// The column holding the purpose row's key.
        public let purposeKey: String
        public let columns: [String]

        public init(table: StaticString, purposeKey: StaticString, columns: [StaticString]) {
            self.table = "\(table)"
            self.purposeKey = "\(purposeKey)"
            self.columns = columns.map { "\($0)" }
        }
    }

    public let name: String
    public let purpose: Purpose
    public let details: [Details]

    public init(name: String, purpose: Purpose, details: [Details]) {
        self.name = name
        self.purpose = purpose
        self.details = details
    }

    /// Purposes erased per round.
    static let purposesPerRound = 200

    /// The purposes that ended `days` ago or more and still hold details, oldest first; `SKIP LOCKED`, so a row a
    /// handler holds waits for the next round instead of blocking either side.
    public func duePurposes(retentionDays days: Int) -> PostgresQuery {
        """
        SELECT \(unescaped: purpose.key) FROM \(unescaped: purpose.table)
        WHERE \(unescaped: purpose.erasedAt) IS NULL AND \(unescaped: purpose.endsAt) < now() - make_interval(days => \(days)::int)
        ORDER BY \(unescaped: purpose.endsAt) LIMIT \(Self.purposesPerRound) FOR UPDATE SKIP LOCKED
        """
    }

    /// One round: erases the details of up to `purposesPerRound` purposes and marks them; returns how many.
    func eraseRound(retentionDays days: Int, connection: PostgresConnection, logger: Logger) async throws -> Int {
        var keys: [String] = []
        for try await key in try await connection.query(duePurposes(retentionDays: days), logger: logger).decode(String.self) { keys.append(key) }
        guard !keys.isEmpty else { return 0 }
        var rows = 0
        for table in details {
            let set = table.columns.map { "\($0) = NULL" }.joined(separator: ", ")
            let held = table.columns.map { "\($0) IS NOT NULL" }.joined(separator: " OR ")
            let erased = try await connection.query(
                """
                WITH erased AS (
                    UPDATE \(unescaped: table.table) SET \(unescaped: set)
                    WHERE \(unescaped: table.purposeKey) = ANY(\(keys)) AND (\(unescaped: held)) RETURNING 1)
                SELECT count(*)::int FROM erased
                """, logger: logger
            ).collect()
            rows += try erased.first?.decode(Int.self) ?? 0
        }
        try await connection.query(
            "UPDATE \(unescaped: purpose.table) SET \(unescaped: purpose.erasedAt) = now() WHERE \(unescaped: purpose.key) = ANY(\(keys))",
            logger: logger)
        logger.info("contact details erased", metadata: ["retention": "\(name)", "purposes": "\(keys.count)", "rows": "\(rows)"])
        return keys.count
    }

    /// The task erasing every entry's expired details, every 10 minutes (and at once while there is more), in one
    /// replica.
    static func task(_ entries: [PersonalDataRetention], context: RuntimeContext) -> SingleReplicaTask {
        let days = context.configuration.contactRetentionDays
        return SingleReplicaTask(
            name: "contact-details retention", lockKey: SingleReplicaTask.lockKey(named: "kepu.runtime.contact-retention"), interval: .seconds(600),
            client: context.client, logger: context.logger
        ) { transaction in
            var handled = 0
            for entry in entries {
                handled += try await entry.eraseRound(retentionDays: days, connection: transaction.connection, logger: transaction.logger)
            }
            return handled
        }
    }
}
