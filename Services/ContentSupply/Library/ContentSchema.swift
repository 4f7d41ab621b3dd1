import KepuRuntime

/// The content-supply database: the catalogue of science books and 科普中国's online works; donated lots, their
/// allocation, receipts and stock; loans; reading activities; engagement folded per work, site and day; information
/// officers (contact details: `personalData`).
enum ContentSchema {
    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "the catalogue",
            statements: [
                """
                CREATE TABLE book (
                    isbn text PRIMARY KEY CHECK (isbn ~ '^[0-9]{13}$'),
                    title text NOT NULL CHECK (octet_length(title) BETWEEN 1 AND 200),
                    authors text[] NOT NULL,
                    category text NOT NULL CHECK (category IN ('science', 'popular_science', 'science_fiction')),
                    age_band text NOT NULL CHECK (age_band IN ('children', 'teens', 'adults', 'seniors')),
                    publisher text NOT NULL CHECK (octet_length(publisher) BETWEEN 1 AND 200),
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX book_by_category ON book (category, isbn)",
                """
                CREATE TABLE work (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    title text NOT NULL CHECK (octet_length(title) BETWEEN 1 AND 200),
                    type text NOT NULL CHECK (type IN ('article', 'video', 'course')),
                    theme text NOT NULL CHECK (octet_length(theme) BETWEEN 1 AND 64),
                    url text NOT NULL CHECK (url ~ '^https?://' AND octet_length(url) <= 2000),
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX work_by_theme ON work (theme, id)",
            ]),
        Migration(
            version: 2, name: "lots, stock, loans, reading, engagement and officers",
            statements: [
                // What the registry and the volunteer service say, kept for allocation and scope.
                """
                CREATE TABLE site (
                    id text PRIMARY KEY, kind text NOT NULL, unit_id text NOT NULL, unit_path text[] NOT NULL,
                    population int CHECK (population >= 0), active boolean NOT NULL
                )
                """,
                "CREATE INDEX site_by_district ON site ((unit_path[2]), id) WHERE active",
                """
                CREATE TABLE reading_need (
                    unit_id text NOT NULL, theme text NOT NULL, unit_path text[] NOT NULL,
                    unmet_people int NOT NULL CHECK (unmet_people >= 0), PRIMARY KEY (unit_id, theme)
                )
                """,
                """
                CREATE TABLE lot (
                    id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
                    district_id text NOT NULL, unit_path text[] NOT NULL,
                    donor text NOT NULL CHECK (octet_length(donor) BETWEEN 1 AND 200),
                    status text NOT NULL CHECK (status IN ('planned', 'approved', 'shipped', 'received')),
                    minimum_per_site int NOT NULL CHECK (minimum_per_site BETWEEN 0 AND 1000),
                    recorded_at timestamptz NOT NULL DEFAULT now(), approved_by text, approved_at timestamptz, shipped_at timestamptz
                )
                """,
                """
                CREATE TABLE lot_title (
                    lot_id text NOT NULL REFERENCES lot (id), isbn text NOT NULL REFERENCES book (isbn),
                    copies int NOT NULL CHECK (copies BETWEEN 1 AND 100000),
                    allocated int NOT NULL DEFAULT 0,
                    PRIMARY KEY (lot_id, isbn),
                    CONSTRAINT never_beyond_the_copies CHECK (allocated BETWEEN 0 AND copies)
                )
                """,
                """
                CREATE TABLE allocation (
                    lot_id text NOT NULL, isbn text NOT NULL, site_id text NOT NULL REFERENCES site (id),
                    copies int NOT NULL CHECK (copies >= 0), explanation text NOT NULL,
                    received int CHECK (received >= 0), damaged int CHECK (damaged >= 0 AND damaged <= received),
                    PRIMARY KEY (lot_id, isbn, site_id), FOREIGN KEY (lot_id, isbn) REFERENCES lot_title (lot_id, isbn)
                )
                """,
                "CREATE INDEX allocation_by_site ON allocation (site_id, isbn)",
                // The lot's allocated copies follow its allocations, so `never_beyond_the_copies` holds whoever writes.
                """
                CREATE FUNCTION allocation_counts() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('UPDATE', 'DELETE') THEN
                        UPDATE lot_title SET allocated = allocated - OLD.copies WHERE lot_id = OLD.lot_id AND isbn = OLD.isbn;
                    END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') THEN
                        UPDATE lot_title SET allocated = allocated + NEW.copies WHERE lot_id = NEW.lot_id AND isbn = NEW.isbn;
                    END IF;
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER allocation_counts AFTER INSERT OR UPDATE OF copies OR DELETE ON allocation
                FOR EACH ROW EXECUTE FUNCTION allocation_counts()
                """,
                """
                CREATE TABLE discrepancy (
                    lot_id text NOT NULL, isbn text NOT NULL, site_id text NOT NULL,
                    kind text NOT NULL CHECK (kind IN ('shortage', 'damage', 'surplus')), copies int NOT NULL CHECK (copies > 0),
                    recorded_by text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (lot_id, isbn, site_id, kind), FOREIGN KEY (lot_id, isbn, site_id) REFERENCES allocation (lot_id, isbn, site_id)
                )
                """,
                """
                CREATE TABLE stock (
                    site_id text NOT NULL REFERENCES site (id), isbn text NOT NULL REFERENCES book (isbn),
                    copies int NOT NULL, on_loan int NOT NULL DEFAULT 0,
                    PRIMARY KEY (site_id, isbn),
                    CONSTRAINT never_negative CHECK (copies >= 0 AND on_loan >= 0 AND on_loan <= copies)
                )
                """,
                """
                CREATE TABLE loan (
                    id text PRIMARY KEY, site_id text NOT NULL, isbn text NOT NULL, borrower text,
                    borrower_phone text, lent_at timestamptz NOT NULL DEFAULT now(), due_on date NOT NULL, returned_at timestamptz,
                    FOREIGN KEY (site_id, isbn) REFERENCES stock (site_id, isbn)
                )
                """,
                "CREATE INDEX loan_overdue ON loan (site_id, due_on) WHERE returned_at IS NULL",
                """
                CREATE TABLE reading_activity (
                    event_id text PRIMARY KEY, site_id text NOT NULL, title text NOT NULL, starts_at timestamptz NOT NULL, status text NOT NULL
                )
                """,
                """
                CREATE TABLE reading_report (
                    event_id text PRIMARY KEY REFERENCES reading_activity (event_id), request_id text NOT NULL,
                    readers int NOT NULL CHECK (readers BETWEEN 0 AND 10000), books jsonb NOT NULL
                )
                """,
                """
                CREATE TABLE officer (
                    id text PRIMARY KEY, site_id text NOT NULL REFERENCES site (id), name text, phone text, left_at timestamptz,
                    points bigint NOT NULL DEFAULT 0 CHECK (points >= 0), version bigint NOT NULL DEFAULT 1,
                    published_version bigint NOT NULL DEFAULT 0, joined_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX officer_unpublished ON officer (id) WHERE version > published_version",
                // One row per work, site and day: counters added per batch, the visitors' sketch merged. `version` is
                // raised by each change, `published_version` by the roll-up that published it.
                """
                CREATE TABLE engagement_day (
                    work_id text NOT NULL, site_id text NOT NULL, day date NOT NULL,
                    views bigint NOT NULL DEFAULT 0, completions bigint NOT NULL DEFAULT 0, shares bigint NOT NULL DEFAULT 0,
                    flagged bigint NOT NULL DEFAULT 0, visitors bytea NOT NULL, distinct_visitors bigint NOT NULL DEFAULT 0,
                    version bigint NOT NULL DEFAULT 1, published_version bigint NOT NULL DEFAULT 0,
                    PRIMARY KEY (work_id, site_id, day)
                )
                """,
                "CREATE INDEX engagement_unpublished ON engagement_day (work_id, site_id, day) WHERE version > published_version",
            ]),
        Migration(
            version: 3, name: "visitor sketches stored uncompressed",
            statements: [
                // A sketch's registers are close to random bytes: compressing them (pglz, on every batch's rewrite of
                // each row) costs the database CPU for little saved space.
                "ALTER TABLE engagement_day ALTER COLUMN visitors SET STORAGE EXTERNAL"
            ]),
    ]

    /// An officer's name and phone serve their place on a roster; a borrower's, their loan. Erased after either ends.
    /// A lot's donor is an organisation (a publisher, a company, an association), not contact details.
    static let contactDetails = [
        PersonalDataRetention(
            name: "content.officer", purpose: .init(table: "officer", key: "id", endsAt: "left_at"),
            details: [.init(table: "officer", purposeKey: "id", columns: ["name", "phone"])]),
        PersonalDataRetention(
            name: "content.loan", purpose: .init(table: "loan", key: "id", endsAt: "returned_at"),
            details: [.init(table: "loan", purposeKey: "id", columns: ["borrower", "borrower_phone"])]),
    ]
}
