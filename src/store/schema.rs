//! The karte database schema, as numbered migrations. `PRAGMA user_version`
//! holds the version a database is at; opening a database applies the
//! migrations it lacks, each in its own transaction.

/// Migrations in order; the database's version is the number applied.
pub const MIGRATIONS: &[&str] = &[
    // 1: the spine — runs, imports, customers, records with lineage,
    // events, attachments, problems.
    r#"
CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    command       TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'done', 'failed', 'partial')),
    karte_version TEXT NOT NULL
);

CREATE TABLE imports (
    id                  INTEGER PRIMARY KEY,
    run_id              INTEGER NOT NULL REFERENCES runs(id),
    source              TEXT NOT NULL,
    label               TEXT,
    mapping_path        TEXT,
    mapping_hash        TEXT,
    file_name           TEXT NOT NULL,
    file_path           TEXT NOT NULL,
    content_hash        TEXT NOT NULL,
    size_bytes          INTEGER NOT NULL,
    format              TEXT NOT NULL,
    encoding            TEXT,
    encoding_confidence TEXT,
    rows_read           INTEGER NOT NULL DEFAULT 0,
    blank_rows          INTEGER NOT NULL DEFAULT 0,
    imported            INTEGER NOT NULL DEFAULT 0,
    warned              INTEGER NOT NULL DEFAULT 0,
    rejected            INTEGER NOT NULL DEFAULT 0,
    skipped             INTEGER NOT NULL DEFAULT 0,
    problems            INTEGER NOT NULL DEFAULT 0,
    field_columns       TEXT,
    started_at          TEXT NOT NULL,
    finished_at         TEXT
);
CREATE INDEX imports_by_file ON imports(source, file_name, content_hash);

CREATE TABLE customers (
    id             INTEGER PRIMARY KEY,
    created_import INTEGER REFERENCES imports(id)
);

CREATE TABLE records (
    id            INTEGER PRIMARY KEY,
    import_id     INTEGER NOT NULL REFERENCES imports(id),
    customer_id   INTEGER REFERENCES customers(id),
    sheet         TEXT NOT NULL DEFAULT '',
    row           INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('active', 'skipped', 'rejected')),
    status_reason TEXT,
    natural_key   TEXT,
    row_hash      INTEGER NOT NULL,
    customer_no   TEXT,
    name          TEXT,
    family_name   TEXT,
    given_name    TEXT,
    kana          TEXT,
    family_kana   TEXT,
    given_kana    TEXT,
    gender        TEXT,
    birth_date    TEXT,
    phone         TEXT,
    mobile        TEXT,
    phone2        TEXT,
    email         TEXT,
    postal_code   TEXT,
    prefecture    TEXT,
    address       TEXT,
    address2      TEXT,
    first_visit   TEXT,
    note          TEXT,
    store         TEXT,
    name_key      TEXT,
    kana_key      TEXT,
    phone_key     TEXT,
    mobile_key    TEXT,
    phone2_key    TEXT,
    email_key     TEXT,
    address_key   TEXT,
    raw_fields    TEXT,
    derived       TEXT,
    raw           TEXT NOT NULL
);
CREATE INDEX records_by_import ON records(import_id);
CREATE INDEX records_by_customer ON records(customer_id);

CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    seq       INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    date      TEXT,
    number    TEXT,
    item      TEXT,
    quantity  TEXT,
    amount    TEXT,
    staff     TEXT,
    note      TEXT,
    line      TEXT,
    raw_fields TEXT
);
CREATE INDEX events_by_record ON events(record_id);

CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    record_id   INTEGER NOT NULL REFERENCES records(id),
    path        TEXT NOT NULL,
    column_name TEXT
);
CREATE INDEX attachments_by_record ON attachments(record_id);

CREATE TABLE problems (
    id          INTEGER PRIMARY KEY,
    import_id   INTEGER NOT NULL REFERENCES imports(id),
    record_id   INTEGER REFERENCES records(id),
    file_name   TEXT NOT NULL,
    sheet       TEXT NOT NULL DEFAULT '',
    row         INTEGER,
    column_name TEXT,
    field       TEXT,
    severity    TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'reject')),
    code        TEXT NOT NULL,
    raw         TEXT,
    message     TEXT NOT NULL
);
CREATE INDEX problems_by_import ON problems(import_id);
CREATE INDEX problems_by_record ON problems(record_id);

CREATE VIEW lineage AS
SELECT r.customer_id, i.file_name AS source_file, r.sheet, r.row,
       r.id AS record_id, i.source, r.status, r.import_id
FROM records r JOIN imports i ON i.id = r.import_id;
"#,
];
