import Foundation
import Logging
import PostgresNIO

/// Contact details a service keeps for a purpose, and when that purpose ends. Past the end plus
/// `KEPU_CONTACT_RETENTION_DAYS`, the runtime erases them (sets their columns to NULL) in one replica, in bounded
/// rounds, and keeps the rest of each row: a booking and its numbers stay, its roster line loses the name and phone.
///
/// PIPL asks for storage no longer than the purpose needs; the purpose is declared here, beside the columns, so a
/// new table of contact details is one more entry, not one more task. The erasure walks the purposes in order of
/// their end and remembers how far it got (`personal_data_erasure`), so a round reads only what ended since, and
/// the purpose table gets no column or index of its own to keep (a session row is updated with every booking).
public struct PersonalDataRetention: Sendable, Hashable {
    /// The rows whose end ends the purpose (a booking's contact details serve its session's roster).
    public struct Purpose: Sendable, Hashable {
        /// SQL identifiers and expressions, from code (never from input).
        public let table: String
        /// Its primary key (text).
        public let key: String
        /// When the purpose ends: a timestamptz expression over the table's columns (indexed where the table is large).
        public let endsAt: String

        public init(table: StaticString, key: StaticString, endsAt: StaticString) {
            self.table = "\(table)"
            self.key = "\(key)"
            self.endsAt = "\(endsAt)"
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

    /// Names the erasure's position; unique within the service.
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

    /// The next purposes past the position (`erased_through`, `last_key`) that ended `days` ago or more, in order
    /// of their end and key.
    public func duePurposes(after position: (endedAt: Date, key: String), retentionDays days: Int) -> PostgresQuery {
        """
        SELECT \(unescaped: purpose.key), \(unescaped: purpose.endsAt) FROM \(unescaped: purpose.table)
        WHERE \(unescaped: purpose.endsAt) >= \(position.endedAt) AND \(unescaped: purpose.endsAt) < now() - make_interval(days => \(days)::int)
          AND (\(unescaped: purpose.endsAt) > \(position.endedAt) OR \(unescaped: purpose.key) > \(position.key))
        ORDER BY \(unescaped: purpose.endsAt), \(unescaped: purpose.key) LIMIT \(Self.purposesPerRound)
        """
    }

    /// One round: erases the details of up to `purposesPerRound` purposes and moves the position past them;
    /// returns how many purposes it passed.
    func eraseRound(retentionDays days: Int, connection: PostgresConnection, logger: Logger) async throws -> Int {
        // The walk starts before any purpose this suite can hold (a finite date: it is bound again as a Date).
        try await connection.query(
            """
            INSERT INTO personal_data_erasure (name, erased_through, last_key) VALUES (\(name), '2000-01-01T00:00:00Z', '')
            ON CONFLICT (name) DO NOTHING
            """, logger: logger)
        guard
            let position = try await connection.query(
                "SELECT erased_through, last_key FROM personal_data_erasure WHERE name = \(name) FOR UPDATE", logger: logger
            ).collect().first?.decode((Date, String).self)
        else { return 0 }
        var due: [(key: String, endedAt: Date)] = []
        for try await row in try await connection.query(duePurposes(after: (position.0, position.1), retentionDays: days), logger: logger)
            .decode((String, Date).self)
        {
            due.append(row)
        }
        guard let last = due.last else { return 0 }
        let keys = due.map(\.key)
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
            "UPDATE personal_data_erasure SET erased_through = \(last.endedAt), last_key = \(last.key) WHERE name = \(name)", logger: logger)
        logger.info("contact details erased", metadata: ["retention": "\(name)", "purposes": "\(keys.count)", "rows": "\(rows)"])
        return keys.count
    }

    /// The task erasing every entry's expired details, every 10 minutes (and at once while there is more), in one
    /// replica.
    static func task(_ entries: [PersonalDataRetention], context: RuntimeContext) -> SingleReplicaTask {
        let days = context.configuration.contactRetentionDays
        return SingleReplicaTask(
            name: "kepu.runtime.contact-retention", interval: .seconds(600),
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
