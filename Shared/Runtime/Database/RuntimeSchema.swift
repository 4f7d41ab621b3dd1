/// The runtime's own tables, in every service's database: the outbox (eventuate-tram's `message`) and the inbox
/// (`received_messages`, keyed by consumer and message id), the consumed offsets of consumers that keep them with
/// their results (`consumer_offsets`), and how far the outbox relay has published (`outbox_relay_progress`).
enum RuntimeSchema {
    static let component = "kepu.runtime"

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "outbox and inbox",
            statements: [
                """
                CREATE TABLE outbox_message (
                    id bigserial PRIMARY KEY,
                    event_id text NOT NULL UNIQUE,
                    topic text NOT NULL,
                    message_key text NOT NULL,
                    event_type text NOT NULL,
                    event_source text NOT NULL,
                    event_time timestamptz NOT NULL,
                    subject text,
                    payload text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    published_at timestamptz
                )
                """,
                "CREATE INDEX outbox_message_unpublished ON outbox_message (id) WHERE published_at IS NULL",
                """
                CREATE TABLE received_messages (
                    consumer_id text NOT NULL,
                    message_id text NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (consumer_id, message_id)
                )
                """,
            ]),
        Migration(
            version: 2, name: "consumer offsets",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS consumer_offsets (
                    consumer_id text NOT NULL,
                    topic text NOT NULL,
                    partition integer NOT NULL,
                    next_offset bigint NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (consumer_id, topic, partition)
                )
                """
            ]),
        // The relay's progress is one row, not a mark on every published row: a mark was an update of each row (a
        // new row version and new index entries, then vacuum), as costly as the insert itself. Outbox ids are in
        // commit order (`Outbox.append`), so "published through id N" says it all. Nothing looks rows up by event
        // id, so its unique index goes too (ids are random UUIDs; every append paid for the index).
        Migration(
            version: 3, name: "outbox relay progress",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS outbox_relay_progress (
                    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                    published_through bigint NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                // Every row below the first unpublished one was published (ids are in commit order).
                """
                INSERT INTO outbox_relay_progress (published_through)
                SELECT COALESCE((SELECT min(id) - 1 FROM outbox_message WHERE published_at IS NULL), (SELECT max(id) FROM outbox_message), 0)
                ON CONFLICT DO NOTHING
                """,
                "ALTER TABLE outbox_message DROP COLUMN IF EXISTS published_at",
                "ALTER TABLE outbox_message DROP CONSTRAINT IF EXISTS outbox_message_event_id_key",
                // For operators and tests: what the relay has yet to publish.
                """
                CREATE OR REPLACE VIEW outbox_unpublished AS
                SELECT m.* FROM outbox_message m WHERE m.id > (SELECT published_through FROM outbox_relay_progress)
                """,
            ]),
        // Rows Kafka refused for good (too large, unknown topic), copied here by the relay as it moves past them, so
        // the relay never stalls on one and operators can see (and replay) them; pruning leaves this table alone.
        Migration(
            version: 4, name: "outbox parked",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS outbox_parked (
                    id bigint PRIMARY KEY,
                    event_id text NOT NULL,
                    topic text NOT NULL,
                    message_key text NOT NULL,
                    event_type text NOT NULL,
                    event_source text NOT NULL,
                    event_time timestamptz NOT NULL,
                    subject text,
                    payload text NOT NULL,
                    error text NOT NULL,
                    parked_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]),
        // CloudEvents identity is source + id: two senders may use one id. Rows from before keep the empty source
        // (the insert also looks for those until retention has pruned them). `received_at` is indexed for pruning.
        Migration(
            version: 5, name: "inbox by source and id",
            statements: [
                "ALTER TABLE received_messages ADD COLUMN IF NOT EXISTS message_source text NOT NULL DEFAULT ''",
                "ALTER TABLE received_messages DROP CONSTRAINT IF EXISTS received_messages_pkey",
                "ALTER TABLE received_messages ADD PRIMARY KEY (consumer_id, message_source, message_id)",
                "CREATE INDEX IF NOT EXISTS received_messages_received_at ON received_messages (received_at)",
            ]),
        // The crash-loop guard's markers (see `InFlightMarker`): per consumer and partition, the offsets in flight.
        Migration(
            version: 6, name: "in-flight markers",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS consumer_in_flight (
                    consumer_id text NOT NULL,
                    topic text NOT NULL,
                    partition integer NOT NULL,
                    from_offset bigint NOT NULL,
                    through_offset bigint NOT NULL,
                    previous_done boolean NOT NULL,
                    alone boolean NOT NULL,
                    deaths integer NOT NULL DEFAULT 0,
                    lone_killer bigint,
                    marked_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (consumer_id, topic, partition)
                )
                """
            ]),
        // How far each `PersonalDataRetention` has erased, as a keyset position over its purposes' ends: a round
        // reads only purposes that ended since, through the index the purpose table has on its end anyway.
        Migration(
            version: 7, name: "personal-data erasure positions",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS personal_data_erasure (
                    name text PRIMARY KEY,
                    erased_through timestamptz NOT NULL,
                    last_key text NOT NULL
                )
                """
            ]),
        // The inbox's age index as BRIN: every consumed event inserts a row, in time order, and pruning reads old page
        // ranges; a BRIN insert costs a summary update where a b-tree insert descended the tree.
        Migration(
            version: 8, name: "inbox pruned through a BRIN index",
            statements: [
                "DROP INDEX IF EXISTS received_messages_received_at",
                "CREATE INDEX IF NOT EXISTS received_messages_received_brin ON received_messages USING brin (received_at)",
            ]),
        // Every admin write, who made it and with what answer (`AdminAudit`); kept, never pruned.
        Migration(
            version: 9, name: "the admin audit log",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS admin_audit (
                    id bigserial PRIMARY KEY,
                    at timestamptz NOT NULL DEFAULT now(),
                    subject text NOT NULL,
                    role text NOT NULL,
                    scope text NOT NULL,
                    method text NOT NULL,
                    path text NOT NULL,
                    status integer NOT NULL
                )
                """
            ]),
        // The trace context a row was written in (`BusTracing`), published with it. Nullable, no default: adding them
        // rewrites nothing, and replicas of the release before (which do not name them) keep appending.
        Migration(
            version: 10, name: "outbox trace context",
            statements: [
                "ALTER TABLE outbox_message ADD COLUMN IF NOT EXISTS trace_parent text, ADD COLUMN IF NOT EXISTS trace_state text",
                "ALTER TABLE outbox_parked ADD COLUMN IF NOT EXISTS trace_parent text, ADD COLUMN IF NOT EXISTS trace_state text",
            ]),
    ]
}
