import KepuRuntime

/// The volunteer database: the corps (teams, volunteers, their qualifications), what it follows (the registry's
/// units and sites, outreach's programmes and events), needs surveys, assignments, service hours and certificates.
enum VolunteerSchema {
    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "the corps, needs, assignments, service hours, certificates",
            statements: [
                // btree_gist: an exclusion constraint over a volunteer's id (=) and their assignments' times (&&).
                "CREATE EXTENSION IF NOT EXISTS btree_gist",
                """
                CREATE TABLE network_unit (
                    id text PRIMARY KEY,
                    level text NOT NULL,
                    path text[] NOT NULL
                )
                """,
                """
                CREATE TABLE network_site (
                    id text PRIMARY KEY,
                    kind text NOT NULL,
                    unit_path text[] NOT NULL,
                    active boolean NOT NULL
                )
                """,
                // The skill taxonomy: the menu's themes and formats, and general skills; some need a qualification
                // valid on the day they are used.
                """
                CREATE TABLE skill (
                    code text PRIMARY KEY CHECK (octet_length(code) BETWEEN 1 AND 64),
                    kind text NOT NULL CHECK (kind IN ('theme', 'format', 'general')),
                    name text NOT NULL,
                    requires text CHECK (requires IN ('first_aid', 'teaching', 'lab_safety', 'child_safeguarding'))
                )
                """,
                """
                INSERT INTO skill (code, kind, name, requires) VALUES
                    ('youth_science', 'theme', '青少年科普', NULL), ('health', 'theme', '健康科普', NULL),
                    ('practical_technology', 'theme', '实用技术', NULL), ('rumour_debunking', 'theme', '科学辟谣', NULL),
                    ('anti_pseudoscience', 'theme', '反伪科学', NULL), ('scientist_spirit', 'theme', '科学家精神', NULL),
                    ('emergency_safety', 'theme', '应急安全', NULL), ('ecology', 'theme', '生态环保', NULL),
                    ('digital_literacy', 'theme', '数字素养', NULL), ('general_science', 'theme', '综合科普', NULL),
                    ('lecture', 'format', '授课', 'teaching'), ('visit', 'format', '研学讲解', NULL),
                    ('exhibition', 'format', '展览讲解', NULL), ('workshop', 'format', '动手工作坊', 'lab_safety'),
                    ('reading', 'format', '阅读推广', NULL),
                    ('first_aid_cover', 'general', '现场急救保障', 'first_aid'), ('child_care', 'general', '少儿看护', 'child_safeguarding'),
                    ('photography', 'general', '摄影记录', NULL), ('logistics', 'general', '后勤保障', NULL),
                    ('sign_language', 'general', '手语', NULL), ('device_support', 'general', '智能设备帮扶', NULL)
                """,
                """
                CREATE TABLE team (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 200),
                    unit_path text[] NOT NULL,
                    center_site_id text,
                    leader_volunteer_id text,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                // `available`: the weekly windows as minutes of the week (Monday 00:00 = 0, Shanghai time).
                // `name` and `phone` are contact details, erased after the volunteer left (`contactDetails`).
                """
                CREATE TABLE volunteer (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    resident_id text NOT NULL UNIQUE,
                    team_id text NOT NULL REFERENCES team (id),
                    role text NOT NULL CHECK (role IN ('volunteer', 'site_head')),
                    site_id text,
                    name text,
                    phone text,
                    skills text[] NOT NULL,
                    home_unit_id text NOT NULL,
                    home_path text[] NOT NULL,
                    serve_units text[] NOT NULL,
                    available int4multirange NOT NULL,
                    blackout date[] NOT NULL,
                    monthly_cap_minutes integer NOT NULL CHECK (monthly_cap_minutes BETWEEN 60 AND 18000),
                    verified_minutes bigint NOT NULL DEFAULT 0 CHECK (verified_minutes >= 0),
                    star_level smallint NOT NULL DEFAULT 0 CHECK (star_level BETWEEN 0 AND 5),
                    active boolean NOT NULL DEFAULT true,
                    registered_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    left_at timestamptz,
                    CHECK ((role = 'site_head') = (site_id IS NOT NULL))
                )
                """,
                // Matching filters by skills and the units served (both GIN), then checks each candidate.
                "CREATE INDEX volunteer_skills ON volunteer USING gin (skills) WITH (fastupdate = off)",
                "CREATE INDEX volunteer_serves ON volunteer USING gin (serve_units) WITH (fastupdate = off)",
                "CREATE INDEX volunteer_by_team ON volunteer (team_id, id)",
                "CREATE INDEX volunteer_site_heads ON volunteer (site_id) WHERE role = 'site_head' AND active",
                "CREATE INDEX volunteer_left ON volunteer (left_at) WHERE left_at IS NOT NULL",
                """
                CREATE TABLE qualification (
                    volunteer_id text NOT NULL REFERENCES volunteer (id) ON DELETE CASCADE,
                    kind text NOT NULL CHECK (kind IN ('first_aid', 'teaching', 'lab_safety', 'child_safeguarding')),
                    expires_on date NOT NULL,
                    PRIMARY KEY (volunteer_id, kind)
                )
                """,
                """
                CREATE TABLE programme (
                    id text PRIMARY KEY,
                    theme text NOT NULL,
                    audiences text[] NOT NULL,
                    districts text[] NOT NULL,
                    active boolean NOT NULL
                )
                """,
                "CREATE INDEX programme_by_theme ON programme (theme) WHERE active",
                // Outreach's events as this service needs them; `staffed_*` is what `event-staffed` last said.
                """
                CREATE TABLE activity_event (
                    id text PRIMARY KEY,
                    status text NOT NULL,
                    title text NOT NULL,
                    site_path text[] NOT NULL,
                    theme text NOT NULL,
                    starts_at timestamptz NOT NULL,
                    ends_at timestamptz NOT NULL,
                    needed integer NOT NULL DEFAULT 0 CHECK (needed BETWEEN 0 AND 1000),
                    skills text[] NOT NULL DEFAULT '{}',
                    need_from timestamptz,
                    need_until timestamptz,
                    staffed_accepted integer,
                    staffed_offered integer,
                    staffed_needed integer,
                    filled_at timestamptz,
                    shortfall_raised_at timestamptz,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX activity_event_staffing ON activity_event (starts_at) WHERE status = 'published' AND needed > 0",
                "CREATE INDEX activity_event_held ON activity_event (theme, starts_at) WHERE status IN ('held', 'reported')",
                // An offer or acceptance holds the volunteer's time: the exclusion constraint keeps two events from
                // taking one volunteer at once, whichever transactions race.
                """
                CREATE TABLE assignment (
                    id text PRIMARY KEY,
                    event_id text NOT NULL REFERENCES activity_event (id),
                    volunteer_id text NOT NULL REFERENCES volunteer (id),
                    status text NOT NULL CHECK (status IN ('offered', 'accepted', 'declined', 'expired', 'withdrawn', 'cancelled', 'served')),
                    during tstzrange NOT NULL CHECK (NOT isempty(during)),
                    offered_at timestamptz NOT NULL DEFAULT now(),
                    respond_by timestamptz,
                    answered_at timestamptz,
                    self_signed_up boolean NOT NULL DEFAULT false,
                    check_in timestamptz,
                    check_out timestamptz,
                    CONSTRAINT one_place_at_a_time EXCLUDE USING gist (volunteer_id WITH =, during WITH &&)
                        WHERE (status IN ('offered', 'accepted', 'served')),
                    UNIQUE (event_id, volunteer_id)
                )
                """,
                "CREATE INDEX assignment_open_offers ON assignment (respond_by) WHERE status = 'offered'",
                "CREATE INDEX assignment_by_volunteer ON assignment (volunteer_id, lower(during))",
                """
                CREATE TABLE service_hours (
                    event_id text NOT NULL,
                    volunteer_id text NOT NULL REFERENCES volunteer (id),
                    team_id text NOT NULL,
                    day date NOT NULL,
                    minutes integer NOT NULL CHECK (minutes BETWEEN 0 AND 10080),
                    status text NOT NULL CHECK (status IN ('pending', 'verified')),
                    recorded_at timestamptz NOT NULL DEFAULT now(),
                    verified_at timestamptz,
                    verified_by text,
                    reason text,
                    PRIMARY KEY (event_id, volunteer_id)
                )
                """,
                "CREATE INDEX service_hours_by_volunteer ON service_hours (volunteer_id, day)",
                "CREATE INDEX service_hours_pending ON service_hours (team_id, day) WHERE status = 'pending'",
                // Every verification or adjustment, with who and why.
                """
                CREATE TABLE hours_change (
                    id bigserial PRIMARY KEY,
                    event_id text NOT NULL,
                    volunteer_id text NOT NULL,
                    from_minutes integer NOT NULL,
                    to_minutes integer NOT NULL,
                    actor text NOT NULL,
                    reason text,
                    at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX hours_change_by_volunteer ON hours_change (volunteer_id, id)",
                """
                CREATE TABLE need (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    volunteer_id text NOT NULL,
                    unit_id text NOT NULL,
                    unit_path text[] NOT NULL,
                    theme text NOT NULL,
                    audience text NOT NULL CHECK (audience IN ('children', 'teens', 'adults', 'seniors')),
                    people integer NOT NULL CHECK (people BETWEEN 1 AND 100000),
                    preferred int4multirange NOT NULL,
                    submitted_at timestamptz NOT NULL DEFAULT now(),
                    met_event_id text,
                    met_at timestamptz
                )
                """,
                "CREATE INDEX need_open ON need (theme, submitted_at) WHERE met_event_id IS NULL",
                "CREATE INDEX need_by_unit ON need (unit_id, theme)",
                """
                CREATE TABLE needs_aggregate (
                    unit_id text NOT NULL,
                    theme text NOT NULL,
                    unit_path text[] NOT NULL,
                    needs integer NOT NULL,
                    people bigint NOT NULL,
                    met integer NOT NULL,
                    PRIMARY KEY (unit_id, theme)
                )
                """,
                """
                CREATE TABLE site_head_coverage (
                    unit_id text PRIMARY KEY,
                    unit_path text[] NOT NULL,
                    sites integer NOT NULL,
                    with_head integer NOT NULL
                )
                """,
                // What a certificate stated when issued, so its code verifies that and nothing else.
                """
                CREATE TABLE certificate (
                    code text PRIMARY KEY,
                    volunteer_id text NOT NULL REFERENCES volunteer (id),
                    issued_at timestamptz NOT NULL DEFAULT now(),
                    issued_by text NOT NULL,
                    statement jsonb NOT NULL
                )
                """,
                "CREATE INDEX certificate_by_volunteer ON certificate (volunteer_id, issued_at)",
            ]),
        // Ranking looks nearest first: volunteers living under a unit with the needed skills are found through
        // one key per (unit of their home path, skill), so a community's or street's few candidates are read
        // without the district's thousands.
        Migration(
            version: 2, name: "home keys for ranking by nearness",
            statements: [
                """
                CREATE OR REPLACE FUNCTION volunteer_home_keys(home text[], skills text[]) RETURNS text[]
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                RETURN ARRAY(SELECT u || '|' || s FROM unnest(home) AS u, unnest(skills) AS s)
                """,
                "ALTER TABLE volunteer ADD COLUMN home_keys text[] GENERATED ALWAYS AS (volunteer_home_keys(home_path, skills)) STORED",
                "CREATE INDEX volunteer_home_keys ON volunteer USING gin (home_keys) WITH (fastupdate = off)",
            ]),
        // The SHA-256 of the volunteer's claim token: their requests over Kafka present the token (`ClaimToken`).
        Migration(version: 3, name: "volunteers' claim tokens", statements: ["ALTER TABLE volunteer ADD COLUMN claim_token_hash text"]),
        // Nothing reads held events by theme (needs are met from the held event's own record).
        Migration(version: 4, name: "an unused index", statements: ["DROP INDEX IF EXISTS activity_event_held"]),
    ]

    /// A volunteer's name and phone serve their membership of the corps: erased once they left.
    static let contactDetails = [
        PersonalDataRetention(
            name: "volunteer.member", purpose: .init(table: "volunteer", key: "id", endsAt: "left_at"),
            details: [.init(table: "volunteer", purposeKey: "id", columns: ["name", "phone"])])
    ]
}
