import PostgresNIO

/// Records a batch's event ids in the inbox (`received_messages`, keyed by consumer and message id); returns the
/// ids that were not there yet.
///
/// A prepared statement, like every statement a batch runs: an unnamed one is parsed and planned again at every
/// execution, which for the few-statement transactions of a batch was a fifth of the server's time per batch.
struct InboxInsert: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO received_messages (consumer_id, message_id)
        SELECT $1, unnest($2::text[])
        ON CONFLICT DO NOTHING RETURNING message_id
        """
    typealias Row = String

    let consumerID: String
    let messageIDs: [String]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(consumerID)
        bindings.append(messageIDs)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}
