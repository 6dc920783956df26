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
    // 2: dedup — the merge log, pair decisions, review items, golden
    // records, and every value a customer has had.
    r#"
ALTER TABLE customers ADD COLUMN merged_into INTEGER REFERENCES customers(id);
ALTER TABLE runs ADD COLUMN summary TEXT;
-- The source's priority (from its mapping) as it was at import time, for
-- survivorship: dedup must not depend on where the mapping file is now.
ALTER TABLE imports ADD COLUMN priority INTEGER;

-- Every merge (and every split by unmerge): which customers, the pair of
-- records that linked them, the score and the per-field evidence, who
-- decided and when. Undone merges stay, with undone_at set.
CREATE TABLE merges (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER REFERENCES runs(id),
    kind         TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    other_id     INTEGER NOT NULL REFERENCES customers(id),
    record_a     INTEGER REFERENCES records(id),
    record_b     INTEGER REFERENCES records(id),
    score        REAL,
    probability  REAL,
    evidence     TEXT,
    decided_by   TEXT NOT NULL CHECK (decided_by IN ('auto', 'review', 'unmerge')),
    decided_at   TEXT NOT NULL,
    undone_at    TEXT,
    undone_by    INTEGER REFERENCES merges(id)
);
CREATE INDEX merges_by_customer ON merges(customer_id);

-- The records each merge moved, so that unmerge puts them back exactly.
CREATE TABLE merge_moves (
    merge_id      INTEGER NOT NULL REFERENCES merges(id),
    record_id     INTEGER NOT NULL REFERENCES records(id),
    from_customer INTEGER NOT NULL,
    to_customer   INTEGER NOT NULL
);
CREATE INDEX merge_moves_by_merge ON merge_moves(merge_id);
CREATE INDEX merge_moves_by_record ON merge_moves(record_id);

-- Decisions people made about a pair of records (record_a < record_b):
-- 'separate' is never merged again, not even through other records.
CREATE TABLE pair_decisions (
    record_a    INTEGER NOT NULL REFERENCES records(id),
    record_b    INTEGER NOT NULL REFERENCES records(id),
    decision    TEXT NOT NULL CHECK (decision IN ('merge', 'separate')),
    decided_by  TEXT NOT NULL CHECK (decided_by IN ('review', 'unmerge')),
    review_item INTEGER REFERENCES review_items(id),
    run_id      INTEGER REFERENCES runs(id),
    decided_at  TEXT NOT NULL,
    PRIMARY KEY (record_a, record_b),
    CHECK (record_a < record_b)
) WITHOUT ROWID;

-- The uncertain pairs a dedup run sent to review.
CREATE TABLE review_items (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    record_a    INTEGER NOT NULL REFERENCES records(id),
    record_b    INTEGER NOT NULL REFERENCES records(id),
    customer_a  INTEGER NOT NULL,
    customer_b  INTEGER NOT NULL,
    score       REAL NOT NULL,
    probability REAL NOT NULL,
    reason      TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'merged', 'separated', 'undecided', 'superseded')),
    decided_at  TEXT
);
CREATE INDEX review_items_by_run ON review_items(run_id);

-- One golden record per live customer: each field's surviving value, and
-- (sources, JSON) which record it came from and by which rule.
CREATE TABLE golden (
    customer_id   INTEGER PRIMARY KEY REFERENCES customers(id),
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
    records       INTEGER NOT NULL,
    last_seen     TEXT,
    sources       TEXT NOT NULL
);

-- Every value every customer has had, field by field, with its record:
-- the history behind the golden record (old addresses, former surnames,
-- every phone).
CREATE VIEW customer_values AS
SELECT customer_id, 'customer_no' AS field, customer_no AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND customer_no IS NOT NULL
UNION ALL
SELECT customer_id, 'name' AS field, name AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND name IS NOT NULL
UNION ALL
SELECT customer_id, 'family_name' AS field, family_name AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND family_name IS NOT NULL
UNION ALL
SELECT customer_id, 'given_name' AS field, given_name AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND given_name IS NOT NULL
UNION ALL
SELECT customer_id, 'kana' AS field, kana AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND kana IS NOT NULL
UNION ALL
SELECT customer_id, 'family_kana' AS field, family_kana AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND family_kana IS NOT NULL
UNION ALL
SELECT customer_id, 'given_kana' AS field, given_kana AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND given_kana IS NOT NULL
UNION ALL
SELECT customer_id, 'gender' AS field, gender AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND gender IS NOT NULL
UNION ALL
SELECT customer_id, 'birth_date' AS field, birth_date AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND birth_date IS NOT NULL
UNION ALL
SELECT customer_id, 'phone' AS field, phone AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND phone IS NOT NULL
UNION ALL
SELECT customer_id, 'mobile' AS field, mobile AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND mobile IS NOT NULL
UNION ALL
SELECT customer_id, 'phone2' AS field, phone2 AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND phone2 IS NOT NULL
UNION ALL
SELECT customer_id, 'email' AS field, email AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND email IS NOT NULL
UNION ALL
SELECT customer_id, 'postal_code' AS field, postal_code AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND postal_code IS NOT NULL
UNION ALL
SELECT customer_id, 'prefecture' AS field, prefecture AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND prefecture IS NOT NULL
UNION ALL
SELECT customer_id, 'address' AS field, address AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND address IS NOT NULL
UNION ALL
SELECT customer_id, 'address2' AS field, address2 AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND address2 IS NOT NULL
UNION ALL
SELECT customer_id, 'first_visit' AS field, first_visit AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND first_visit IS NOT NULL
UNION ALL
SELECT customer_id, 'note' AS field, note AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND note IS NOT NULL
UNION ALL
SELECT customer_id, 'store' AS field, store AS value, id AS record_id, import_id, sheet, row FROM records WHERE status = 'active' AND store IS NOT NULL;
"#,
    // 3: nightly re-imports — a file's newer version updates its records by
    // identity instead of adding them again; what an edit replaced is kept
    // as history; a row that left its file is marked gone, never deleted;
    // a generation counter says whether anything changed since a step ran.
    r#"
-- The file's modification time and path as read, so that an unchanged file
-- is recognised without reading it; what the re-import did to earlier rows.
ALTER TABLE imports ADD COLUMN mtime_ns INTEGER;
ALTER TABLE imports ADD COLUMN added INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN updated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN unchanged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN returned INTEGER NOT NULL DEFAULT 0;

-- The import that first brought the record (import_id is the one it was last
-- read from), and the import of its file that no longer had the row.
ALTER TABLE records ADD COLUMN first_import INTEGER REFERENCES imports(id);
ALTER TABLE records ADD COLUMN gone_import INTEGER REFERENCES imports(id);
CREATE INDEX records_by_identity ON records(natural_key) WHERE natural_key IS NOT NULL;

-- What a record was before a re-import changed it: every column, its
-- events and attachments (JSON), where it was read from, and why it
-- changed ('edited': the row's values changed; 'gone': the row left its
-- file; 'back': a gone row came back).
CREATE TABLE record_history (
    id          INTEGER PRIMARY KEY,
    record_id   INTEGER NOT NULL REFERENCES records(id),
    change      TEXT NOT NULL CHECK (change IN ('edited', 'gone', 'back')),
    import_id   INTEGER NOT NULL REFERENCES imports(id),
    changed_by  INTEGER NOT NULL REFERENCES imports(id),
    changed_at  TEXT NOT NULL,
    sheet       TEXT NOT NULL,
    row         INTEGER NOT NULL,
    status      TEXT NOT NULL,
    row_hash    INTEGER NOT NULL,
    "values"    TEXT NOT NULL,
    events      TEXT,
    attachments TEXT,
    raw         TEXT NOT NULL
);
CREATE INDEX record_history_by_record ON record_history(record_id);

-- Key/value state: 'generation' counts committed changes to the data, so a
-- nightly run knows whether dedup and the exports are up to date.
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
INSERT INTO meta VALUES ('generation', 0);

DROP VIEW lineage;
CREATE VIEW lineage AS
SELECT r.customer_id, i.file_name AS source_file, r.sheet, r.row,
       r.id AS record_id, i.source, r.status, r.import_id,
       r.gone_import IS NOT NULL AS gone
FROM records r JOIN imports i ON i.id = r.import_id;
"#,
    // 4: the day a re-import last changed a record's cleansed values (what
    // makes it recent for the golden record); a row saved again with the
    // same values (2019/04/01 as 2019/4/1) is not an edit there. Databases
    // from before keep what their history says.
    r#"
ALTER TABLE records ADD COLUMN edited_at TEXT;
UPDATE records SET edited_at = (SELECT substr(max(h.changed_at), 1, 10) FROM record_history h
                                WHERE h.record_id = records.id AND h.change = 'edited')
WHERE id IN (SELECT record_id FROM record_history WHERE change = 'edited');
"#,
    // 5: review items found by their pair of records (a report decided
    // while dedup ran again applies to the newer item); 最終来店 recomputed
    // from visits, purchases and first visits only (databases from before
    // migration 4 could carry the day of an import there).
    r#"
CREATE INDEX review_items_by_pair ON review_items(record_a, record_b);
UPDATE golden SET last_seen = (
    SELECT nullif(max(max(coalesce((SELECT max(e.date) FROM events e WHERE e.record_id = r.id), ''), coalesce(r.first_visit, ''))), '')
    FROM records r WHERE r.customer_id = golden.customer_id AND r.status = 'active');
"#,
    // 6: a file is known by its place, not by where the folder happens to
    // be: `file_key` is the path relative to the project folder (the folder
    // of karte.toml) for a file inside a project, else the full path, as
    // `file_path` was. A moved or copied project is the same karte.
    // Databases from before keep their full paths here; `karte run` makes
    // those inside its project folder relative (see `Store::adopt_place`).
    r#"
ALTER TABLE imports ADD COLUMN file_key TEXT;
UPDATE imports SET file_key = file_path;
CREATE INDEX imports_by_key ON imports(source, file_key);
"#,
    // 7: golden records people can rely on — each source's own numbers
    // kept under the source's name (the customer's own number is its karte
    // number, K and its customer id: nothing to store), and values a
    // person pinned.
    r#"

-- Each source's own customer numbers (JSON: source → [numbers]), and the
-- fields a person pinned (JSON: field → {pin, at}).
ALTER TABLE golden ADD COLUMN numbers TEXT;
ALTER TABLE golden ADD COLUMN pinned TEXT;
UPDATE golden SET numbers = (
    SELECT json_group_object(source, json(nos)) FROM (
        SELECT i.source AS source, json_group_array(DISTINCT r.customer_no) AS nos
        FROM records r JOIN imports i ON i.id = r.import_id
        WHERE r.customer_id = golden.customer_id AND r.status = 'active' AND r.customer_no IS NOT NULL
        GROUP BY i.source ORDER BY i.source));

-- A golden value a person set (`karte golden set`): wins over every
-- source value on every night; normalised like an imported value
-- (`value` as shown, `raw` as typed, `derived` the golden columns it
-- implies, JSON). A customer merged away keeps its pins here: the
-- customer it went into uses those it has no pin of its own for, and an
-- unmerge gives them back.
CREATE TABLE pins (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    raw         TEXT NOT NULL,
    derived     TEXT,
    pinned_at   TEXT NOT NULL,
    UNIQUE (customer_id, field)
);
-- Every pin set, replaced or taken back.
CREATE TABLE pin_log (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    field       TEXT NOT NULL,
    value       TEXT,
    action      TEXT NOT NULL CHECK (action IN ('set', 'unset')),
    at          TEXT NOT NULL
);
"#,
];
