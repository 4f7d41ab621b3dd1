import KepuRuntime

/// The metrics database: counters per (unit, period), one column per KPI, the sessions and units seen, reach sketches and alert
/// state. Consumed offsets live in the runtime's `consumer_offsets`, written in the same transaction as the
/// counters (exactly-once counting).
enum MetricsSchema {
    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "counters, sessions, units, sketches, alerts",
            statements: [
                """
                CREATE TABLE metric_unit (
                    unit_id text PRIMARY KEY,
                    parent_id text,
                    level text NOT NULL,
                    path text[] NOT NULL
                )
                """,
                "CREATE INDEX metric_unit_parent ON metric_unit (parent_id)",
                """
                CREATE TABLE metric_session (
                    session_id text PRIMARY KEY,
                    venue_id text NOT NULL,
                    venue_kind text NOT NULL,
                    unit_path text[] NOT NULL,
                    unit_id text NOT NULL,
                    day date NOT NULL,
                    title text NOT NULL DEFAULT '',
                    starts_at timestamptz NOT NULL,
                    capacity integer NOT NULL,
                    dedicated boolean NOT NULL DEFAULT false,
                    closed boolean NOT NULL DEFAULT false,
                    seats_booked bigint NOT NULL DEFAULT 0,
                    bookings_made bigint NOT NULL DEFAULT 0,
                    check_ins bigint NOT NULL DEFAULT 0,
                    no_shows bigint NOT NULL DEFAULT 0
                )
                """,
                "CREATE INDEX metric_session_unit_day ON metric_session (unit_id, day)",
                "CREATE INDEX metric_session_day ON metric_session (day)",
                // One row per unit and period, a column per count (`KPI.counts`): a batch updates a few hundred rows,
                // not one per KPI. `version` counts the batches that changed the row; the snapshot publisher catches up
                // `published_version` (coalesced by `published_at`). `changed`: a bit per count (in `KPI.counts` order)
                // changed since the last snapshot. `pending_since`: the upstream publish time of the oldest change no
                // snapshot carries yet, NULL when none is pending. Only the key is indexed here, so updates stay HOT
                // (but see migration 2).
                "CREATE TABLE kpi_counter (unit_id text NOT NULL, period_kind text NOT NULL, period_key text NOT NULL, "
                    + KPI.countsOfMigration1.map { "\($0) bigint NOT NULL DEFAULT 0, " }.joined()
                        + """
                        version bigint NOT NULL DEFAULT 1,
                        changed bigint NOT NULL DEFAULT 0,
                        published_version bigint NOT NULL DEFAULT 0,
                        pending_since timestamptz,
                        published_at timestamptz NOT NULL DEFAULT '-infinity',
                        PRIMARY KEY (unit_id, period_kind, period_key)
                        ) WITH (fillfactor = 70)
                        """,
                """
                CREATE TABLE reach_sketch (
                    unit_id text NOT NULL,
                    period_kind text NOT NULL,
                    period_key text NOT NULL,
                    registers bytea NOT NULL,
                    PRIMARY KEY (unit_id, period_kind, period_key)
                )
                """,
                """
                CREATE TABLE weak_spot_alert (
                    rule text NOT NULL,
                    unit_id text NOT NULL,
                    raised_at timestamptz NOT NULL,
                    resolved_at timestamptz,
                    value double precision NOT NULL,
                    threshold double precision NOT NULL,
                    detail text NOT NULL,
                    PRIMARY KEY (rule, unit_id, raised_at)
                )
                """,
                // At most one open alert per rule and unit: "raised once" is enforced by the database too.
                "CREATE UNIQUE INDEX weak_spot_alert_open ON weak_spot_alert (rule, unit_id) WHERE resolved_at IS NULL",
            ]),
        // The snapshot publisher looks for groups with changes not yet published, about ten times a second. Without
        // an index that read every row of `kpi_counter`, and the table keeps every day of every unit: at 1,000
        // units by one year of days (124 MB), a round took 118-157 ms to find 118 due groups; 0.9 ms through this
        // index. The price: a row's update is not HOT when it sets `pending_since` (the first change after a
        // snapshot) or clears it (the snapshot); the changes in between leave it alone and stay HOT.
        Migration(
            version: 2, name: "an index of the groups due for a snapshot",
            statements: [
                "CREATE INDEX IF NOT EXISTS kpi_counter_due ON kpi_counter (published_at) WHERE pending_since IS NOT NULL"
            ]),
        // The weak-spot rules sum every unit's days over their window (30 days) every 30 s. The key starts with the
        // unit, so that read every row of `kpi_counter`, every period of every unit for good: at 1,000 units by one
        // year (151 MB) 57-59 ms on three processes; 11-20 ms through this index. Its columns never change, so
        // updates that were HOT stay HOT.
        Migration(
            version: 3, name: "an index of the days, for the weak-spot window",
            statements: [
                "CREATE INDEX IF NOT EXISTS kpi_counter_day ON kpi_counter (period_key) WHERE period_kind = 'day'"
            ]),
        // The hierarchy, names and populations come from the registry (`kepu.network.units.v1`); sessions still
        // add the units they name (a venue booking made itself). Sites are units of level `site` under their unit,
        // so `no_recent_session` sees every active site, sessions or not.
        Migration(
            version: 4, name: "the practice-network registry",
            statements: [
                "ALTER TABLE metric_unit ADD COLUMN IF NOT EXISTS name text",
                "ALTER TABLE metric_unit ADD COLUMN IF NOT EXISTS population integer CHECK (population >= 0)",
                "ALTER TABLE metric_unit ADD COLUMN IF NOT EXISTS in_registry boolean NOT NULL DEFAULT false",
                """
                CREATE TABLE IF NOT EXISTS metric_site (
                    site_id text PRIMARY KEY,
                    kind text NOT NULL,
                    unit_id text NOT NULL,
                    active boolean NOT NULL,
                    joined date NOT NULL
                )
                """,
                "CREATE INDEX IF NOT EXISTS metric_session_venue_day ON metric_session (venue_id, day)",
            ]),
        // Staff per place, from `kepu.outreach.events.v1` (no contact details arrive): staffing coverage.
        Migration(
            version: 5, name: "staff per place",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS metric_staff (
                    staff_id text PRIMARY KEY,
                    place_id text NOT NULL,
                    role text NOT NULL,
                    active boolean NOT NULL
                )
                """,
                "CREATE INDEX IF NOT EXISTS metric_staff_active_place ON metric_staff (place_id) WHERE active",
            ]),
        // The programme's lines from the other services: each activity, membership, hours record or unit's needs as
        // metrics last counted it (`CountedState`, JSON by kind and id), so that a newer report moves the counters by
        // the difference. Columns added with a constant default rewrite nothing (PostgreSQL 11+).
        Migration(
            version: 6, name: "the programme's lines: activities and volunteers",
            statements: (KPI.activityCounts + KPI.volunteerCounts).map {
                "ALTER TABLE kpi_counter ADD COLUMN IF NOT EXISTS \($0) bigint NOT NULL DEFAULT 0"
            } + [
                """
                CREATE TABLE IF NOT EXISTS metric_state (
                    kind text NOT NULL,
                    id text NOT NULL,
                    state jsonb NOT NULL,
                    PRIMARY KEY (kind, id)
                )
                """
            ]),
        Migration(
            version: 7, name: "the programme's lines: books and online works",
            statements: KPI.contentCounts.map { "ALTER TABLE kpi_counter ADD COLUMN IF NOT EXISTS \($0) bigint NOT NULL DEFAULT 0" }),
        Migration(
            version: 8, name: "the programme's lines: pairings, applications and orders",
            statements: KPI.organisationCounts.map { "ALTER TABLE kpi_counter ADD COLUMN IF NOT EXISTS \($0) bigint NOT NULL DEFAULT 0" }),
        Migration(
            version: 9, name: "targets, with the default set",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS kpi_target (
                    target_id text PRIMARY KEY,
                    kpi text NOT NULL,
                    per_residents integer CHECK (per_residents > 0),
                    level text NOT NULL,
                    site_kind text,
                    period_kind text NOT NULL,
                    scope text,
                    minimum double precision NOT NULL CHECK (minimum >= 0),
                    note text NOT NULL DEFAULT '',
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ] + KPITarget.defaultsOfMigration9.map(Self.insertDefault)),
        Migration(
            version: 10, name: "budgets",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS unit_budget (
                    unit_id text NOT NULL,
                    period_kind text NOT NULL,
                    period_key text NOT NULL,
                    amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (unit_id, period_kind, period_key)
                )
                """
            ]),
        Migration(
            version: 11, name: "volunteers' hours and star levels, for nominations",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS volunteer_tally (
                    volunteer_id text NOT NULL,
                    period_kind text NOT NULL,
                    period_key text NOT NULL,
                    verified_minutes bigint NOT NULL,
                    unit_path text[],
                    PRIMARY KEY (volunteer_id, period_kind, period_key)
                )
                """,
                // The nominations read a period's volunteers by their minutes, most first.
                "CREATE INDEX IF NOT EXISTS volunteer_tally_period ON volunteer_tally (period_kind, period_key, verified_minutes DESC)",
                """
                CREATE TABLE IF NOT EXISTS volunteer_star (
                    volunteer_id text PRIMARY KEY,
                    level integer NOT NULL CHECK (level BETWEEN 1 AND 5),
                    unit_path text[]
                )
                """,
            ]),
        Migration(
            version: 12, name: "the registry's pilot districts",
            statements: ["ALTER TABLE metric_unit ADD COLUMN IF NOT EXISTS pilot_since date"]),
        Migration(
            version: 13, name: "activities by theme, and pairings' activities per quarter",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS activity_theme_tally (
                    unit_id text NOT NULL,
                    period_kind text NOT NULL,
                    period_key text NOT NULL,
                    theme text NOT NULL,
                    activities bigint NOT NULL,
                    campaign_activities bigint NOT NULL,
                    participants bigint NOT NULL,
                    PRIMARY KEY (unit_id, period_kind, period_key, theme)
                )
                """,
                """
                CREATE TABLE IF NOT EXISTS pairing_quarter (
                    pairing_id text NOT NULL,
                    quarter text NOT NULL,
                    activities bigint NOT NULL,
                    visits bigint NOT NULL,
                    PRIMARY KEY (pairing_id, quarter)
                )
                """,
            ]),
        // Sites already known are counted at their next registry or staff event (or by a rebuild from the topics).
        Migration(
            version: 14, name: "staffing coverage",
            statements: KPI.staffingCounts.map { "ALTER TABLE kpi_counter ADD COLUMN IF NOT EXISTS \($0) bigint NOT NULL DEFAULT 0" }),
        // The sheet's fourth line, now that outreach counts young people when an event is held.
        Migration(
            version: 15, name: "youth participants, and the youth share's default target",
            statements: KPI.youthCounts.map { "ALTER TABLE kpi_counter ADD COLUMN IF NOT EXISTS \($0) bigint NOT NULL DEFAULT 0" }
                + KPITarget.defaultsOfMigration15.map(Self.insertDefault)),
        // A reach sketch (4 KiB) is rewritten, and compressed, by every batch that reaches someone new in its group:
        // pglz was a few percent of the whole fold, lz4 costs a fraction of it. A server built without lz4 keeps pglz.
        Migration(
            version: 16, name: "reach sketches compressed with lz4",
            statements: [
                """
                DO $$ BEGIN
                    ALTER TABLE reach_sketch ALTER COLUMN registers SET COMPRESSION lz4;
                EXCEPTION WHEN feature_not_supported THEN NULL;
                END $$
                """
            ]),
    ]

    /// The default targets as migrations 9 and 15 write them (constants of the code, dollar-quoted: never input). A later
    /// change to the defaults belongs in a migration of its own.
    private static func insertDefault(_ target: KPITarget) -> String {
        func text(_ value: String?) -> String { value.map { "$kepu$\($0)$kepu$" } ?? "NULL" }
        return """
            INSERT INTO kpi_target (target_id, kpi, per_residents, level, site_kind, period_kind, scope, minimum, note)
            VALUES (\(text(target.id)), \(text(target.measure.name)), \(target.measure.perResidents.map(String.init) ?? "NULL"), \(text(target.level.rawValue)),
                    \(text(target.siteKind?.rawValue)), \(text(target.periodKind.rawValue)), \(text(target.scope)), \(target.minimum), \(text(target.note)))
            ON CONFLICT (target_id) DO NOTHING
            """
    }
}
