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
            ]),
        // The organisation, pairings and applications. Contact details (staff's, an applicant's) sit in nullable
        // columns the runtime erases after their purpose ended (`contactDetails`).
        Migration(
            version: 2, name: "staff, pairings, applications",
            statements: [
                """
                CREATE TABLE staff (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    role text NOT NULL CHECK (role IN ('head', 'dedicated', 'liaison')),
                    place_id text NOT NULL,
                    name text,
                    phone text,
                    since date NOT NULL,
                    until date,
                    released_at timestamptz,
                    CHECK (until IS NULL OR until >= since)
                )
                """,
                "CREATE INDEX staff_by_place ON staff (place_id, id)",
                """
                CREATE TABLE pairing (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    base_id text NOT NULL REFERENCES network_site (id),
                    partner_id text NOT NULL REFERENCES network_site (id),
                    from_day date NOT NULL,
                    until_day date NOT NULL,
                    activities_per_quarter integer NOT NULL CHECK (activities_per_quarter BETWEEN 0 AND 1000),
                    visits_per_quarter integer NOT NULL CHECK (visits_per_quarter BETWEEN 0 AND 1000),
                    status text NOT NULL CHECK (status IN ('active', 'ended')),
                    CHECK (until_day >= from_day)
                )
                """,
                // A base and a partner are paired once at a time.
                "CREATE UNIQUE INDEX pairing_active_once ON pairing (base_id, partner_id) WHERE status = 'active'",
                """
                CREATE TABLE application (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    site_name text NOT NULL CHECK (octet_length(site_name) BETWEEN 1 AND 200),
                    unit_id text NOT NULL REFERENCES network_unit (id),
                    address text NOT NULL DEFAULT '',
                    description text NOT NULL DEFAULT '',
                    contact_name text,
                    contact_phone text,
                    status text NOT NULL
                        CHECK (status IN ('submitted', 'reviewed', 'inspection_scheduled', 'inspected', 'approved', 'rejected', 'expired')),
                    inspection_day date,
                    practice_point_id text,
                    valid_until date,
                    submitted_at timestamptz NOT NULL DEFAULT now(),
                    closed_at timestamptz
                )
                """,
                "CREATE INDEX application_due ON application (valid_until) WHERE status = 'approved'",
                """
                CREATE TABLE application_step (
                    application_id text NOT NULL REFERENCES application (id),
                    seq integer NOT NULL,
                    status text NOT NULL,
                    actor text NOT NULL,
                    actor_role text NOT NULL,
                    at timestamptz NOT NULL DEFAULT now(),
                    comment text,
                    PRIMARY KEY (application_id, seq)
                )
                """,
            ]),
    ]

    /// Staff contact details serve while they work for the place; an applicant's while the application is open.
    static let contactDetails = [
        PersonalDataRetention(
            name: "outreach.staff", purpose: .init(table: "staff", key: "id", endsAt: "released_at"),
            details: [.init(table: "staff", purposeKey: "id", columns: ["name", "phone"])]),
        PersonalDataRetention(
            name: "outreach.applicant", purpose: .init(table: "application", key: "id", endsAt: "closed_at"),
            details: [.init(table: "application", purposeKey: "id", columns: ["contact_name", "contact_phone"])]),
    ]
}
