import PostgresNIO

/// Records a batch's events in the inbox (`received_messages`, keyed by consumer, source and id); returns the
/// (source, id) pairs that were not there yet.
///
/// Rows written before the inbox knew sources have an empty source: while a consumer has any (it looks once, at
/// start), it uses `InboxInsertBesideLegacy`, which counts an id found there as seen too; once retention has pruned
/// them, the next start drops that probe (an index lookup per event).
///
/// A prepared statement, like every statement a batch runs: an unnamed one is parsed and planned again at every
/// execution, which for the few-statement transactions of a batch was a fifth of the server's time per batch.
struct InboxInsert: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO received_messages (consumer_id, message_source, message_id)
        SELECT $1, m.source, m.id FROM unnest($2::text[], $3::text[]) AS m(source, id)
        ON CONFLICT DO NOTHING RETURNING message_source, message_id
        """
    typealias Row = (String, String)

    let consumerId: String
    let sources: [String]
    let ids: [String]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(consumerId)
        bindings.append(sources)
        bindings.append(ids)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// `InboxInsert`, also dropping ids recorded before the inbox knew sources (with an empty source).
struct InboxInsertBesideLegacy: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO received_messages (consumer_id, message_source, message_id)
        SELECT $1, m.source, m.id FROM unnest($2::text[], $3::text[]) AS m(source, id)
        WHERE NOT EXISTS (SELECT 1 FROM received_messages r WHERE r.consumer_id = $1 AND r.message_source = '' AND r.message_id = m.id)
        ON CONFLICT DO NOTHING RETURNING message_source, message_id
        """
    typealias Row = (String, String)

    let insert: InboxInsert

    func makeBindings() -> PostgresBindings { insert.makeBindings() }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
