import KepuRuntime

/// The outreach-events database. The registry keeps each unit's parent (its path is derived, and stored for
/// reads); units and sites share one id namespace, which every write keeps by taking the registry lock.
enum OutreachSchema {
    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "the practice-network registry",
            statements: [
                """
                CREATE TABLE network_unit (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    level text NOT NULL CHECK (level IN ('city', 'district', 'street', 'community')),
                    name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 200),
                    parent_id text REFERENCES network_unit (id),
                    path text[] NOT NULL,
                    population integer CHECK (population BETWEEN 0 AND 100000000),
                    population_estimated boolean NOT NULL DEFAULT false,
                    pilot_since date,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    CHECK ((level = 'city') = (parent_id IS NULL))
                )
                """,
                "CREATE INDEX network_unit_children ON network_unit (parent_id, id)",
                """
                CREATE TABLE network_site (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    kind text NOT NULL
                        CHECK (kind IN ('center', 'institute', 'station', 'practice_point', 'science_base', 'demonstration_site', 'museum')),
                    name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 200),
                    address text NOT NULL DEFAULT '' CHECK (octet_length(address) <= 500),
                    unit_id text NOT NULL REFERENCES network_unit (id),
                    status text NOT NULL CHECK (status IN ('active', 'retired')),
                    since date,
                    until date,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    CHECK (since IS NULL OR until IS NULL OR since <= until)
                )
                """,
                "CREATE INDEX network_site_by_unit ON network_site (unit_id, id)",
            ])
    ]
}
