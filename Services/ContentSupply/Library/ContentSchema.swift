import KepuRuntime

/// The content-supply database: the catalogue of science books and 科普中国's online works.
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
            ])
    ]
}
