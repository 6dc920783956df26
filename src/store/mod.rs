//! The karte database: a SQLite file (rusqlite, bundled SQLite) with a
//! versioned schema, foreign keys on, WAL journal.
//!
//! Every source row is kept as a record: its display values (one column
//! per karte field) and matching keys (`<field>_key`), the raw text of every
//! value that cleansing changed (`raw_fields`, JSON), what cleansing derived
//! (`derived`, JSON), its raw cells exactly as read (`raw`, JSON keyed by the
//! source's column names), its events, attachments and problems, and its
//! lineage (the import — file name, source, run — sheet and row). Which
//! columns fed which field is stored once per import (`field_columns`).

pub mod golden;
pub mod lookup;
pub mod schema;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::mapping::{Field, Record};
use crate::model::Problem;

/// The customer fields stored as record columns, in column order: every
/// field but the last, `attachment`, which has a table of its own.
pub const RECORD_FIELDS: &[Field] = match Field::ALL.split_last() {
    Some((Field::Attachment, rest)) => rest,
    _ => panic!("Field::ALL must end with Attachment"),
};

/// An open karte database.
pub struct Store {
    pub conn: Connection,
    /// Held while a writing command runs (see [`Store::lock_then_open`]).
    lock: Option<WriterLock>,
}

/// Adds one to the database's change counter, inside the writer's
/// transaction: every command that changes data calls it, so `karte run`
/// can tell whether dedup and the exports are up to date.
pub fn bump_generation(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("UPDATE meta SET value = value + 1 WHERE key = 'generation' RETURNING value", [], |r| r.get(0))?)
}

/// The database's change counter.
pub fn generation(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = 'generation'", [], |r| r.get(0))?)
}

/// The database a path names: symlinks resolved (the file's own, and its
/// folders'), so that every name of one database leads to one lock. A
/// database not created yet is its folder's canonical path and its name.
pub fn canonical_db(db: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(db) {
        return p;
    }
    // Not there yet (or a symlink to a file not there yet): follow the
    // links by hand, then resolve the folder.
    let mut p = db.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&p) {
            Ok(target) => p = p.parent().map(|d| d.join(&target)).unwrap_or(target),
            Err(_) => break,
        }
    }
    match (p.parent().filter(|d| !d.as_os_str().is_empty()), p.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir).map(|d| d.join(name)).unwrap_or(p),
        (None, Some(name)) => std::env::current_dir().map(|d| d.join(name)).unwrap_or(p),
        _ => p,
    }
}

/// The lock file of a database: `<database>.lock` beside the database
/// itself (symlinks resolved), whatever name it was given by.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = canonical_db(db).into_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// The writer lock of a database (see [`Store::lock_then_open`]), held
/// until it is dropped (or the process ends, however it ends).
pub struct WriterLock {
    /// `<database>.lock`, locked; it says who holds it.
    _file: std::fs::File,
    /// The database file itself, locked (Linux: see [`acquire_lock`]).
    _db: Option<std::fs::File>,
}

/// Takes the writer lock of a database: an OS lock (`flock`, through
/// std's `File::try_lock`) on `<database>.lock` beside the database's real
/// path, and on Linux also on the database file itself, so that neither a
/// second name for the database (a symlink, a hard link) nor a lock file
/// deleted while a writer runs lets a second writer in. The OS drops both
/// locks when the process ends, however it ends: a killed writer never
/// blocks the next one. SQLite's own locks are `fcntl` locks, which Linux
/// keeps apart from `flock` locks (flock(2)); elsewhere the two may
/// conflict, so there only the lock file is locked. Another holder makes
/// this wait up to `wait`, then fail with [`Busy`] and who holds it.
pub fn acquire_lock(db: &Path, command: &str, wait: std::time::Duration) -> Result<WriterLock> {
    use std::io::Write;
    let real = canonical_db(db);
    let path = lock_path(db);
    let start = std::time::Instant::now();
    let mut told = false;
    let mut wait_or_fail = |who: String| -> Result<()> {
        if start.elapsed() >= wait {
            return Err(Busy(format!(
                "the database {} is in use by {who}; nothing was done; try again when it has finished{}",
                db.display(),
                if wait.is_zero() { " (or pass --wait SECONDS to wait for it)" } else { "" }
            ))
            .into());
        }
        if !told {
            eprintln!("karte: waiting for {who} to finish with {} …", db.display());
            told = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        Ok(())
    };
    let mut file = loop {
        let file = crate::fsx::private(std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false))
            .open(&path)
            .with_context(|| format!("cannot create the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                wait_or_fail(holder(&path).unwrap_or_else(|| "another karte command".into()))?;
                continue;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        // Removed (or replaced) between our open and our lock: the lock is
        // on a file nobody else will find; take the one that is there now.
        if same_file(&file, &path) {
            break file;
        }
    };
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let db_lock = loop {
        // A writer creates the database anyway (0600, as Store::open would).
        crate::fsx::touch(&real).with_context(|| format!("cannot create the karte database {}", db.display()))?;
        let f = std::fs::File::open(&real).with_context(|| format!("cannot open the karte database {}", db.display()))?;
        match f.try_lock() {
            Ok(()) => break Some(f),
            Err(std::fs::TryLockError::WouldBlock) => {
                // Its lock file was removed while it ran, or it reached the
                // database by a hard link: who it is is not known.
                wait_or_fail(format!(
                    "another karte command (not named in {}: that lock file was removed while it ran, or it opened the database through a hard link)",
                    path.display()
                ))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", db.display()));
            }
        }
    };
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let db_lock = {
        let _ = &real;
        None
    };
    let _ = file.set_len(0);
    let _ = std::io::Seek::rewind(&mut file);
    let _ = write!(file, "karte {command} (process {}, since {})", std::process::id(), now());
    let _ = file.flush();
    Ok(WriterLock { _file: file, _db: db_lock })
}

/// Who a lock file says holds the database (`karte run (process 1234,
/// since …)`), read without locking anything.
pub fn holder(lock: &Path) -> Option<String> {
    let text = std::fs::read_to_string(lock).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Whether an open file is still the one a path names.
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// What a read-only open's SQLite error means: busy (another command is
/// writing: [`Busy`], exit code 3), damaged (SQLite says the file is not a
/// database or is corrupt), or another error, said as it is.
fn read_error(db: &Path, e: rusqlite::Error) -> anyhow::Error {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            let who = holder(&lock_path(db)).map(|h| format!(" (its lock file names {h})")).unwrap_or_default();
            Busy(format!(
                "the database {} is busy: another karte command (run, import or dedup) is writing to it{who}; nothing was done; try again when it has finished",
                db.display()
            ))
            .into()
        }
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            anyhow::Error::new(e).context(format!("{} is not a SQLite database (or is damaged)", db.display()))
        }
        _ => anyhow::Error::new(e).context(format!("cannot read the karte database {}", db.display())),
    }
}

/// Another karte command holds the database's writer lock.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Busy(pub String);

/// A value from the meta table.
pub fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get::<_, rusqlite::types::Value>(0)).optional()?.map(
        |v| match v {
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Real(f) => f.to_string(),
            rusqlite::types::Value::Text(t) => t,
            _ => String::new(),
        },
    ))
}

pub fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The latest finished import of a file for a source.
#[derive(Debug, Clone)]
pub struct PriorImport {
    pub id: i64,
    pub finished_at: String,
    /// Where the file was last read from (its full path then).
    pub file_path: String,
    /// How the file is known: its place in the project, or its full path.
    pub file_key: String,
    pub content_hash: String,
    pub size: i64,
    pub mtime_ns: Option<i64>,
    pub mapping_hash: Option<String>,
}

/// The schema version this karte writes.
pub fn schema_version() -> i64 {
    schema::MIGRATIONS.len() as i64
}

pub fn now() -> String {
    chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

impl Store {
    /// Opens (creating if needed) a karte database and brings its schema up
    /// to date.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_inner(path).with_context(|| format!("cannot use {} as a karte database", path.display()))
    }

    fn open_inner(path: &Path) -> Result<Store> {
        // A new database file is made 0600 first: SQLite would make it 0644
        // (less the umask), and gives its -wal and -shm the file's mode.
        crate::fsx::touch(path).with_context(|| format!("cannot create the karte database {}", path.display()))?;
        let conn = Connection::open(path).with_context(|| format!("cannot open the karte database {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // A new database gets 16 KiB pages (fewer, larger writes for
        // million-row imports); this must happen before WAL is switched on.
        let fresh: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap_or(1);
        if fresh == 0 {
            conn.execute_batch("PRAGMA page_size = 16384;")?;
        }
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(|e| read_error(path, e))?;
        if mode != "wal" {
            bail!("cannot switch {} to WAL mode (journal mode is {mode})", path.display());
        }
        let mut store = Store { conn, lock: None };
        store.migrate().with_context(|| format!("cannot bring {} up to schema version {}", path.display(), schema_version()))?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let version: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let latest = schema_version();
        if version > latest {
            bail!("the database is at schema version {version}, made by a newer karte; this karte knows versions up to {latest}");
        }
        if version == 0 {
            // A brand-new file, or somebody else's SQLite database.
            let tables: i64 = self.conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))?;
            if tables > 0 {
                bail!("the file is a SQLite database but not a karte database (it has tables and no karte schema version)");
            }
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql).with_context(|| format!("migration {}", i + 1))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Opens an existing karte database for a command that only reads it
    /// (`show`, `export`, `explain`): read-only, never creating, migrating
    /// or switching its journal, so a writer in WAL never blocks it. When
    /// SQLite is busy (a writer holds the database exclusively: the first,
    /// bulk import into an empty karte, or a checkpoint) it waits up to
    /// `wait` (readers' `--wait`, 30 s unless given), then fails with [`Busy`] (exit code 3) naming the writer the
    /// lock file names; the database is called damaged only when SQLite says
    /// so. A database made by an older karte is brought up to date first,
    /// under the writer lock, as any command would.
    pub fn open_read(path: &Path, wait: std::time::Duration) -> Result<Store> {
        let version = Store::open_read_inner(path, wait).map_err(|e| read_error(path, e))?;
        match version {
            Ok(store) => Ok(store),
            Err(_) => Store::lock_then_open(path, "upgrade", wait),
        }
    }

    /// The read-only store, or (Err) the database's schema version when it
    /// is older than this karte's.
    fn open_read_inner(path: &Path, wait: std::time::Duration) -> rusqlite::Result<std::result::Result<Store, i64>> {
        use rusqlite::OpenFlags;
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(wait)?;
        // The first read of the file: a busy database says so here.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        // An older karte's database is migrated, and a newer one's refused,
        // by Store::open's rules.
        if version != schema_version() {
            return Ok(Err(version));
        }
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
        Ok(Ok(Store { conn, lock: None }))
    }

    /// Takes the database's writer lock (see [`acquire_lock`]): one writing
    /// command at a time (a nightly `karte run`, an import, a dedup, a
    /// review being applied). The lock goes with the process, however it
    /// ends (even `kill -9`). Another holder makes this wait up to `wait`,
    /// then fail with who holds it.
    pub fn lock_then_open(db: &Path, command: &str, wait: std::time::Duration) -> Result<Store> {
        let lock = acquire_lock(db, command, wait)?;
        let mut store = Store::open(db)?;
        store.lock = Some(lock);
        Ok(store)
    }

    /// Whether the karte holds no records yet.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM records)", [], |r| r.get(0))?)
    }

    /// Before a large import into an empty karte: leaves WAL for a rollback
    /// journal, which writes each new page once where WAL writes it twice
    /// (to the WAL, then again at the checkpoint). Readers wait for it (up
    /// to their `--wait`, then are told the database is busy), which is why
    /// it is only done while there is nothing to read. The transaction stays atomic: a crash
    /// leaves a hot journal that SQLite rolls back on the next open, and
    /// [`Store::open`] puts the database back in WAL. When another
    /// connection has the database open, SQLite refuses the switch and the
    /// import simply runs in WAL. Returns whether it switched.
    pub fn begin_bulk(&self) -> Result<bool> {
        let mode: String = self.conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        Ok(mode == "delete")
    }

    /// After a large import (committed or rolled back): back to WAL.
    pub fn end_bulk(&self, switched: bool) -> Result<()> {
        if switched {
            let mode: String = self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if mode != "wal" {
                bail!("could not switch the database back to WAL (journal mode is {mode})");
            }
        }
        Ok(())
    }

    /// The problems found by one run's imports, at or above a severity, in
    /// file, sheet and row order: for the rejects report.
    pub fn problems_of_run(&self, run: i64, min: crate::model::Severity) -> Result<Vec<ProblemRow>> {
        let levels: Vec<&str> = [crate::model::Severity::Info, crate::model::Severity::Warning, crate::model::Severity::Reject]
            .into_iter()
            .filter(|s| *s >= min)
            .map(|s| s.as_str())
            .collect();
        let mut st = self.conn.prepare(
            "SELECT p.severity, p.file_name, p.sheet, p.row, p.column_name, p.field, p.raw, p.code, p.message, r.status, r.id, p.id
             FROM problems p JOIN imports i ON i.id = p.import_id LEFT JOIN records r ON r.id = p.record_id
             WHERE i.run_id = ?1 AND p.severity IN (SELECT value FROM json_each(?2))
             ORDER BY p.file_name, p.sheet, p.row, p.id",
        )?;
        let rows = st.query_map(params![run, serde_json::to_string(&levels)?], ProblemRow::from_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn begin_run(&self, command: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (command, started_at, karte_version) VALUES (?1, ?2, ?3)",
            params![command, now(), env!("CARGO_PKG_VERSION")],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn finish_run(&self, run: i64, status: &str) -> Result<()> {
        self.conn.execute("UPDATE runs SET finished_at = ?1, status = ?2 WHERE id = ?3", params![now(), status, run])?;
        Ok(())
    }

    /// The latest finished import of a file for a source: the file known
    /// by `file_key` (its place in the project, or its full path), or last
    /// read from `file_path` (its full path: `karte import` of a file a
    /// project run imported).
    pub fn latest_import(&self, source: &str, file_key: &str, file_path: &str) -> Result<Option<PriorImport>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, finished_at, file_path, file_key, content_hash, size_bytes, mtime_ns, mapping_hash FROM imports
                 WHERE source = ?1 AND (file_key = ?2 OR file_path = ?3) AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1",
                params![source, file_key, file_path],
                |r| {
                    Ok(PriorImport {
                        id: r.get(0)?,
                        finished_at: r.get(1)?,
                        file_path: r.get(2)?,
                        file_key: r.get(3)?,
                        content_hash: r.get(4)?,
                        size: r.get(5)?,
                        mtime_ns: r.get(6)?,
                        mapping_hash: r.get(7)?,
                    })
                },
            )
            .optional()?)
    }

    /// How an earlier version of this file was known, when it moved: a
    /// source's imports of the same file name under one other key whose
    /// file no longer exists (a relative key is looked for in `dir`, the
    /// project folder). Its records are this file's.
    pub fn moved_from(&self, source: &str, file_name: &str, file_key: &str, dir: Option<&Path>) -> Result<Option<String>> {
        // Only keys whose imports still hold records: after a second move,
        // the first place has handed all of its records on.
        let mut st = self.conn.prepare(
            "SELECT DISTINCT file_key FROM imports i WHERE source = ?1 AND file_name = ?2 AND file_key <> ?3 AND finished_at IS NOT NULL
               AND EXISTS (SELECT 1 FROM records r WHERE r.import_id = i.id AND r.gone_import IS NULL)",
        )?;
        let keys: Vec<String> = st.query_map(params![source, file_name, file_key], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let exists = |k: &str| {
            let p = Path::new(k);
            if p.is_absolute() {
                p.exists()
            } else {
                dir.is_none_or(|d| d.join(p).exists())
            }
        };
        Ok(match keys.as_slice() {
            [one] if !exists(one) => Some(one.clone()),
            _ => None,
        })
    }

    /// Makes a project file known by its place `rel` (relative to the
    /// project folder `dir`) where earlier imports of the source knew it by
    /// a full path: a database from before file keys (schema 6), whose
    /// imports hold full paths. A full path is this place when it is `dir`
    /// joined with `rel` (the database used where it was), or when a
    /// project run read it at the same place of another folder (the
    /// project copied or moved before karte was upgraded). Paths in `keep`
    /// (files the project names by their full path) stay as they are.
    /// Nothing happens once an import knows the file by its place. Returns
    /// the number of imports re-keyed.
    pub fn adopt_place(&self, source: &str, rel: &str, dir: &Path, keep: &[String]) -> Result<usize> {
        let known: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM imports WHERE source = ?1 AND file_key = ?2)",
            params![source, rel],
            |r| r.get(0),
        )?;
        if known {
            return Ok(0);
        }
        let here = dir.join(rel);
        let mut st = self.conn.prepare(
            "SELECT DISTINCT i.file_key, EXISTS (SELECT 1 FROM imports j JOIN runs r ON r.id = j.run_id
                                                 WHERE j.source = i.source AND j.file_key = i.file_key AND r.command = 'run')
             FROM imports i WHERE i.source = ?1",
        )?;
        let keys: Vec<(String, bool)> = st.query_map([source], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        let mut n = 0;
        for (key, by_run) in keys {
            let p = Path::new(&key);
            if !p.is_absolute() || keep.contains(&key) || !p.ends_with(rel) {
                continue;
            }
            if p == here || by_run {
                n +=
                    self.conn.execute("UPDATE imports SET file_key = ?1 WHERE source = ?2 AND file_key = ?3", params![rel, source, key])?;
            }
        }
        Ok(n)
    }

    /// Remembers a file's modification time and where it is now on its
    /// import (after it was found unchanged), so the next run need not
    /// read it.
    pub fn touch_import(&self, import_id: i64, mtime_ns: Option<i64>, file_path: &str) -> Result<()> {
        self.conn.execute("UPDATE imports SET mtime_ns = ?1, file_path = ?2 WHERE id = ?3", params![mtime_ns, file_path, import_id])?;
        Ok(())
    }
}

/// The problems that hold now, at or above a severity, in file, sheet and
/// row order: for the problems report of `karte run`. A record's problems
/// are those of the import that last wrote it (an edited row's earlier
/// problems went with its earlier version); a record gone from its source
/// has none; a file's own problems (no record) are those of its latest
/// import. Calls `each` with every row, never holding them all.
pub fn current_problems(conn: &Connection, min: crate::model::Severity, each: &mut dyn FnMut(ProblemRow) -> Result<()>) -> Result<()> {
    let levels: Vec<&str> = [crate::model::Severity::Info, crate::model::Severity::Warning, crate::model::Severity::Reject]
        .into_iter()
        .filter(|s| *s >= min)
        .map(|s| s.as_str())
        .collect();
    let mut st = conn.prepare(
        "WITH latest AS (SELECT max(id) AS id FROM imports WHERE finished_at IS NOT NULL GROUP BY source, file_name),
              rewritten AS (SELECT record_id, max(changed_by) AS since FROM record_history
                            WHERE change IN ('edited', 'back') GROUP BY record_id)
         SELECT p.severity, p.file_name, p.sheet, p.row, p.column_name, p.field, p.raw, p.code, p.message, r.status, r.id, p.id
         FROM problems p LEFT JOIN records r ON r.id = p.record_id LEFT JOIN rewritten w ON w.record_id = p.record_id
         WHERE p.severity IN (SELECT value FROM json_each(?1))
           AND CASE WHEN p.record_id IS NULL THEN p.import_id IN (SELECT id FROM latest)
                    ELSE r.gone_import IS NULL AND p.import_id >= coalesce(w.since, 0) END
         ORDER BY p.file_name, p.sheet, p.row, p.id",
    )?;
    let mut rows = st.query(params![serde_json::to_string(&levels)?])?;
    while let Some(r) = rows.next()? {
        each(ProblemRow::from_row(r)?)?;
    }
    Ok(())
}

/// A stored problem, as the rejects report lists it.
#[derive(Debug, Clone)]
pub struct ProblemRow {
    pub severity: String,
    pub file: String,
    pub sheet: String,
    pub row: Option<i64>,
    pub column: Option<String>,
    pub field: Option<String>,
    pub raw: Option<String>,
    pub code: String,
    pub message: String,
    pub record_status: Option<String>,
    pub record_id: Option<i64>,
    /// The problem's id in the problems table.
    pub id: i64,
}

impl ProblemRow {
    /// A row selected as severity, file, sheet, row, column, field, raw,
    /// code, message, record status, record id, problem id (the order both
    /// problem queries use).
    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<ProblemRow> {
        Ok(ProblemRow {
            severity: r.get(0)?,
            file: r.get(1)?,
            sheet: r.get(2)?,
            row: r.get(3)?,
            column: r.get(4)?,
            field: r.get(5)?,
            raw: r.get(6)?,
            code: r.get(7)?,
            message: r.get(8)?,
            record_status: r.get(9)?,
            record_id: r.get(10)?,
            id: r.get(11)?,
        })
    }
}

/// The description of an import, written when it starts.
pub struct ImportHeader<'a> {
    pub run_id: i64,
    pub source: &'a str,
    pub label: Option<&'a str>,
    pub mapping_path: &'a str,
    pub mapping_hash: &'a str,
    pub file_name: &'a str,
    pub file_path: &'a str,
    /// How the file is known: its place in the project (the path relative
    /// to the project folder) for a file inside a project, else its full
    /// path.
    pub file_key: &'a str,
    pub content_hash: &'a str,
    pub size: u64,
    pub format: &'a str,
    pub encoding: Option<&'a str>,
    pub encoding_confidence: Option<&'a str>,
    /// JSON: karte field → the source columns that feed it.
    pub field_columns: String,
    /// The customer fields the mapping fills (mapped or constant).
    pub fields: Vec<Field>,
    /// The source's survivorship priority from the mapping.
    pub priority: Option<i64>,
    /// The file's modification time (ns since the epoch), when known.
    pub mtime_ns: Option<i64>,
    /// The keys earlier versions of this file were known by (its own key;
    /// what it was before it moved): their records are this file's rows of
    /// before, matched by identity (see [`ImportWriter`]).
    pub same_file: Vec<String>,
}

/// What a re-import did to the rows an earlier version of the file (or,
/// by natural key, another file of the source) brought.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Changes {
    /// Rows that became new records.
    pub added: u64,
    /// Records whose row changed: the old values went to `record_history`.
    pub updated: u64,
    pub unchanged: u64,
    /// Records whose row is no longer in the file: marked, not deleted.
    pub gone: u64,
    /// Of the updated, records whose row had gone and came back.
    pub returned: u64,
}

/// A record an earlier import brought, as a re-import matches it.
struct Prior {
    id: i64,
    row_hash: i64,
    sheet: String,
    row: i64,
    customer: Option<i64>,
    gone: bool,
    /// Read from this same file (not another file of the source).
    same_file: bool,
    /// Last read from this file as it is known now (not under the key it
    /// had before it moved).
    here: bool,
    /// Read with the same mapping as now: an equal row hash means equal values.
    same_mapping: bool,
    matched: bool,
}

/// The earlier records of a file, by identity: the natural key where the
/// mapping has one (across every file of the source: a POS export that
/// overlaps yesterday's), else the row's fingerprint (the hash of its raw
/// cells, within the same file).
#[derive(Default)]
struct Priors {
    list: Vec<Prior>,
    by_key: std::collections::HashMap<String, Vec<u32>>,
    by_hash: std::collections::HashMap<i64, Vec<u32>>,
}

impl Priors {
    fn load(tx: &Transaction, h: &ImportHeader) -> Result<Priors> {
        let mut p = Priors::default();
        let same = serde_json::to_string(&h.same_file)?;
        let mut st = tx.prepare(
            "SELECT r.id, r.natural_key, r.row_hash, r.sheet, r.row, r.customer_id, r.gone_import IS NOT NULL,
                    i.file_key IN (SELECT value FROM json_each(?2)), i.mapping_hash IS ?3, i.file_key = ?4
             FROM records r JOIN imports i ON i.id = r.import_id
             WHERE i.source = ?1 AND (r.natural_key IS NOT NULL OR i.file_key IN (SELECT value FROM json_each(?2)))
             ORDER BY r.id",
        )?;
        let mut rows = st.query(params![h.source, same, h.mapping_hash, h.file_key])?;
        while let Some(r) = rows.next()? {
            let key: Option<String> = r.get(1)?;
            let prior = Prior {
                id: r.get(0)?,
                row_hash: r.get(2)?,
                sheet: r.get(3)?,
                row: r.get(4)?,
                customer: r.get(5)?,
                gone: r.get(6)?,
                same_file: r.get(7)?,
                same_mapping: r.get(8)?,
                here: r.get(9)?,
                matched: false,
            };
            let i = p.list.len() as u32;
            // Every record of this file is also found by its fingerprint: a
            // row whose key finds nothing (the mapping gained or changed its
            // natural_key) is still the record its identical row made.
            if !prior.same_file && key.is_none() {
                continue;
            }
            if prior.same_file {
                p.by_hash.entry(prior.row_hash).or_default().push(i);
            }
            if let Some(k) = key {
                p.by_key.entry(k).or_default().push(i);
            }
            p.list.push(prior);
        }
        Ok(p)
    }

    /// The earlier record with this row's identity and exactly its
    /// content, if one is not matched yet.
    fn take_exact(&mut self, r: &RowOut) -> Option<u32> {
        let same =
            |c: &Vec<u32>| c.iter().copied().find(|&i| !self.list[i as usize].matched && self.list[i as usize].row_hash == r.row_hash);
        let pick = r
            .natural_key
            .as_ref()
            .and_then(|k| self.by_key.get(k))
            .and_then(same)
            .or_else(|| self.by_hash.get(&r.row_hash).and_then(same))?;
        self.list[pick as usize].matched = true;
        Some(pick)
    }

    /// The earlier record a row is when none has its exact content (an
    /// edited row): among those of its identity not matched yet, one of the
    /// same file, on the same sheet, nearest to the row's place.
    fn take(&mut self, r: &RowOut) -> Option<u32> {
        let by_key = r.natural_key.as_ref().and_then(|k| self.by_key.get(k)).and_then(|c| self.pick(c, r));
        // Without a key, or when the key finds nothing (a mapping that
        // gained, lost or changed its natural_key), the same row of this file.
        let pick = by_key.or_else(|| self.by_hash.get(&r.row_hash).and_then(|c| self.pick(c, r)))?;
        self.list[pick as usize].matched = true;
        Some(pick)
    }

    fn pick(&self, cands: &[u32], r: &RowOut) -> Option<u32> {
        cands.iter().copied().filter(|&i| !self.list[i as usize].matched).min_by_key(|&i| {
            let p = &self.list[i as usize];
            (!p.same_file, p.sheet != r.sheet, (p.row - r.row).abs(), i)
        })
    }
}

/// Counts of one import.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Non-blank source rows read below the header.
    pub rows_read: u64,
    pub blank_rows: u64,
    /// Rows that became customer records.
    pub imported: u64,
    /// Of those, records with at least one warning.
    pub warned: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub problems: u64,
}

/// The customer fields whose matching key is stored in a column of its own
/// (`<field>_key`), for deduplication.
pub const KEY_FIELDS: [Field; 7] = [Field::Name, Field::Kana, Field::Phone, Field::Mobile, Field::Phone2, Field::Email, Field::Address];

/// A record made ready for the database on the reading thread: every
/// string built, nothing left to compute while the transaction is open.
#[derive(Debug)]
pub struct RowOut {
    pub status: &'static str,
    pub reason: Option<String>,
    pub sheet: String,
    pub row: i64,
    pub natural_key: Option<String>,
    pub row_hash: i64,
    pub cols: [Option<String>; RECORD_FIELDS.len()],
    pub keys: [Option<String>; KEY_FIELDS.len()],
    /// JSON: field → raw text, only where the raw value differs from the
    /// display value (or a field has several values: an array).
    pub raw_fields: Option<String>,
    /// JSON: field → what cleansing derived from it (a phone's kind and
    /// extension, a name's honorific…), for fields that have any.
    pub derived: Option<String>,
    pub raw: String,
    pub events: Vec<EventOut>,
    pub attachments: Vec<(String, Option<String>)>,
    pub problems: Vec<Problem>,
}

#[derive(Debug)]
pub struct EventOut {
    pub kind: &'static str,
    /// date, number, item, quantity, amount, staff, note
    pub values: [Option<String>; 7],
    pub line: Option<String>,
    pub raw_fields: Option<String>,
}

/// Collects raw values that differ from their display values.
struct RawFields(String);

impl RawFields {
    fn new() -> Self {
        RawFields(String::new())
    }
    fn add(&mut self, name: &str, raws: &[&str]) {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        crate::mapping::push_json_str(&mut self.0, name);
        self.0.push(':');
        if raws.len() == 1 {
            crate::mapping::push_json_str(&mut self.0, raws[0]);
        } else {
            self.0.push('[');
            for (i, r) in raws.iter().enumerate() {
                if i > 0 {
                    self.0.push(',');
                }
                crate::mapping::push_json_str(&mut self.0, r);
            }
            self.0.push(']');
        }
    }
    /// Adds `name: {k: v, …}`.
    fn add_object(&mut self, name: &str, pairs: &[(&'static str, String)]) {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        crate::mapping::push_json_str(&mut self.0, name);
        self.0.push_str(":{");
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            crate::mapping::push_json_str(&mut self.0, k);
            self.0.push(':');
            crate::mapping::push_json_str(&mut self.0, v);
        }
        self.0.push('}');
    }

    fn finish(mut self) -> Option<String> {
        if self.0.is_empty() {
            None
        } else {
            self.0.push('}');
            Some(self.0)
        }
    }
}

impl RowOut {
    /// Moves a cleansed record's values into database form.
    pub fn from_record(rec: Record) -> RowOut {
        let mut cols: [Option<String>; RECORD_FIELDS.len()] = Default::default();
        let mut keys: [Option<String>; KEY_FIELDS.len()] = Default::default();
        let mut raw_fields = RawFields::new();
        let mut attachments = Vec::new();
        let status = rec.status.as_str();
        let reason = rec.status.reason().map(str::to_string);
        // Fields with several values (a repeated card key) keep every raw
        // value; the first is the display value.
        let mut counts = [0u8; Field::ALL.len()];
        for (f, _) in &rec.values {
            counts[*f as usize] = counts[*f as usize].saturating_add(1);
        }
        let mut derived = RawFields::new();
        let mut seen = [false; Field::ALL.len()];
        for (i, (f, v)) in rec.values.iter().enumerate() {
            if *f == Field::Attachment || seen[*f as usize] {
                continue;
            }
            seen[*f as usize] = true;
            if !v.extra.is_empty() {
                derived.add_object(f.name(), &v.extra);
            }
            if v.raw.is_empty() {
                // Derived from another field, whose raw text is kept.
            } else if counts[*f as usize] > 1 {
                let all: Vec<&str> = rec.values[i..].iter().filter(|(g, _)| g == f).map(|(_, v)| v.raw.as_str()).collect();
                raw_fields.add(f.name(), &all);
            } else if v.value.as_deref() != Some(v.raw.as_str()) {
                raw_fields.add(f.name(), &[&v.raw]);
            }
        }
        seen = [false; Field::ALL.len()];
        for (f, v) in rec.values {
            if f == Field::Attachment {
                attachments.push((v.value.unwrap_or(v.raw), v.columns.first().cloned()));
                continue;
            }
            if std::mem::replace(&mut seen[f as usize], true) {
                continue;
            }
            if let Some(c) = RECORD_FIELDS.iter().position(|g| *g == f) {
                cols[c] = v.value;
            }
            if let Some(k) = KEY_FIELDS.iter().position(|g| *g == f) {
                keys[k] = v.key;
            }
        }
        let events = rec
            .events
            .into_iter()
            .map(|ev| {
                use crate::mapping::EventField as E;
                let mut values: [Option<String>; 7] = Default::default();
                let mut rf = RawFields::new();
                for (f, v) in ev.values {
                    let i = [E::Date, E::Number, E::Item, E::Quantity, E::Amount, E::Staff, E::Note]
                        .iter()
                        .position(|g| *g == f)
                        .expect("every event field");
                    if v.value.as_deref() != Some(v.raw.as_str()) {
                        rf.add(f.name(), &[&v.raw]);
                    }
                    values[i] = v.value;
                }
                EventOut { kind: ev.kind, values, line: ev.line, raw_fields: rf.finish() }
            })
            .collect();
        RowOut {
            status,
            reason,
            sheet: rec.sheet,
            row: rec.row as i64,
            natural_key: rec.natural_key,
            row_hash: rec.row_hash,
            cols,
            keys,
            raw_fields: raw_fields.finish(),
            derived: derived.finish(),
            raw: rec.raw,
            events,
            attachments,
            problems: rec.problems,
        }
    }
}

/// A record's cleansed values, in [`RECORD_FIELDS`] order.
fn values_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        format!("SELECT {} FROM records WHERE id = ?1", RECORD_FIELDS.iter().map(|f| f.name()).collect::<Vec<_>>().join(", "))
    })
}

/// The statement that keeps a record's current version in
/// `record_history` (?1 record, ?2 change, ?3 the changing import, ?4 when):
/// built once, not per edited row.
fn history_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let mut pairs: Vec<String> = ["customer_id", "status_reason", "natural_key"].iter().map(|c| format!("'{c}', r.{c}")).collect();
        pairs.extend(RECORD_FIELDS.iter().map(|f| format!("'{0}', r.{0}", f.name())));
        pairs.extend(KEY_FIELDS.iter().map(|f| format!("'{0}_key', r.{0}_key", f.name())));
        pairs.extend(["raw_fields", "derived"].iter().map(|c| format!("'{c}', r.{c}")));
        format!(
            "INSERT INTO record_history (record_id, change, import_id, changed_by, changed_at, sheet, row, status, row_hash,
                                     \"values\", events, attachments, raw)
         SELECT r.id, ?2, r.import_id, ?3, ?4, r.sheet, r.row, r.status, r.row_hash, json_object({}),
                (SELECT json_group_array(json_object('seq', seq, 'kind', kind, 'date', date, 'number', number, 'item', item,
                        'quantity', quantity, 'amount', amount, 'staff', staff, 'note', note, 'line', line, 'raw_fields', raw_fields))
                 FROM events WHERE record_id = r.id),
                (SELECT json_group_array(json_object('path', path, 'column', column_name)) FROM attachments WHERE record_id = r.id),
                r.raw
         FROM records r WHERE r.id = ?1",
            pairs.join(", ")
        )
    })
}

/// Writes one import inside a transaction: dropping it without `finish`
/// rolls everything back.
pub struct ImportWriter<'c> {
    tx: Transaction<'c>,
    pub import_id: i64,
    file_name: String,
    /// The next customer id to give out: a batch's customers are created in
    /// one statement before its records (see `records`).
    next_customer: std::cell::Cell<i64>,
    /// The record columns this import fills (indices into RECORD_FIELDS and
    /// KEY_FIELDS), and the INSERT that names just those.
    cols: Vec<usize>,
    keys: Vec<usize>,
    insert_sql: String,
    /// Earlier records of this file (empty on a first import).
    priors: std::cell::RefCell<Priors>,
    changes: std::cell::Cell<Changes>,
    update_sql: String,
    /// When the import started: the time of every change it makes.
    started: String,
}

impl<'c> ImportWriter<'c> {
    pub fn begin(store: &'c mut Store, h: &ImportHeader) -> Result<ImportWriter<'c>> {
        // A large page cache keeps a million-row transaction from spilling
        // pages to the WAL before it commits.
        store.conn.execute_batch("PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;")?;
        let tx = store.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let started = now();
        tx.execute(
            "INSERT INTO imports (run_id, source, label, mapping_path, mapping_hash, file_name, file_path, content_hash,
                                  size_bytes, format, encoding, encoding_confidence, field_columns, started_at, priority, mtime_ns,
                                  file_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                h.run_id,
                h.source,
                h.label,
                h.mapping_path,
                h.mapping_hash,
                h.file_name,
                h.file_path,
                h.content_hash,
                h.size as i64,
                h.format,
                h.encoding,
                h.encoding_confidence,
                h.field_columns,
                &started,
                h.priority,
                h.mtime_ns,
                h.file_key
            ],
        )?;
        let import_id = tx.last_insert_rowid();
        let next: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM customers", [], |r| r.get(0))?;
        let cols: Vec<usize> = (0..RECORD_FIELDS.len()).filter(|&i| h.fields.contains(&RECORD_FIELDS[i])).collect();
        let keys: Vec<usize> = (0..KEY_FIELDS.len()).filter(|&i| h.fields.contains(&KEY_FIELDS[i])).collect();
        let mut names: Vec<String> =
            ["import_id", "customer_id", "sheet", "row", "status", "status_reason", "natural_key", "row_hash"].map(String::from).to_vec();
        names.extend(cols.iter().map(|&i| RECORD_FIELDS[i].name().to_string()));
        names.extend(keys.iter().map(|&i| format!("{}_key", KEY_FIELDS[i].name())));
        names.extend(["raw_fields".to_string(), "derived".to_string(), "raw".to_string()]);
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let insert_sql = format!("INSERT INTO records ({}) VALUES ({})", names.join(", "), marks.join(", "));
        // An update names every column: a field the new mapping no longer
        // fills must not keep the old value.
        let mut sets: Vec<String> =
            ["import_id", "customer_id", "sheet", "row", "status", "status_reason", "natural_key", "row_hash"]
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    if *n == "customer_id" {
                        format!("customer_id = coalesce(customer_id, ?{})", i + 1)
                    } else {
                        format!("{n} = ?{}", i + 1)
                    }
                })
                .collect();
        let mut n = sets.len();
        for f in RECORD_FIELDS {
            n += 1;
            sets.push(format!("{} = ?{n}", f.name()));
        }
        for f in KEY_FIELDS {
            n += 1;
            sets.push(format!("{}_key = ?{n}", f.name()));
        }
        for c in ["raw_fields", "derived", "raw"] {
            n += 1;
            sets.push(format!("{c} = ?{n}"));
        }
        let update_sql = format!(
            "UPDATE records SET first_import = coalesce(first_import, import_id), gone_import = NULL, {} WHERE id = ?{}",
            sets.join(", "),
            n + 1
        );
        let priors = Priors::load(&tx, h)?;
        Ok(ImportWriter {
            tx,
            import_id,
            next_customer: std::cell::Cell::new(next),
            cols,
            keys,
            insert_sql,
            file_name: h.file_name.to_string(),
            priors: std::cell::RefCell::new(priors),
            changes: std::cell::Cell::new(Changes::default()),
            update_sql,
            started,
        })
    }

    const PROBLEM_SQL: &'static str =
        "INSERT INTO problems (import_id, record_id, file_name, sheet, row, column_name, field, severity, code, raw, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

    /// Stores a problem (of a record, or of the file when `record_id` is
    /// `None`).
    pub fn problem(&self, p: &Problem, record_id: Option<i64>) -> Result<()> {
        let mut st = self.tx.prepare_cached(Self::PROBLEM_SQL)?;
        self.insert_problem(&mut st, p, record_id)
    }

    fn insert_problem(&self, st: &mut rusqlite::CachedStatement<'_>, p: &Problem, record_id: Option<i64>) -> Result<()> {
        st.execute(params![
            self.import_id,
            record_id,
            self.file_name,
            p.location.sheet,
            (p.location.row > 0).then_some(p.location.row as i64),
            p.location.column,
            p.field,
            p.severity.as_str(),
            p.code,
            p.raw,
            p.message
        ])?;
        Ok(())
    }

    /// Stores a batch of records. Until deduplication each active record is
    /// its own customer: the batch's customers are created first, in one
    /// statement, so each record's foreign key holds as it is inserted.
    pub fn records(&self, rows: &[RowOut]) -> Result<()> {
        if !self.priors.borrow().list.is_empty() {
            // A newer version of a file seen before: rows that are earlier
            // records update them; only the rest are added.
            // Rows with their exact earlier content claim their records
            // first, then edited rows take what is left: two rows of one
            // receipt (one natural key) never trade records because one of
            // them was edited and moved. (Per batch of rows: the lines of
            // one key are neighbours.)
            let mut hits: Vec<Option<u32>> = rows.iter().map(|r| self.priors.borrow_mut().take_exact(r)).collect();
            for (r, hit) in rows.iter().zip(hits.iter_mut()) {
                if hit.is_none() {
                    *hit = self.priors.borrow_mut().take(r);
                }
            }
            let mut fresh = Vec::new();
            for (i, (r, hit)) in rows.iter().zip(hits).enumerate() {
                match hit {
                    Some(p) => self.rematch(r, p)?,
                    None => fresh.push(i),
                }
            }
            if fresh.len() < rows.len() {
                let mut c = self.changes.get();
                c.added += fresh.len() as u64;
                self.changes.set(c);
                return self.insert(fresh.into_iter().map(|i| &rows[i]));
            }
        }
        let mut c = self.changes.get();
        c.added += rows.len() as u64;
        self.changes.set(c);
        self.insert(rows.iter())
    }

    /// A row that is an earlier record: unchanged (perhaps moved), or
    /// edited (the old version kept in `record_history`).
    fn rematch(&self, r: &RowOut, p: u32) -> Result<()> {
        let priors = self.priors.borrow();
        let prior = &priors.list[p as usize];
        let mut c = self.changes.get();
        if prior.row_hash == r.row_hash && prior.same_mapping && !prior.gone {
            c.unchanged += 1;
            self.changes.set(c);
            // A row read from elsewhere (another file of the source, or this
            // file before the project moved) is now this import's: its
            // lineage, and whether a later version of this file still has it.
            if prior.sheet != r.sheet || prior.row != r.row || !prior.here {
                let mut st = self.tx.prepare_cached(
                    "UPDATE records SET first_import = coalesce(first_import, import_id), import_id = ?1, sheet = ?2, row = ?3 WHERE id = ?4",
                )?;
                st.execute(params![self.import_id, r.sheet, r.row, prior.id])?;
                // Its problems are where it is now (a row inserted above
                // moved it down): the line they name is the record's.
                self.tx
                    .prepare_cached("UPDATE problems SET file_name = ?1, sheet = ?2, row = ?3 WHERE record_id = ?4 AND row IS NOT NULL")?
                    .execute(params![self.file_name, r.sheet, r.row, prior.id])?;
            }
            return Ok(());
        }
        c.updated += 1;
        if prior.gone {
            c.returned += 1;
        }
        self.changes.set(c);
        self.history(prior.id, if prior.gone { "back" } else { "edited" })?;
        // Whether the cleansed values changed, not only the raw text (a file
        // saved again by Excel: 2019/4/1 for 2019/04/01, a phone without
        // its leading zero): only then is the record recent for the golden
        // record.
        let edited = {
            let mut st = self.tx.prepare_cached(values_sql())?;
            let old: Vec<Option<String>> =
                st.query_row([prior.id], |row| (0..RECORD_FIELDS.len()).map(|i| row.get(i)).collect::<Result<Vec<_>, _>>())?;
            old.iter().zip(r.cols.iter()).any(|(o, n)| o != n)
        };
        // A record that becomes active for the first time (it was rejected)
        // gets a customer of its own; one that had a customer keeps it, and
        // with it every merge and decision.
        let new_customer = (r.status == "active" && prior.customer.is_none()).then(|| {
            let id = self.next_customer.get();
            self.next_customer.set(id + 1);
            id
        });
        if let Some(id) = new_customer {
            self.tx.prepare_cached("INSERT INTO customers (id, created_import) VALUES (?1, ?2)")?.execute(params![id, self.import_id])?;
        }
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(12 + RECORD_FIELDS.len() + KEY_FIELDS.len());
        values.extend_from_slice(&[&self.import_id, &new_customer, &r.sheet, &r.row, &r.status, &r.reason, &r.natural_key, &r.row_hash]);
        values.extend(r.cols.iter().map(|v| v as &dyn rusqlite::ToSql));
        values.extend(r.keys.iter().map(|v| v as &dyn rusqlite::ToSql));
        values.push(&r.raw_fields);
        values.push(&r.derived);
        values.push(&r.raw);
        values.push(&prior.id);
        self.tx.prepare_cached(&self.update_sql)?.execute(values.as_slice())?;
        if edited {
            self.tx
                .prepare_cached("UPDATE records SET edited_at = substr(?1, 1, 10) WHERE id = ?2")?
                .execute(params![self.started, prior.id])?;
        }
        self.tx.prepare_cached("DELETE FROM events WHERE record_id = ?1")?.execute([prior.id])?;
        self.tx.prepare_cached("DELETE FROM attachments WHERE record_id = ?1")?.execute([prior.id])?;
        self.children(prior.id, r, &mut self.tx.prepare_cached(Self::EVENT_SQL)?, &mut self.tx.prepare_cached(Self::PROBLEM_SQL)?)?;
        // Its customer's golden record is recomputed by the next dedup.
        self.tx
            .prepare_cached("DELETE FROM golden WHERE customer_id = (SELECT customer_id FROM records WHERE id = ?1)")?
            .execute([prior.id])?;
        Ok(())
    }

    /// Keeps a record's current version in `record_history`.
    fn history(&self, record_id: i64, change: &str) -> Result<()> {
        self.tx.prepare_cached(history_sql())?.execute(params![record_id, change, self.import_id, self.started])?;
        Ok(())
    }

    const EVENT_SQL: &'static str =
        "INSERT INTO events (record_id, seq, kind, date, number, item, quantity, amount, staff, note, line, raw_fields)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

    /// A record's events, attachments and problems, with statements the
    /// caller prepared once for its batch.
    fn children(
        &self,
        record_id: i64,
        r: &RowOut,
        ev_st: &mut rusqlite::CachedStatement<'_>,
        problem_st: &mut rusqlite::CachedStatement<'_>,
    ) -> Result<()> {
        for (seq, ev) in r.events.iter().enumerate() {
            let v = &ev.values;
            ev_st.execute(params![record_id, seq as i64, ev.kind, v[0], v[1], v[2], v[3], v[4], v[5], v[6], ev.line, ev.raw_fields])?;
        }
        for (path, column) in &r.attachments {
            let mut st = self.tx.prepare_cached("INSERT INTO attachments (record_id, path, column_name) VALUES (?1, ?2, ?3)")?;
            st.execute(params![record_id, path, column])?;
        }
        for p in &r.problems {
            self.insert_problem(problem_st, p, Some(record_id))?;
        }
        Ok(())
    }

    /// Adds rows as new records.
    fn insert<'r>(&self, rows: impl Iterator<Item = &'r RowOut> + Clone) -> Result<()> {
        let active = rows.clone().filter(|r| r.status == "active").count() as i64;
        let first = self.next_customer.get();
        if active > 0 {
            let mut st = self.tx.prepare_cached(
                "WITH RECURSIVE ids(x) AS (SELECT ?1 UNION ALL SELECT x + 1 FROM ids WHERE x < ?2)
                 INSERT INTO customers (id, created_import) SELECT x, ?3 FROM ids",
            )?;
            st.execute(params![first, first + active - 1, self.import_id])?;
        }
        // Prepared once per batch (looking a statement up in the cache
        // hashes its text); only the columns this mapping fills are bound.
        let mut rec_st = self.tx.prepare_cached(&self.insert_sql)?;
        let mut problem_st = self.tx.prepare_cached(Self::PROBLEM_SQL)?;
        let mut ev_st = self.tx.prepare_cached(Self::EVENT_SQL)?;
        let mut next = first;
        for r in rows {
            let customer_id = (r.status == "active").then(|| {
                next += 1;
                next - 1
            });
            let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(10 + self.cols.len() + self.keys.len());
            values.extend_from_slice(&[&self.import_id, &customer_id, &r.sheet, &r.row, &r.status, &r.reason, &r.natural_key, &r.row_hash]);
            values.extend(self.cols.iter().map(|&i| &r.cols[i] as &dyn rusqlite::ToSql));
            values.extend(self.keys.iter().map(|&i| &r.keys[i] as &dyn rusqlite::ToSql));
            values.push(&r.raw_fields);
            values.push(&r.derived);
            values.push(&r.raw);
            rec_st.execute(values.as_slice())?;
            let record_id = self.tx.last_insert_rowid();
            self.children(record_id, r, &mut ev_st, &mut problem_st)?;
        }
        self.next_customer.set(next);
        Ok(())
    }

    /// Marks the earlier records of this file that no row matched as gone
    /// (kept, with their customer, events and history), records the counts
    /// and commits. Returns what changed.
    pub fn finish(self, c: &Counts) -> Result<Changes> {
        let mut ch = self.changes.get();
        {
            let priors = self.priors.borrow();
            let mut st = self.tx.prepare("UPDATE records SET gone_import = ?1 WHERE id = ?2")?;
            for p in priors.list.iter().filter(|p| p.same_file && !p.matched && !p.gone) {
                self.history(p.id, "gone")?;
                st.execute(params![self.import_id, p.id])?;
                ch.gone += 1;
            }
        }
        self.tx.execute(
            "UPDATE imports SET added = ?1, updated = ?2, unchanged = ?3, gone = ?4, returned = ?5 WHERE id = ?6",
            params![ch.added as i64, ch.updated as i64, ch.unchanged as i64, ch.gone as i64, ch.returned as i64, self.import_id],
        )?;
        bump_generation(&self.tx)?;
        crate::fault::point("import:before-commit");
        self.tx.execute(
            "UPDATE imports SET rows_read = ?1, blank_rows = ?2, imported = ?3, warned = ?4, rejected = ?5, skipped = ?6,
                                problems = ?7, finished_at = ?8 WHERE id = ?9",
            params![
                c.rows_read as i64,
                c.blank_rows as i64,
                c.imported as i64,
                c.warned as i64,
                c.rejected as i64,
                c.skipped as i64,
                c.problems as i64,
                now(),
                self.import_id
            ],
        )?;
        self.tx.commit()?;
        crate::fault::point("import:after-commit");
        Ok(ch)
    }
}
