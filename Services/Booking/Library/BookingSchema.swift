import KepuRuntime

/// The booking database. Capacity is guarded by the database as well as by code: `confirmed_seats` can never
/// exceed `capacity` (a CHECK), and seats are only taken with a conditional update on the locked session row.
enum BookingSchema {
    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "venues, sessions, bookings",
            statements: [
                """
                CREATE TABLE venue (
                    id text PRIMARY KEY,
                    kind text NOT NULL CHECK (kind IN ('science_base', 'demonstration_site', 'museum', 'practice_site')),
                    name text NOT NULL,
                    unit_path text[] NOT NULL DEFAULT '{}',
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE session (
                    id text PRIMARY KEY,
                    venue_id text NOT NULL REFERENCES venue (id),
                    title text NOT NULL DEFAULT '',
                    starts_at timestamptz NOT NULL,
                    ends_at timestamptz NOT NULL,
                    capacity integer NOT NULL CHECK (capacity >= 0),
                    confirmed_seats integer NOT NULL DEFAULT 0,
                    waitlisted_seats integer NOT NULL DEFAULT 0 CHECK (waitlisted_seats >= 0),
                    booking_opens_at timestamptz NOT NULL,
                    booking_closes_at timestamptz NOT NULL,
                    cancellation_deadline timestamptz NOT NULL,
                    max_seats_per_request integer NOT NULL DEFAULT 4 CHECK (max_seats_per_request > 0),
                    group_min integer NOT NULL DEFAULT 5 CHECK (group_min > 0),
                    group_max integer NOT NULL DEFAULT 60 CHECK (group_max >= group_min),
                    waitlist_enabled boolean NOT NULL DEFAULT true,
                    waitlist_cap integer NOT NULL DEFAULT 100 CHECK (waitlist_cap >= 0),
                    closed boolean NOT NULL DEFAULT false,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    CHECK (ends_at > starts_at),
                    CONSTRAINT session_never_overbooked CHECK (confirmed_seats >= 0 AND confirmed_seats <= capacity)
                )
                """,
                "CREATE INDEX session_by_venue_time ON session (venue_id, starts_at)",
                "CREATE SEQUENCE booking_waitlist_seq",
                """
                CREATE TABLE booking (
                    id text PRIMARY KEY,
                    session_id text NOT NULL REFERENCES session (id),
                    request_id text NOT NULL UNIQUE,
                    party_kind text NOT NULL CHECK (party_kind IN ('individual', 'group')),
                    resident_id text,
                    unit_id text,
                    requested_seats integer NOT NULL CHECK (requested_seats > 0),
                    seats integer NOT NULL CHECK (seats > 0),
                    accept_partial boolean NOT NULL DEFAULT false,
                    status text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled', 'checked_in', 'no_show')),
                    cancelled_late boolean NOT NULL DEFAULT false,
                    waitlist_seq bigint,
                    check_in_code text NOT NULL,
                    contact_name text,
                    contact_phone text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX booking_waitlist ON booking (session_id, waitlist_seq) WHERE status = 'waitlisted'",
                "CREATE INDEX booking_by_session ON booking (session_id, status)",
                """
                CREATE TABLE booking_request (
                    request_id text PRIMARY KEY,
                    fingerprint text NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now()
                )
                """,
            ]),
        Migration(
            version: 2, name: "no-shows and suspensions",
            statements: [
                """
                CREATE TABLE no_show (
                    booking_id text PRIMARY KEY REFERENCES booking (id),
                    session_id text NOT NULL,
                    resident_id text,
                    late_cancellation boolean NOT NULL,
                    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
                )
                """,
                "CREATE INDEX no_show_by_resident ON no_show (resident_id, recorded_at)",
                """
                CREATE TABLE resident_suspension (
                    resident_id text PRIMARY KEY,
                    suspended_until timestamptz NOT NULL,
                    no_shows integer NOT NULL,
                    created_at timestamptz NOT NULL
                )
                """,
            ]),
        Migration(
            version: 3, name: "museum dedicated sessions",
            statements: [
                """
                CREATE TABLE museum_dedicated_settings (
                    venue_id text PRIMARY KEY REFERENCES venue (id),
                    threshold integer NOT NULL CHECK (threshold > 0),
                    capacity integer NOT NULL CHECK (capacity > 0),
                    cutoff_days integer NOT NULL CHECK (cutoff_days >= 0),
                    start_time text NOT NULL DEFAULT '09:30',
                    duration_minutes integer NOT NULL DEFAULT 120 CHECK (duration_minutes > 0),
                    group_min integer NOT NULL DEFAULT 5 CHECK (group_min > 0),
                    group_max integer NOT NULL DEFAULT 60 CHECK (group_max >= group_min)
                )
                """,
                "ALTER TABLE session ADD COLUMN dedicated boolean NOT NULL DEFAULT false",
                """
                CREATE TABLE dedicated_pool (
                    venue_id text NOT NULL REFERENCES venue (id),
                    visit_date date NOT NULL,
                    status text NOT NULL DEFAULT 'pooling' CHECK (status IN ('pooling', 'opened', 'closed')),
                    session_id text REFERENCES session (id),
                    pooled_headcount integer NOT NULL DEFAULT 0,
                    PRIMARY KEY (venue_id, visit_date)
                )
                """,
                """
                CREATE TABLE dedicated_pool_entry (
                    request_id text PRIMARY KEY,
                    venue_id text NOT NULL,
                    visit_date date NOT NULL,
                    unit_id text NOT NULL,
                    headcount integer NOT NULL CHECK (headcount > 0),
                    contact_name text,
                    contact_phone text,
                    seq bigserial,
                    status text NOT NULL DEFAULT 'pooled' CHECK (status IN ('pooled', 'placed', 'rejected')),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    FOREIGN KEY (venue_id, visit_date) REFERENCES dedicated_pool (venue_id, visit_date)
                )
                """,
                "CREATE INDEX dedicated_pool_waiting ON dedicated_pool_entry (venue_id, visit_date, seq) WHERE status = 'pooled'",
            ]),
        // The no-show sweep looks every 30 s for confirmed bookings of ended sessions. Without these it read the
        // whole booking history each time (a sequential scan of `booking`, which keeps every booking ever): with
        // a year of history (2.2 million bookings, 629 MB) a sweep took 273 ms and read 58,600 pages. With them
        // (and the sweep's ids as an array) it walks the ended sessions by end time and looks each up in the
        // small index of confirmed bookings, never touching the history's heap: 42 ms. The price: a confirmed
        // booking is indexed once more.
        Migration(
            version: 4, name: "indexes for the no-show sweep",
            statements: [
                "CREATE INDEX IF NOT EXISTS booking_confirmed ON booking (session_id) WHERE status = 'confirmed'",
                "CREATE INDEX IF NOT EXISTS session_by_end ON session (ends_at)",
            ]),
        // Request ids are remembered as long as the inbox remembers events (`KEPU_INBOX_RETENTION_DAYS`), then
        // pruned by age: the index keeps the pruning a walk over what it deletes.
        Migration(
            version: 5, name: "request ids pruned by age",
            statements: ["CREATE INDEX IF NOT EXISTS booking_request_received_at ON booking_request (received_at)"]),
        // A booking is claimed with a token only the resident's frontend knows; booking keeps its hash (docs/contracts.md,
        // "Claim tokens"). A code issued before is hashed into the same column, so it keeps working as a token, and
        // erased. The request fingerprints lose their copies of names and phones the same way. `check_in_code` stays
        // (nullable) so a replica of the previous version can still insert while a rollout is under way.
        Migration(
            version: 6, name: "claim token hashes instead of check-in codes; hashed fingerprints",
            statements: [
                "ALTER TABLE booking ADD COLUMN IF NOT EXISTS claim_token_hash text",
                "ALTER TABLE booking ALTER COLUMN check_in_code DROP NOT NULL",
                """
                UPDATE booking SET claim_token_hash = encode(sha256(convert_to(check_in_code, 'UTF8')), 'hex'), check_in_code = NULL
                WHERE check_in_code IS NOT NULL
                """,
                "ALTER TABLE dedicated_pool_entry ADD COLUMN IF NOT EXISTS claim_token_hash text",
                """
                UPDATE booking_request SET fingerprint = encode(sha256(convert_to(fingerprint, 'UTF8')), 'hex')
                WHERE fingerprint !~ '^[0-9a-f]{64}$'
                """,
            ]),
        // Contact details are erased a set number of days after their session ends (`contactDetails`); a session is
        // marked when its bookings' details are gone, so the erasure reads only sessions still holding some.
        Migration(
            version: 7, name: "contact details erased after the purpose",
            statements: [
                "ALTER TABLE session ADD COLUMN IF NOT EXISTS contacts_erased_at timestamptz",
                "CREATE INDEX IF NOT EXISTS session_contacts_held ON session (ends_at) WHERE contacts_erased_at IS NULL",
                "ALTER TABLE dedicated_pool_entry ADD COLUMN IF NOT EXISTS contacts_erased_at timestamptz",
            ]),
        // Migration 7's marker and its index undone: a session row is updated with every booking, and one more index
        // on it made each of those updates dearer (booking's benchmark lost 5-9 %, docs/benchmarks.md). The erasure
        // keeps its position in the runtime's `personal_data_erasure` instead and walks `session_by_end`.
        Migration(
            version: 8, name: "contact erasure by position, not by marker",
            statements: [
                "DROP INDEX IF EXISTS session_contacts_held",
                "ALTER TABLE session DROP COLUMN IF EXISTS contacts_erased_at",
                "ALTER TABLE dedicated_pool_entry DROP COLUMN IF EXISTS contacts_erased_at",
            ]),
        // Fewer b-tree entries per request (every request inserted into three before): the sweep reaches confirmed
        // bookings through `booking_by_session (session_id, status)`, and request ids are pruned by age through a
        // BRIN index (the table is appended in time order; a BRIN insert is a summary update, not a tree descent).
        Migration(
            version: 9, name: "leaner indexes on the request path",
            statements: [
                "DROP INDEX IF EXISTS booking_confirmed",
                "DROP INDEX IF EXISTS booking_request_received_at",
                "CREATE INDEX IF NOT EXISTS booking_request_received_brin ON booking_request USING brin (received_at)",
            ]),
        // Venues follow the registry (`kepu.network.units.v1`): a retired site takes no new sessions, and a venue
        // made by `POST /admin/venues` stays booking's own until the registry names the same id.
        Migration(
            version: 10, name: "venues follow the practice-network registry",
            statements: [
                """
                ALTER TABLE venue ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired'))
                """,
                "ALTER TABLE venue ADD COLUMN IF NOT EXISTS in_registry boolean NOT NULL DEFAULT false",
            ]),
    ]

    /// Booking's contact details and their purposes: a booking's name and phone serve its session's roster; a pooled
    /// group's serve its visit date (then its booking holds them). `KEPU_CONTACT_RETENTION_DAYS` after the end, the
    /// runtime erases them. (Pool entries are few: their table is read without an index on the visit's end.)
    static let contactDetails = [
        PersonalDataRetention(
            name: "booking.session-roster",
            purpose: .init(table: "session", key: "id", endsAt: "ends_at"),
            details: [.init(table: "booking", purposeKey: "session_id", columns: ["contact_name", "contact_phone"])]),
        PersonalDataRetention(
            name: "booking.museum-pool-entry",
            purpose: .init(table: "dedicated_pool_entry", key: "request_id", endsAt: "((visit_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')"),
            details: [.init(table: "dedicated_pool_entry", purposeKey: "request_id", columns: ["contact_name", "contact_phone"])]),
    ]
}
