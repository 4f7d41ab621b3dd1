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
        // The activity menu, its orders and events, campaigns and the mobile science museum. pg_trgm indexes the
        // menu's Chinese text (trigrams of characters, so a two-character query still matches by ILIKE); btree_gist
        // lets one exclusion constraint keep an exhibit kit in one place at a time.
        Migration(
            version: 3, name: "menu, orders, events, campaigns, tours",
            statements: [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE EXTENSION IF NOT EXISTS btree_gist",
                """
                CREATE TABLE theme (
                    code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,63}$'),
                    name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 200)
                )
                """,
                """
                INSERT INTO theme (code, name) VALUES
                    ('youth_science', '青少年科普'), ('health', '健康科普'), ('practical_technology', '实用技术'),
                    ('rumour_debunking', '科学辟谣'), ('anti_pseudoscience', '反伪科学'), ('scientist_spirit', '科学家精神'),
                    ('emergency_safety', '应急安全'), ('ecology', '生态环保'), ('digital_literacy', '数字素养'),
                    ('general_science', '综合科普')
                """,
                """
                CREATE TABLE provider (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    kind text NOT NULL CHECK (kind IN ('lecturer', 'science_base', 'museum', 'association')),
                    name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 200),
                    site_id text REFERENCES network_site (id),
                    districts text[] NOT NULL,
                    active boolean NOT NULL DEFAULT true,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE programme (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    title text NOT NULL CHECK (octet_length(title) BETWEEN 1 AND 200),
                    description text NOT NULL DEFAULT '' CHECK (octet_length(description) <= 2000),
                    theme text NOT NULL REFERENCES theme (code),
                    format text NOT NULL CHECK (format IN ('lecture', 'visit', 'exhibition', 'workshop', 'reading')),
                    audiences text[] NOT NULL,
                    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 10080),
                    capacity_min integer NOT NULL CHECK (capacity_min >= 1),
                    capacity_max integer NOT NULL CHECK (capacity_max BETWEEN capacity_min AND 100000),
                    requirements text NOT NULL DEFAULT '' CHECK (octet_length(requirements) <= 2000),
                    provider_id text NOT NULL REFERENCES provider (id),
                    districts text[] NOT NULL,
                    active boolean NOT NULL DEFAULT true,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                // Without a pending list: the menu is written rarely and searched often, and a search would otherwise
                // scan the list's entries (the planner then prefers a scan of the table).
                "CREATE INDEX programme_text ON programme USING gin ((title || ' ' || description) gin_trgm_ops) WITH (fastupdate = off)",
                "CREATE INDEX programme_by_theme ON programme (theme, id) WHERE active",
                "CREATE INDEX programme_by_district ON programme USING gin (districts)",
                "CREATE INDEX programme_by_provider ON programme (provider_id, id)",
                """
                CREATE TABLE campaign (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 200),
                    from_day date NOT NULL,
                    until_day date NOT NULL,
                    themes text[] NOT NULL,
                    CHECK (from_day <= until_day)
                )
                """,
                // The two national campaigns, each year: 全国科技活动周 in May (its third and fourth weeks; the
                // city moves the days when they are announced) and 全国科普日暨深圳科普月 in September.
                """
                INSERT INTO campaign (id, name, from_day, until_day, themes)
                SELECT 'tech-week-' || y, '全国科技活动周 ' || y, make_date(y, 5, 15), make_date(y, 5, 31),
                       ARRAY['youth_science', 'health', 'practical_technology', 'rumour_debunking', 'anti_pseudoscience']
                FROM generate_series(2025, 2035) AS y
                UNION ALL
                SELECT 'science-day-' || y, '全国科普日暨深圳科普月 ' || y, make_date(y, 9, 1), make_date(y, 9, 30),
                       ARRAY['youth_science', 'health', 'practical_technology', 'rumour_debunking', 'anti_pseudoscience', 'scientist_spirit']
                FROM generate_series(2025, 2035) AS y
                """,
                """
                CREATE TABLE activity_event (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    status text NOT NULL CHECK (status IN ('draft', 'published', 'held', 'reported', 'cancelled')),
                    title text NOT NULL CHECK (octet_length(title) BETWEEN 1 AND 200),
                    site_id text NOT NULL REFERENCES network_site (id),
                    theme text NOT NULL REFERENCES theme (code),
                    format text NOT NULL CHECK (format IN ('lecture', 'visit', 'exhibition', 'workshop', 'reading')),
                    programme_id text REFERENCES programme (id),
                    provider_id text REFERENCES provider (id),
                    order_id text,
                    pairing_id text REFERENCES pairing (id),
                    campaigns text[] NOT NULL DEFAULT '{}',
                    starts_at timestamptz NOT NULL,
                    ends_at timestamptz NOT NULL,
                    capacity integer CHECK (capacity BETWEEN 1 AND 100000),
                    booking_opens_at timestamptz,
                    booking_closes_at timestamptz,
                    max_seats_per_request integer,
                    group_min integer,
                    group_max integer,
                    cost_fen bigint CHECK (cost_fen BETWEEN 0 AND 10000000000),
                    checked_in integer NOT NULL DEFAULT 0 CHECK (checked_in >= 0),
                    walk_ins integer,
                    duration_minutes integer,
                    report text,
                    cancellation_reason text,
                    volunteers_needed integer,
                    volunteer_skills text[],
                    volunteers_from timestamptz,
                    volunteers_until timestamptz,
                    tour_id text,
                    kit_id text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    CHECK (ends_at > starts_at)
                )
                """,
                "CREATE INDEX activity_event_by_site ON activity_event (site_id, starts_at)",
                "CREATE INDEX activity_event_by_campaign ON activity_event USING gin (campaigns)",
                """
                CREATE TABLE event_rating (
                    event_id text NOT NULL REFERENCES activity_event (id),
                    resident_id text NOT NULL CHECK (octet_length(resident_id) BETWEEN 1 AND 128),
                    score integer NOT NULL CHECK (score BETWEEN 1 AND 5),
                    comment text,
                    at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (event_id, resident_id)
                )
                """,
                """
                CREATE TABLE activity_order (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    site_id text NOT NULL REFERENCES network_site (id),
                    programme_id text NOT NULL REFERENCES programme (id),
                    provider_id text REFERENCES provider (id),
                    from_day date NOT NULL,
                    until_day date NOT NULL,
                    expected_audience integer NOT NULL CHECK (expected_audience BETWEEN 1 AND 100000),
                    note text,
                    status text NOT NULL
                        CHECK (status IN ('placed', 'dispatched', 'open', 'accepted', 'held', 'reported', 'reviewed', 'closed', 'cancelled')),
                    event_id text REFERENCES activity_event (id),
                    deadline_at timestamptz,
                    overdue_raised boolean NOT NULL DEFAULT false,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    CHECK (from_day <= until_day)
                )
                """,
                "CREATE INDEX activity_order_due ON activity_order (deadline_at) WHERE NOT overdue_raised",
                "CREATE INDEX activity_order_by_event ON activity_order (event_id)",
                """
                CREATE TABLE order_step (
                    order_id text NOT NULL REFERENCES activity_order (id),
                    seq integer NOT NULL,
                    status text NOT NULL,
                    step text NOT NULL,
                    actor text NOT NULL,
                    actor_role text NOT NULL,
                    at timestamptz NOT NULL DEFAULT now(),
                    reason text,
                    PRIMARY KEY (order_id, seq)
                )
                """,
                """
                CREATE TABLE exhibit_kit (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 200),
                    setup_minutes integer NOT NULL CHECK (setup_minutes BETWEEN 0 AND 10080),
                    teardown_minutes integer NOT NULL CHECK (teardown_minutes BETWEEN 0 AND 10080),
                    active boolean NOT NULL DEFAULT true
                )
                """,
                // A kit holds `occupied` from its travel and set-up before the stop until its tear-down after it;
                // the constraint refuses any two holds of one kit that overlap, whoever writes them.
                """
                CREATE TABLE tour_stop (
                    event_id text PRIMARY KEY REFERENCES activity_event (id),
                    tour_id text NOT NULL CHECK (octet_length(tour_id) BETWEEN 1 AND 128),
                    kit_id text NOT NULL REFERENCES exhibit_kit (id),
                    district_id text NOT NULL,
                    travel_minutes integer NOT NULL CHECK (travel_minutes >= 0),
                    occupied tstzrange NOT NULL,
                    cancelled boolean NOT NULL DEFAULT false,
                    CONSTRAINT kit_in_one_place EXCLUDE USING gist (kit_id WITH =, occupied WITH &&) WHERE (NOT cancelled)
                )
                """,
                "CREATE INDEX tour_stop_by_tour ON tour_stop (tour_id)",
            ]),
        // How long an exhibit kit's truck takes between two districts, where the city has said (else the settings'
        // same-district and across-districts times).
        Migration(
            version: 4, name: "travel times between districts",
            statements: [
                """
                CREATE TABLE district_travel (
                    from_district text NOT NULL CHECK (octet_length(from_district) BETWEEN 1 AND 128),
                    to_district text NOT NULL CHECK (octet_length(to_district) BETWEEN 1 AND 128),
                    minutes integer NOT NULL CHECK (minutes BETWEEN 0 AND 1440),
                    PRIMARY KEY (from_district, to_district)
                )
                """
            ]),
        // What volunteer answers to an event's volunteer needs (`event-staffed`, `shortfall-raised`).
        Migration(
            version: 5, name: "events' volunteer staffing",
            statements: [
                """
                CREATE TABLE event_staffing (
                    event_id text PRIMARY KEY REFERENCES activity_event (id),
                    needed integer NOT NULL,
                    accepted integer NOT NULL,
                    offered integer NOT NULL,
                    short integer NOT NULL,
                    shortfall_raised_at timestamptz,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]),
        // The young people (青少年) among those who came, as the site counted them when it held the event (NULL: not
        // counted), for the youth share the district scoring sheet asks for.
        Migration(version: 6, name: "events' youth count", statements: ["ALTER TABLE activity_event ADD COLUMN IF NOT EXISTS youth integer"]),
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
