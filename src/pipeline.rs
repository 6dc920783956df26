//! Runs the stages over one file: import → map → cleanse → store, in one
//! transaction. A file that fails leaves the database as it was.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Result};

use crate::cleanse::cleanse_record;
use crate::import::{self, ReadOptions};
use crate::mapping::{Field, Mapping, MappingError, Status};
use crate::model::{Location, Severity};
use crate::store::{Counts, ImportHeader, ImportWriter, RowOut, Store};

/// Progress reporting; only the CLI draws bars, so stages stay testable.
pub trait Progress {
    /// A new phase with an estimated total of rows (if known).
    fn start(&self, _what: &str, _total: Option<u64>) {}
    fn inc(&self, _n: u64) {}
    fn finish(&self) {}
}

/// What importing one file did.
#[derive(Debug)]
pub enum Outcome {
    Imported(ImportReport),
    /// The same content was imported before for this source: nothing done.
    Unchanged {
        import_id: i64,
        finished_at: String,
    },
}

/// Counts of one import, and its problems by field and reason.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub import_id: i64,
    pub format: &'static str,
    pub encoding: Option<String>,
    pub counts: Counts,
    /// What happened to the rows earlier versions of the file brought.
    pub changes: crate::store::Changes,
    /// (severity, field, code) → count.
    pub problems: BTreeMap<(Severity, String, &'static str), u64>,
}

/// Options that override the mapping's `[source]` (from the command line).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub read: ReadOptions,
}

/// A file's place in a project: the project folder (that of karte.toml)
/// and the file's path relative to it, with `/` between folders.
#[derive(Debug, Clone)]
pub struct Place {
    pub dir: std::path::PathBuf,
    pub rel: String,
}

impl Place {
    /// The place of `path` in the project folder `dir`, if it is inside it.
    pub fn of(dir: &Path, path: &Path) -> Option<Place> {
        let rel = path.strip_prefix(dir).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| match c {
                std::path::Component::Normal(s) => s.to_str().map(str::to_string),
                _ => None,
            })
            .collect::<Option<_>>()?;
        (!parts.is_empty()).then(|| Place { dir: dir.to_path_buf(), rel: parts.join("/") })
    }
}

/// Imports one file with a mapping. A file of a project (`place`) is known
/// by its place in the project; any other by its full path.
pub fn import_file(
    store: &mut Store,
    run_id: i64,
    mapping: &Mapping,
    path: &Path,
    place: Option<&Place>,
    overrides: &Overrides,
    progress: &dyn Progress,
) -> Result<Outcome> {
    let mut opts = mapping.read_options();
    let o = &overrides.read;
    if o.format.is_some() {
        opts.format = o.format;
    }
    if o.encoding.is_some() {
        opts.encoding = o.encoding;
    }
    if o.delimiter.is_some() {
        opts.delimiter = o.delimiter;
    }
    if o.sheets.is_some() {
        opts.sheets = o.sheets.clone();
    }
    if o.header_row.is_some() {
        opts.header_row = o.header_row;
    }
    // A project's file is known by its place in the project (its path
    // relative to the project folder), so a project moved or copied
    // elsewhere is the same karte; any other file by its full path. An
    // unchanged file (the same size and modification time as at its last
    // import, or failing that the same bytes), read with the same mapping,
    // is not read again.
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let file_path = full.display().to_string();
    let meta = std::fs::metadata(path).ok();
    let mtime_ns = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok().and_then(|d| i64::try_from(d.as_nanos()).ok()));
    let mut file_key = place.map(|p| p.rel.clone()).unwrap_or_else(|| file_path.clone());
    let prior = store.latest_import(&mapping.source.name, &file_key, &file_path)?;
    if let (Some(p), None) = (&prior, place) {
        // `karte import` of a file a project run imported: it stays known
        // as the project knows it.
        file_key = p.file_key.clone();
    }
    let same_mapping = |p: &crate::store::PriorImport| p.mapping_hash.as_deref() == Some(mapping.hash.as_str());
    if let (Some(p), Some(m)) = (&prior, &meta) {
        if same_mapping(p) && p.size == m.len() as i64 && mtime_ns.is_some() && p.mtime_ns == mtime_ns {
            if p.file_path != file_path {
                store.touch_import(p.id, mtime_ns, &file_path)?;
            }
            return Ok(Outcome::Unchanged { import_id: p.id, finished_at: p.finished_at.clone() });
        }
    }
    let raw = import::RawFile::read(path)?;
    if let Some(p) = &prior {
        if same_mapping(p) && p.content_hash == raw.hash {
            store.touch_import(p.id, mtime_ns, &file_path)?;
            return Ok(Outcome::Unchanged { import_id: p.id, finished_at: p.finished_at.clone() });
        }
    }
    let mut same_file = vec![file_key.clone()];
    match &prior {
        Some(p) if p.file_key != file_key => same_file.push(p.file_key.clone()),
        Some(_) => {}
        None => {
            if let Some(old) = store.moved_from(&mapping.source.name, &raw.name, &file_key, place.map(|p| p.dir.as_path()))? {
                same_file.push(old);
            }
        }
    }
    let mut file = import::parse(raw, &opts)?;
    if file.tables.is_empty() {
        bail!("{}: no sheet has any data: there is nothing to import", file.name);
    }
    file.problems.extend(mapping.unused_sheet_sections(&file));
    // Check the mapping against every table before writing anything.
    let resolved =
        file.tables.iter().map(|t| mapping.resolve(&file.name, t).map_err(|e| columns_error(e, t))).collect::<Result<Vec<_>, _>>()?;

    let enc = file.encoding.as_ref();
    let header = ImportHeader {
        run_id,
        source: &mapping.source.name,
        label: mapping.source.label.as_deref(),
        mapping_path: &mapping.path,
        mapping_hash: &mapping.hash,
        file_name: &file.name,
        file_path: &file_path,
        file_key: &file_key,
        content_hash: &file.hash,
        size: file.size,
        format: file.format.name(),
        encoding: enc.map(|e| e.name),
        encoding_confidence: enc.map(|e| e.confidence.as_str()),
        field_columns: mapping.field_columns_json(),
        fields: mapping.customer_fields(),
        priority: mapping.source.priority,
        mtime_ns,
        same_file,
    };
    let mut report = ImportReport {
        format: file.format.name(),
        encoding: enc.map(|e| format!("{} ({})", e.name, e.confidence.as_str())),
        ..ImportReport::default()
    };

    // Reading, mapping and cleansing run on this thread; SQLite writes on
    // another, fed in batches. The writer commits only when told the file
    // was read to the end: any error here drops the channel and the writer
    // rolls the whole file back.
    let expected: u64 = file.tables.iter().filter_map(|t| t.size_hint()).sum();
    // Only into a karte that holds no records yet (the first night): a
    // rollback journal shuts readers out for the length of the import,
    // and once there is something to read, `show` and `export` must go on
    // reading while a night's run imports (WAL lets them).
    let bulk = expected >= BULK_ROWS && store.is_empty()?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Msg>(8);
    // Written batches come back to be freed here, not on the writer thread.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<Vec<RowOut>>();
    let (import_id, changes) = std::thread::scope(|scope| -> Result<(i64, crate::store::Changes)> {
        let writer = scope.spawn(move || -> Result<(i64, crate::store::Changes)> {
            let switched = if bulk { store.begin_bulk()? } else { false };
            let written = write_import(store, &header, rx, done_tx);
            store.end_bulk(switched)?;
            written
        });
        let produced = produce(&file, &resolved, &mut report, progress, &tx, &done_rx);
        let produced = produced.and_then(|counts| {
            tx.send(Msg::Finish(counts)).map_err(|_| WriterStopped)?;
            Ok(counts)
        });
        drop(tx);
        let written = writer.join().map_err(|_| anyhow::anyhow!("the database writer panicked"))?;
        match (produced, written) {
            (Ok(counts), Ok(done)) => {
                report.counts = counts;
                Ok(done)
            }
            // When the writer failed (a full disk, say), the reading side
            // only saw it stop: the writer's error is the one that explains.
            (Err(e), Err(w)) if e.is::<WriterStopped>() => Err(w),
            // Otherwise the reading side's error explains, and the writer
            // merely rolled back.
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e),
        }
    })?;
    report.import_id = import_id;
    report.changes = changes;
    Ok(Outcome::Imported(report))
}

/// A column the mapping names is missing: say so naming columns, never
/// cell values. A header that looks like data (a POS export saved without
/// its header line: `R2019-000083, 2019/04/01, A0063, 佐藤　美咲, …`) is
/// reported as a missing header row, without listing it; otherwise the
/// columns that look like values (digits, dates, phones, e-mail) are named
/// by their letter.
fn columns_error(e: MappingError, t: &import::Table) -> MappingError {
    let MappingError::ColumnNotFound { key, column, place, more, .. } = e else { return e };
    let (Some(h), false) = (t.header_row, t.columns.is_empty()) else {
        return MappingError::ColumnNotFound { key, column, place, hint: String::new(), more };
    };
    let row_word = if t.sheet.is_empty() { "line" } else { "row" };
    let hint = if let Some((n, of)) = import::header_looks_like_data(&t.columns) {
        format!(
            ": it seems to have no header row — {row_word} {h}, read as the header, holds values ({n} of its {of} cells look like numbers, codes, dates, phones or e-mail addresses), not column names; add the header {row_word} the mapping expects, or set header_row"
        )
    } else {
        let shown: Vec<String> = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| if import::looks_like_value(c) { format!("列{}", crate::model::column_letter(i)) } else { import::printable(c) })
            .collect();
        match crate::mapping::suggest(&column, t.columns.iter().map(String::as_str)).filter(|s| !import::looks_like_value(s)) {
            Some(s) => format!("; did you mean '{}'?", import::printable(s)),
            None => {
                let cols: Vec<&str> = shown.iter().map(String::as_str).take(30).collect();
                format!("; its columns are: {}", cols.join(", "))
            }
        }
    };
    MappingError::ColumnNotFound { key, column, place, hint, more }
}

/// The reading side's view of a writer that failed: the writer's own error
/// says why.
#[derive(Debug, thiserror::Error)]
#[error("the database writer stopped")]
struct WriterStopped;

/// Messages from the reading thread to the database writer.
enum Msg {
    Problems(Vec<crate::model::Problem>),
    Rows(Vec<RowOut>),
    Finish(Counts),
}

const BATCH: usize = 2048;

/// Files expected to hold at least this many rows are written in bulk mode
/// into an empty karte (see [`Store::begin_bulk`]).
const BULK_ROWS: u64 = 20_000;

/// Reads every table, maps and cleanses each row, and sends the records.
fn produce(
    file: &import::SourceFile,
    resolved: &[crate::mapping::Resolved<'_>],
    report: &mut ImportReport,
    progress: &dyn Progress,
    tx: &std::sync::mpsc::SyncSender<Msg>,
    done: &std::sync::mpsc::Receiver<Vec<RowOut>>,
) -> Result<Counts> {
    let send = |m: Msg| tx.send(m).map_err(|_| WriterStopped);
    let mut counts = Counts::default();
    let cleanse_ctx = crate::cleanse::Context::default();
    // A file-level problem that names a line (bytes that did not decode on
    // line 122) belongs to the record read from that line: stored with it,
    // and the record counted as warned. What no record starts on stays the
    // file's.
    let mut by_line: std::collections::HashMap<u64, Vec<crate::model::Problem>> = std::collections::HashMap::new();
    let mut file_level = Vec::new();
    let text_file = file.tables.len() == 1 && file.tables[0].sheet.is_empty();
    for p in &file.problems {
        if text_file && p.location.row > 0 && p.location.sheet.is_empty() {
            by_line.entry(p.location.row).or_default().push(p.clone());
        } else {
            file_level.push(p.clone());
        }
    }
    for (table, res) in file.tables.iter().zip(resolved) {
        let required: Vec<Field> = res.required().collect();
        let what = if table.sheet.is_empty() { file.name.clone() } else { format!("{} [{}]", file.name, table.sheet) };
        progress.start(&what, table.size_hint());
        let ctx = Location { file: file.name.clone(), sheet: table.sheet.clone(), row: 0, column: None };
        let mut batch = Vec::with_capacity(BATCH);
        let stats = table.for_each_row(&ctx, |row| {
            let line = row.row;
            let mut rec = res.apply(table, row, &file.name);
            cleanse_record(&mut rec, &required, &file.name, &cleanse_ctx);
            if let Some(ps) = by_line.remove(&line) {
                rec.problems.splice(0..0, ps);
            }
            match rec.status {
                Status::Active => {
                    counts.imported += 1;
                    if rec.problems.iter().any(|p| p.severity >= Severity::Warning) {
                        counts.warned += 1;
                    }
                }
                Status::Skipped(_) => {
                    counts.skipped += 1;
                    *report.problems.entry((Severity::Info, String::new(), "skipped_row")).or_insert(0) += 1;
                }
                Status::Rejected(_) => counts.rejected += 1,
            }
            counts.problems += rec.problems.len() as u64;
            for p in &rec.problems {
                tally(report, p);
            }
            batch.push(RowOut::from_record(rec));
            if batch.len() == BATCH {
                send(Msg::Rows(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))))?;
                progress.inc(BATCH as u64);
                while let Ok(written) = done.try_recv() {
                    drop(written);
                }
            }
            Ok(())
        })?;
        progress.inc(batch.len() as u64);
        if !batch.is_empty() {
            send(Msg::Rows(batch))?;
        }
        progress.finish();
        counts.rows_read += stats.rows;
        counts.blank_rows += stats.blank;
    }
    let mut rest = file_level;
    let mut left: Vec<crate::model::Problem> = by_line.into_values().flatten().collect();
    left.sort_by_key(|p| p.location.row);
    rest.extend(left);
    for p in &rest {
        counts.problems += 1;
        tally(report, p);
    }
    send(Msg::Problems(rest))?;
    if counts.rows_read == 0 {
        let where_ = file
            .tables
            .first()
            .and_then(|t| {
                t.header_row.map(|h| {
                    if t.sheet.is_empty() {
                        format!(" (header on line {h})")
                    } else {
                        format!(" (sheet '{}', header on row {h})", t.sheet)
                    }
                })
            })
            .unwrap_or_default();
        bail!("{}: no data rows below the header{where_}: there is nothing to import", file.name);
    }
    Ok(counts)
}

fn tally(report: &mut ImportReport, p: &crate::model::Problem) {
    *report.problems.entry((p.severity, p.field.clone().unwrap_or_default(), p.code)).or_insert(0) += 1;
}

/// The database side of one import: everything in one transaction, which
/// commits only on `Msg::Finish`.
fn write_import(
    store: &mut Store,
    header: &ImportHeader,
    rx: std::sync::mpsc::Receiver<Msg>,
    done: std::sync::mpsc::Sender<Vec<RowOut>>,
) -> Result<(i64, crate::store::Changes)> {
    let w = ImportWriter::begin(store, header)?;
    let id = w.import_id;
    for msg in rx {
        match msg {
            Msg::Problems(ps) => {
                for p in &ps {
                    w.problem(p, None)?;
                }
            }
            Msg::Rows(rows) => {
                w.records(&rows)?;
                crate::fault::point("import:rows-written");
                // The reading thread frees it; if it is gone, free it here.
                if let Err(back) = done.send(rows) {
                    drop(back.0);
                }
            }
            Msg::Finish(counts) => {
                let changes = w.finish(&counts)?;
                return Ok((id, changes));
            }
        }
    }
    // The reading side stopped early: dropping `w` rolls everything back.
    bail!("import of {} abandoned; nothing was written", header.file_name)
}
