/// The runtime's own tables, in every service's database: the outbox (eventuate-tram's `message`) and the inbox
/// (`received_messages`, keyed by consumer and message id), and the consumed offsets of consumers that keep them
/// with their results (`consumer_offsets`).
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
    ]
}
