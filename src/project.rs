//! The project file (`karte.toml`) and the nightly run it drives: import
//! every configured source, dedup, update golden records, write the review
//! report and the exports, one summary.
//!
//! Every step is atomic on its own (an import is one transaction, dedup is
//! one transaction, a report or export is written beside its target and
//! renamed over it) and every step knows whether it still has work: a file
//! is skipped when it is unchanged since its last import, dedup runs when
//! the data changed since the last dedup (the database's generation
//! counter), the review report and each export are written when the data
//! changed since they were written or the file is missing. So a run killed
//! at any moment is completed by the next one, with nothing lost and
//! nothing doubled; and a run with nothing new does next to nothing.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::mapping::{glob_match, Mapping};
use crate::pipeline::{import_file, Outcome, Overrides, Progress};
use crate::store::{self, Store};

/// The project file's name.
pub const FILE: &str = "karte.toml";

/// karte.toml as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectToml {
    #[serde(default = "default_db")]
    database: String,
    #[serde(default = "default_mappings")]
    mappings: String,
    #[serde(default)]
    source: Vec<SourceToml>,
    #[serde(default)]
    dedup: DedupToml,
    #[serde(default)]
    export: Vec<ExportToml>,
    #[serde(default)]
    problems: ProblemsToml,
}

/// `[problems]`: the problems report `karte run` writes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProblemsToml {
    #[serde(default = "yes")]
    enabled: bool,
    /// Default: problems.xlsx beside the review report.
    report: Option<String>,
    /// List info-level notes too (a leading zero put back, a note moved
    /// out of a name), not only warnings and rejects.
    #[serde(default)]
    info: bool,
}

impl Default for ProblemsToml {
    fn default() -> Self {
        ProblemsToml { enabled: true, report: None, info: false }
    }
}

fn default_db() -> String {
    "karte.db".into()
}
fn default_mappings() -> String {
    "mappings".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceToml {
    files: Vec<String>,
    mapping: Option<String>,
    /// A source with no file tonight fails the run unless it says
    /// `required = false` (then it is a warning).
    #[serde(default = "yes")]
    required: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DedupToml {
    #[serde(default = "yes")]
    enabled: bool,
    config: Option<String>,
    #[serde(default = "default_review")]
    review: String,
}

impl Default for DedupToml {
    fn default() -> Self {
        DedupToml { enabled: true, config: None, review: default_review() }
    }
}

fn yes() -> bool {
    true
}
fn default_review() -> String {
    "review.xlsx".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportToml {
    path: String,
    format: Option<String>,
    encoding: Option<String>,
    /// CP932 only: fold (default), substitute or fail.
    unencodable: Option<String>,
}

/// A loaded project: every path made absolute against the project file's
/// folder, every mapping loaded and checked.
#[derive(Debug)]
pub struct Project {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub database: PathBuf,
    /// The files to import, each with its mapping, in the order configured.
    pub files: Vec<(PathBuf, usize)>,
    pub mappings: Vec<Mapping>,
    /// Patterns that matched no file: of a required source (every source
    /// unless it says `required = false`) a failure, of an optional one a
    /// warning.
    pub missing: Vec<Missing>,
    /// Mappings or patterns that could not be used: those sources fail,
    /// the others run.
    pub broken: Vec<String>,
    pub dedup_enabled: bool,
    pub dedup_config: Option<PathBuf>,
    pub review: PathBuf,
    pub exports: Vec<ExportSpec>,
    /// The problems report (None: switched off), and whether it lists
    /// info-level notes too.
    pub problems_report: Option<PathBuf>,
    pub problems_info: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    /// The source's name (its mapping's `[source] name`), or `[[source]]
    /// #N` when its mapping could not be chosen.
    pub source: String,
    pub pattern: String,
    pub required: bool,
}

#[derive(Debug, Clone)]
pub struct ExportSpec {
    pub path: PathBuf,
    pub kind: crate::export::Kind,
}

/// A mistake in the project file: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProjectError(pub String);

impl Project {
    pub fn load(path: &Path) -> Result<Project> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ProjectError(format!(
                "cannot read the project file {}: {e}{}",
                path.display(),
                if e.kind() == std::io::ErrorKind::NotFound { " (karte init writes one to start from)" } else { "" }
            ))
        })?;
        let t: ProjectToml =
            toml::from_str(&text).map_err(|e| ProjectError(format!("in the project file {}: {}", path.display(), e.to_string().trim())))?;
        let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = full.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let at = |p: &str| -> PathBuf {
            let p = Path::new(p);
            clean(&if p.is_absolute() { p.to_path_buf() } else { dir.join(p) })
        };
        if t.source.is_empty() {
            return Err(ProjectError(format!(
                "the project file {} has no [[source]]: add one per kind of file (files = [\"…\"], mapping = \"mappings/….toml\")",
                path.display()
            ))
            .into());
        }
        let mut p = Project {
            path: full.clone(),
            dir: dir.clone(),
            database: at(&t.database),
            files: Vec::new(),
            mappings: Vec::new(),
            missing: Vec::new(),
            broken: Vec::new(),
            dedup_enabled: t.dedup.enabled,
            dedup_config: t.dedup.config.as_deref().map(at),
            review: at(&t.dedup.review),
            exports: Vec::new(),
            problems_report: None,
            problems_info: t.problems.info,
        };
        if let Err(e) = crate::dedup::review::check_report_path(&p.review) {
            return Err(ProjectError(format!("in the project file {}, [dedup] review: {e:#}", path.display())).into());
        }
        if t.problems.enabled {
            let report = match &t.problems.report {
                Some(r) => at(r),
                None => p.review.parent().map(|d| d.join("problems.xlsx")).unwrap_or_else(|| dir.join("problems.xlsx")),
            };
            if let Err(e) = crate::export::Kind::from_path(&report) {
                return Err(ProjectError(format!("in the project file {}, [problems] report: {e:#}", path.display())).into());
            }
            p.problems_report = Some(report);
        }
        for e in &t.export {
            let out = at(&e.path);
            let format = match e.format.as_deref() {
                Some(f) => f.to_ascii_lowercase(),
                None => out.extension().map(|x| x.to_string_lossy().to_ascii_lowercase()).unwrap_or_default(),
            };
            let wrong = |m: String| ProjectError(format!("in the project file {}, [[export]] {}: {m}", path.display(), e.path));
            let mut kind = crate::export::Kind::parse(&format, e.encoding.as_deref().unwrap_or("utf-8-bom")).map_err(wrong)?;
            if let Some(u) = &e.unencodable {
                let policy = crate::export::Cp932Policy::parse(u).map_err(wrong)?;
                match &mut kind {
                    crate::export::Kind::CsvCp932(p) => *p = policy,
                    _ => {
                        return Err(
                            wrong("unencodable is for a CSV export in cp932 (every other export holds every character)".into()).into()
                        )
                    }
                }
            }
            p.exports.push(ExportSpec { path: out, kind });
        }
        // Mappings by path, loaded once; the mappings folder only when a
        // source names none.
        let mut folder: Option<Vec<usize>> = None;
        for (n, s) in t.source.iter().enumerate() {
            let label = format!("[[source]] #{} ({})", n + 1, s.files.join(", "));
            let chosen: Option<usize> = match &s.mapping {
                Some(m) => match p.load_mapping(&at(m)) {
                    Ok(i) => Some(i),
                    Err(e) => {
                        p.broken.push(format!("{label}: {e:#}"));
                        continue;
                    }
                },
                None => {
                    if folder.is_none() {
                        folder = Some(p.load_folder(&at(&t.mappings)).unwrap_or_else(|e| {
                            p.broken.push(format!("{label}: {e:#}"));
                            Vec::new()
                        }));
                    }
                    None
                }
            };
            for pattern in &s.files {
                let found = match expand(&dir, pattern) {
                    Ok(f) => f,
                    Err(e) => {
                        p.broken.push(format!("{label}: {e:#}"));
                        continue;
                    }
                };
                if found.is_empty() {
                    let source = match chosen {
                        Some(i) => p.mappings[i].source.name.clone(),
                        None => format!("[[source]] #{}", n + 1),
                    };
                    p.missing.push(Missing { source, pattern: pattern.clone(), required: s.required });
                }
                for f in found {
                    let m = match chosen {
                        Some(i) => i,
                        None => {
                            let name = crate::import::file_name(&f);
                            let hits: Vec<usize> =
                                folder.iter().flatten().copied().filter(|&i| p.mappings[i].matches_file(&name)).collect();
                            match hits.as_slice() {
                                [i] => *i,
                                [] => {
                                    p.broken.push(format!(
                                        "{label}: no mapping in {} matches {name} (by its [source] files patterns); name one with mapping = \"…\"",
                                        at(&t.mappings).display()
                                    ));
                                    continue;
                                }
                                _ => {
                                    p.broken.push(format!("{label}: {name} matches several mappings; name one with mapping = \"…\""));
                                    continue;
                                }
                            }
                        }
                    };
                    if let Some((_, other)) = p.files.iter().find(|(g, _)| *g == f) {
                        return Err(ProjectError(format!(
                            "in the project file {}: {} is matched by two sources (mappings {} and {}); each file must belong to one",
                            path.display(),
                            f.display(),
                            p.mappings[*other].path,
                            p.mappings[m].path
                        ))
                        .into());
                    }
                    p.files.push((f, m));
                }
            }
        }
        Ok(p)
    }

    fn load_mapping(&mut self, path: &Path) -> Result<usize> {
        let shown = path.display().to_string();
        if let Some(i) = self.mappings.iter().position(|m| m.path == shown) {
            return Ok(i);
        }
        self.mappings.push(Mapping::load(path)?);
        Ok(self.mappings.len() - 1)
    }

    fn load_folder(&mut self, dir: &Path) -> Result<Vec<usize>> {
        let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read the mappings folder {}", dir.display()))?;
        let mut paths: Vec<PathBuf> =
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
        paths.sort();
        paths.into_iter().map(|p| self.load_mapping(&p)).collect()
    }
}

/// `a/b/../c` → `a/c`, `a/./b` → `a/b`: paths as a person reads them.
fn clean(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The files a pattern names: `data/ledger*.xlsx` — the folder part is
/// taken as written (relative to the project), the file-name part may hold
/// `*` and `?`. In name order.
fn expand(dir: &Path, pattern: &str) -> Result<Vec<PathBuf>> {
    let p = Path::new(pattern);
    let full = clean(&if p.is_absolute() { p.to_path_buf() } else { dir.join(p) });
    let name = full.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let parent = full.parent().map(Path::to_path_buf).unwrap_or_else(|| dir.to_path_buf());
    if parent.to_string_lossy().contains(['*', '?']) {
        bail!("the pattern {pattern}: only the file name may hold * or ?, not its folders");
    }
    if !name.contains(['*', '?']) {
        return Ok(if full.is_file() { vec![full] } else { Vec::new() });
    }
    let entries = match std::fs::read_dir(&parent) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read the folder {}", parent.display())),
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            // Office's lock files (~$book.xlsx) and karte's own half-written files.
            !n.starts_with("~$") && !n.ends_with(".~karte") && glob_match(&name, &n)
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    Ok(out)
}

/// How `karte run` is asked to run.
pub struct RunOptions<'a> {
    pub dry_run: bool,
    /// Seconds to wait for another karte command holding the database.
    pub wait: u64,
    /// Put names, phones and raw values of rejected rows and review pairs
    /// in the summary.
    pub show_pii: bool,
    pub progress: &'a dyn Progress,
    /// Called with each dedup stage's name.
    pub stage: &'a dyn Fn(&str),
}

/// What one file's import did.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    pub file: String,
    pub path: String,
    pub source: String,
    /// imported, unchanged, failed
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub rows_read: u64,
    pub imported: u64,
    pub warned: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged_rows: u64,
    pub gone: u64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct DedupResult {
    pub ran: bool,
    /// Why it did not run, or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub failed: bool,
    pub records: u64,
    pub candidate_pairs: u64,
    pub merged_pairs: u64,
    pub records_moved: u64,
    pub sent_to_review: u64,
    pub customers_before: u64,
    pub customers_after: u64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutputResult {
    pub path: String,
    /// written, up to date, would write (dry run), failed, none (nothing to review)
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A value with characters a CP932 export cannot hold. The characters
/// are part of a name or an address: shown only with --show-pii, counted
/// otherwise.
#[derive(Debug, Clone, Serialize)]
pub struct UnencodableLine {
    pub export: String,
    pub customer: String,
    pub field: String,
    /// folded (to the form CP932 has, and the rest as 〓), substituted (as
    /// 〓), refused (the export was not written)
    pub action: &'static str,
    /// `𠮷→吉` pairs (or their count).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub folded: String,
    /// Written as 〓, or that stopped the export (or their count).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub unencodable: String,
}

/// A row of personal detail, only with --show-pii.
#[derive(Debug, Clone, Serialize)]
pub struct PiiLine {
    pub what: String,
}

/// The summary of one `karte run`.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub project: String,
    pub database: String,
    /// done (everything succeeded), partial (some step failed, the rest
    /// done), failed (nothing could be done)
    pub status: &'static str,
    pub dry_run: bool,
    pub run_id: Option<i64>,
    /// Runs an earlier karte left unfinished (killed): this run completes
    /// their work.
    pub interrupted_before: Vec<i64>,
    pub files: Vec<FileResult>,
    pub missing: Vec<Missing>,
    pub broken: Vec<String>,
    pub dedup: DedupResult,
    /// Review items waiting for a person (all runs).
    pub review_pending: u64,
    /// Decisions a person wrote into the review report and had not applied
    /// yet: applied before dedup (which would replace the report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_applied: Option<crate::dedup::review::Applied>,
    pub review_report: Option<OutputResult>,
    /// The problems report (warnings and rejects that hold now).
    pub problems_report: Option<OutputResult>,
    pub exports: Vec<OutputResult>,
    /// Values with characters the CP932 exports cannot hold, and what was
    /// done with them.
    pub unencodable: Vec<UnencodableLine>,
    pub customers: u64,
    pub records: u64,
    pub records_gone: u64,
    pub seconds: f64,
    /// Seconds per step: import, dedup, reports and exports.
    pub steps: Vec<(String, f64)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<PiiLine>,
}

impl RunSummary {
    /// The process exit code: 0 when every step did its work; 1 when any
    /// source, step or export failed (or a required source is missing).
    pub fn exit_code(&self) -> i32 {
        if self.status == "done" {
            0
        } else {
            1
        }
    }
}

/// Runs the project once.
pub fn run(project: &Project, opts: &RunOptions) -> Result<RunSummary> {
    let started = std::time::Instant::now();
    let mut sum = RunSummary {
        project: project.path.display().to_string(),
        database: project.database.display().to_string(),
        status: "done",
        dry_run: opts.dry_run,
        run_id: None,
        interrupted_before: Vec::new(),
        files: Vec::new(),
        missing: project.missing.clone(),
        broken: project.broken.clone(),
        dedup: DedupResult::default(),
        review_pending: 0,
        review_applied: None,
        review_report: None,
        problems_report: None,
        exports: Vec::new(),
        unencodable: Vec::new(),
        customers: 0,
        records: 0,
        records_gone: 0,
        seconds: 0.0,
        steps: Vec::new(),
        details: Vec::new(),
    };
    if let Some(dir) = project.database.parent().filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
        if opts.dry_run {
            bail!("the database's folder {} does not exist (a real run creates it)", dir.display());
        }
        crate::fsx::create_dir_all(dir).with_context(|| format!("cannot create the database's folder {}", dir.display()))?;
    }
    // A dry run writes nothing, not even the lock file: with no lock file
    // nobody holds the database (it works on a copy anyway).
    let lock_file = store::lock_path(&project.database);
    let lock = if opts.dry_run && !(lock_file.exists() && project.database.exists()) {
        None
    } else {
        Some(store::acquire_lock(&project.database, "run", std::time::Duration::from_secs(opts.wait))?)
    };
    // A dry run works on a copy of the database, thrown away at the end:
    // exactly what would change, and nothing written.
    let scratch = if opts.dry_run { Some(Scratch::new(&project.database)?) } else { None };
    let db_path = scratch.as_ref().map(|s| s.path.clone()).unwrap_or_else(|| project.database.clone());
    let mut store = Store::open(&db_path)?;

    // Runs left 'running' were killed: nobody else holds the lock.
    {
        let mut st = store.conn.prepare("SELECT id FROM runs WHERE status = 'running' ORDER BY id")?;
        sum.interrupted_before = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    }
    store.conn.execute(
        "UPDATE runs SET status = 'failed', finished_at = ?1, summary = coalesce(summary, '{\"interrupted\":true}') WHERE status = 'running'",
        [store::now()],
    )?;
    let run_id = store.begin_run("run")?;
    sum.run_id = Some(run_id);

    // 1. Import.
    let t = std::time::Instant::now();
    let mut failed_steps = !project.broken.is_empty() || project.missing.iter().any(|m| m.required);
    // A file inside the project folder is known by its place there (a
    // moved or copied project is the same karte); one outside by its full
    // path. A database from before knew every file by its full path: those
    // inside this folder, or at the same place of a folder a project run
    // read them in, become places now.
    let places: Vec<Option<crate::pipeline::Place>> =
        project.files.iter().map(|(path, _)| crate::pipeline::Place::of(&project.dir, path)).collect();
    let outside: Vec<String> = project
        .files
        .iter()
        .zip(&places)
        .filter(|(_, p)| p.is_none())
        .map(|((path, _), _)| std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()).display().to_string())
        .collect();
    for ((_, m), place) in project.files.iter().zip(&places) {
        if let Some(p) = place {
            store.adopt_place(&project.mappings[*m].source.name, &p.rel, &project.dir, &outside)?;
        }
    }
    for ((path, m), place) in project.files.iter().zip(&places) {
        let mapping = &project.mappings[*m];
        let mut fr = FileResult {
            file: crate::import::file_name(path),
            path: path.display().to_string(),
            source: mapping.source.name.clone(),
            outcome: "imported",
            error: None,
            rows_read: 0,
            imported: 0,
            warned: 0,
            rejected: 0,
            skipped: 0,
            added: 0,
            updated: 0,
            unchanged_rows: 0,
            gone: 0,
        };
        match import_file(&mut store, run_id, mapping, path, place.as_ref(), &Overrides::default(), opts.progress) {
            Ok(Outcome::Imported(r)) => {
                let c = r.counts;
                (fr.rows_read, fr.imported, fr.warned, fr.rejected, fr.skipped) =
                    (c.rows_read, c.imported, c.warned, c.rejected, c.skipped);
                let ch = r.changes;
                (fr.added, fr.updated, fr.unchanged_rows, fr.gone) = (ch.added, ch.updated, ch.unchanged, ch.gone);
            }
            Ok(Outcome::Unchanged { .. }) => fr.outcome = "unchanged",
            Err(e) => {
                failed_steps = true;
                fr.outcome = "failed";
                fr.error = Some(format!("{e:#}"));
            }
        }
        sum.files.push(fr);
    }
    if sum.files.iter().any(|f| f.outcome == "imported") {
        sum.steps.push(("import".into(), t.elapsed().as_secs_f64()));
    }

    // Decisions a person wrote into the review report but did not apply:
    // applied now, before dedup supersedes their items and the report is
    // written again (which would throw them away). When they cannot be
    // applied, the report is kept as it is and dedup waits for it.
    let mut keep_report = false;
    if project.dedup_enabled && project.review.is_file() {
        let shown = project.review.display().to_string();
        // A report as karte wrote it (same size and time) holds no
        // decisions: not read again. Any other is a person's work: its
        // decisions are applied, and one karte cannot read, or whose
        // decisions it cannot take (one it does not know, a sort that left
        // the hidden key behind), is kept as it is while dedup waits.
        let untouched = file_stamp(&project.review).is_some()
            && store::meta_get(&store.conn, &format!("review-file:{shown}"))? == file_stamp(&project.review);
        let applied = if untouched {
            Ok(None)
        } else {
            crate::dedup::review::unapplied(&store.conn, &project.review)
                .map_err(|e| e.context("it cannot be read as a review report"))
                .and_then(|n| match n {
                    0 => Ok(None),
                    n => crate::dedup::review::apply(&mut store.conn, &project.review)
                        .map(Some)
                        .map_err(|e| e.context(format!("it holds {n} decision(s) not applied yet, and they could not be applied"))),
                })
        };
        match applied {
            Ok(a) => sum.review_applied = a,
            Err(e) => {
                failed_steps = true;
                keep_report = true;
                sum.review_report = Some(OutputResult {
                    path: shown,
                    outcome: "failed",
                    note: Some(format!(
                        "{e:#}; the report was kept as it is and dedup did not run: correct it and run karte review apply (or karte run) again, or move it away to have a new one written"
                    )),
                });
            }
        }
    }

    // 2. Dedup, when the data changed since the last one (or its settings did).
    if !project.dedup_enabled {
        sum.dedup.note = Some("dedup is switched off in the project file".into());
    } else if keep_report {
        sum.dedup.note = Some("not run: the review report holds decisions that could not be applied".into());
    } else {
        sum.dedup = dedup_step(&mut store, project, opts)?;
        failed_steps |= sum.dedup.failed;
        if sum.dedup.ran {
            sum.steps.push(("dedup".into(), sum.dedup.seconds));
        }
    }
    let generation = store::generation(&store.conn)?;
    let deduped = store::meta_get(&store.conn, "dedup_generation")?.and_then(|v| v.parse::<i64>().ok()) == Some(generation);

    // 3. The review report, when there is work for a person and the file
    // is missing or older than the data.
    sum.review_pending =
        store.conn.query_row("SELECT count(*) FROM review_items WHERE status IN ('open', 'undecided')", [], |r| r.get::<_, i64>(0))? as u64;
    // What needs writing is decided here; the files are then written side
    // by side, each from its own read connection (the database does not
    // change meanwhile: this run holds the writer lock).
    enum Job<'p> {
        Review { run: i64, items: Vec<crate::dedup::ReviewPair>, token: String },
        Export(&'p ExportSpec),
        Problems { path: &'p Path, min: crate::model::Severity, digest: String },
    }
    let mut jobs: Vec<(usize, Job)> = Vec::new();
    if project.dedup_enabled && !keep_report {
        let shown = project.review.display().to_string();
        let res = (|| -> Result<Option<OutputResult>> {
            let Some((review_run, items)) = crate::dedup::review::pending(&store.conn)? else {
                return Ok(Some(OutputResult { path: shown.clone(), outcome: "none", note: Some("nothing to review".into()) }));
            };
            let token = format!("{review_run}:{}:{generation}", items.len());
            if store::meta_get(&store.conn, &format!("review:{shown}"))?.as_deref() == Some(token.as_str()) && project.review.is_file() {
                return Ok(Some(OutputResult { path: shown.clone(), outcome: "up to date", note: None }));
            }
            if opts.dry_run {
                return Ok(Some(OutputResult {
                    path: shown.clone(),
                    outcome: "would write",
                    note: Some(format!("{} items", items.len())),
                }));
            }
            jobs.push((usize::MAX, Job::Review { run: review_run, items, token }));
            Ok(None)
        })();
        sum.review_report = match res {
            Ok(r) => r,
            Err(e) => {
                failed_steps = true;
                Some(OutputResult { path: shown.clone(), outcome: "failed", note: Some(format!("{e:#}")) })
            }
        };
    }
    for (i, e) in project.exports.iter().enumerate() {
        let shown = e.path.display().to_string();
        let token = export_token(generation, e);
        let res = if token.is_some() && store::meta_get(&store.conn, &format!("export:{shown}"))? == token {
            // What it said when it was written (values folded, say): the
            // same every night until it is written again.
            let note = store::meta_get(&store.conn, &format!("export-note:{shown}"))?.filter(|n| !n.is_empty());
            OutputResult { path: shown.clone(), outcome: "up to date", note }
        } else if !deduped && project.dedup_enabled {
            failed_steps = true;
            OutputResult {
                path: shown.clone(),
                outcome: "failed",
                note: Some("not written: dedup did not complete, so the customers are not up to date".into()),
            }
        } else if opts.dry_run {
            OutputResult { path: shown.clone(), outcome: "would write", note: None }
        } else {
            jobs.push((i, Job::Export(e)));
            OutputResult { path: shown.clone(), outcome: "written", note: None }
        };
        sum.exports.push(res);
    }
    // The problems report, when the problems that hold changed since it
    // was written (or the file was changed or removed).
    if let Some(path) = &project.problems_report {
        let shown = path.display().to_string();
        let min = if project.problems_info { crate::model::Severity::Info } else { crate::model::Severity::Warning };
        let res = (|| -> Result<Option<OutputResult>> {
            let stamp = file_stamp(path);
            // generation, digest, file stamp: the digest is computed only
            // when the data changed.
            let stored = store::meta_get(&store.conn, &format!("problems:{shown}"))?.unwrap_or_default();
            let mut parts = stored.splitn(3, '\t');
            let (g, d, s) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let fresh = stamp.as_deref().is_some_and(|st| st == s);
            if fresh && g == generation.to_string() {
                return Ok(Some(OutputResult { path: shown.clone(), outcome: "up to date", note: None }));
            }
            let (digest, n) = crate::problems::digest(&store.conn, min)?;
            if fresh && d == digest {
                store::meta_set(&store.conn, &format!("problems:{shown}"), &format!("{generation}\t{digest}\t{s}"))?;
                return Ok(Some(OutputResult { path: shown.clone(), outcome: "up to date", note: None }));
            }
            if opts.dry_run {
                return Ok(Some(OutputResult { path: shown.clone(), outcome: "would write", note: Some(format!("{n} problem(s)")) }));
            }
            jobs.push((usize::MAX - 1, Job::Problems { path, min, digest }));
            Ok(None)
        })();
        sum.problems_report = match res {
            Ok(r) => r,
            Err(e) => {
                failed_steps = true;
                Some(OutputResult { path: shown, outcome: "failed", note: Some(format!("{e:#}")) })
            }
        };
    }
    let t = std::time::Instant::now();
    type Done = Result<(Option<String>, Vec<(String, crate::export::Unencodable)>, bool)>;
    let results: Vec<(usize, Done)> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|(i, job)| {
                let db_path = &db_path;
                let handle = scope.spawn(move || -> Done {
                    let conn = rusqlite::Connection::open_with_flags(db_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
                    conn.busy_timeout(std::time::Duration::from_secs(30))?;
                    match job {
                        Job::Review { run, items, .. } => {
                            ensure_parent(&project.review)?;
                            crate::dedup::review::write_report(&conn, *run, items, &project.review)?;
                            Ok((Some(format!("{} items", items.len())), Vec::new(), false))
                        }
                        Job::Export(e) => {
                            ensure_parent(&e.path)?;
                            let w = crate::export::karte::write_all(&conn, &e.path, e.kind)?;
                            Ok((Some(w.counts), w.unencodable, w.refused))
                        }
                        Job::Problems { path, min, .. } => {
                            ensure_parent(path)?;
                            let n = crate::problems::write_report(&conn, path, *min)?;
                            Ok((Some(format!("{n} problem(s)")), Vec::new(), false))
                        }
                    }
                });
                (*i, handle)
            })
            .collect();
        handles.into_iter().map(|(i, h)| (i, h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the writer thread panicked"))))).collect()
    });
    for ((i, done), (_, job)) in results.into_iter().zip(&jobs) {
        match (job, done) {
            (Job::Review { items, token, .. }, Ok(_)) => {
                let shown = project.review.display().to_string();
                store::meta_set(&store.conn, &format!("review:{shown}"), token)?;
                store::meta_set(&store.conn, &format!("review-file:{shown}"), &file_stamp(&project.review).unwrap_or_default())?;
                sum.review_report = Some(OutputResult { path: shown, outcome: "written", note: Some(format!("{} items", items.len())) });
            }
            (Job::Review { .. }, Err(e)) => {
                failed_steps = true;
                sum.review_report =
                    Some(OutputResult { path: project.review.display().to_string(), outcome: "failed", note: Some(format!("{e:#}")) });
            }
            (Job::Export(e), Ok((counts, bad, refused))) => {
                let shown = e.path.display().to_string();
                let policy = match e.kind {
                    crate::export::Kind::CsvCp932(p) => p,
                    _ => crate::export::Cp932Policy::default(),
                };
                let action = match (refused, policy) {
                    (true, _) => "refused",
                    (false, crate::export::Cp932Policy::Fold) => "folded",
                    (false, _) => "substituted",
                };
                let count = |s: &str, n: usize| if s.is_empty() { String::new() } else { format!("{n} character(s)") };
                for (customer, b) in &bad {
                    sum.unencodable.push(UnencodableLine {
                        export: shown.clone(),
                        customer: customer.clone(),
                        field: b.column.clone(),
                        action,
                        folded: if opts.show_pii { b.folded.clone() } else { count(&b.folded, b.folded.split(' ').count()) },
                        unencodable: if opts.show_pii { b.chars.clone() } else { count(&b.chars, b.chars.chars().count()) },
                    });
                }
                if refused {
                    // Not written, and not marked written: tomorrow's run
                    // tries again and says the same, until the values are
                    // corrected or another policy is chosen.
                    failed_steps = true;
                    sum.exports[i].outcome = "failed";
                    sum.exports[i].note = Some(format!(
                        "{} value(s) have characters CP932 cannot hold (listed by customer and field); not written, the previous file is kept (unencodable = \"fail\"; \"fold\" or \"substitute\" writes it)",
                        bad.len()
                    ));
                    continue;
                }
                let folded = bad.iter().filter(|(_, b)| !b.folded.is_empty()).count();
                let geta = bad.iter().filter(|(_, b)| !b.chars.is_empty()).count();
                let mut note = counts.unwrap_or_default();
                if folded > 0 {
                    note.push_str(&format!("; {folded} value(s) with characters CP932 cannot hold folded to the form it has"));
                }
                if geta > 0 {
                    note.push_str(&format!("; {geta} value(s) with characters CP932 cannot hold written with 〓"));
                }
                store::meta_set(&store.conn, &format!("export:{shown}"), &export_token(generation, e).unwrap_or_default())?;
                store::meta_set(&store.conn, &format!("export-note:{shown}"), if bad.is_empty() { "" } else { note.as_str() })?;
                sum.exports[i].note = Some(note);
            }
            (Job::Problems { path, digest, .. }, Ok((note, _, _))) => {
                let shown = path.display().to_string();
                let stamp = file_stamp(path).unwrap_or_default();
                store::meta_set(&store.conn, &format!("problems:{shown}"), &format!("{generation}\t{digest}\t{stamp}"))?;
                sum.problems_report = Some(OutputResult { path: shown, outcome: "written", note });
            }
            (Job::Problems { path, .. }, Err(e)) => {
                failed_steps = true;
                sum.problems_report =
                    Some(OutputResult { path: path.display().to_string(), outcome: "failed", note: Some(format!("{e:#}")) });
            }
            (Job::Export(_), Err(e)) => {
                failed_steps = true;
                sum.exports[i].outcome = "failed";
                sum.exports[i].note = Some(format!("{e:#}"));
            }
        }
    }
    if !jobs.is_empty() {
        sum.steps.push(("reports and exports".into(), t.elapsed().as_secs_f64()));
    }

    (sum.customers, sum.records, sum.records_gone) = store.conn.query_row(
        "SELECT (SELECT count(*) FROM customers c WHERE merged_into IS NULL AND EXISTS (SELECT 1 FROM records r WHERE r.customer_id = c.id AND r.status = 'active')),
                (SELECT count(*) FROM records),
                (SELECT count(*) FROM records WHERE gone_import IS NOT NULL)",
        [],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)? as u64)),
    )?;
    if opts.show_pii {
        sum.details = pii_details(&store, run_id)?;
    }
    let all_failed = !sum.files.is_empty() && sum.files.iter().all(|f| f.outcome == "failed");
    sum.status = if !failed_steps {
        "done"
    } else if all_failed && !sum.dedup.ran {
        "failed"
    } else {
        "partial"
    };
    sum.seconds = started.elapsed().as_secs_f64();
    crate::fault::point("run:before-finish");
    store.conn.execute(
        "UPDATE runs SET finished_at = ?1, status = ?2, summary = ?3 WHERE id = ?4",
        rusqlite::params![store::now(), sum.status, serde_json::to_string(&sum)?, run_id],
    )?;
    drop(store);
    drop(scratch);
    drop(lock);
    Ok(sum)
}

/// Dedups unless nothing changed since the last dedup (the data's
/// generation, the settings' hash and karte's matching rules say so). A
/// failure is reported in the result; only a database error is an error.
fn dedup_step(store: &mut Store, project: &Project, opts: &RunOptions) -> Result<DedupResult> {
    let failed = |e: anyhow::Error| DedupResult { failed: true, note: Some(format!("{e:#}")), ..DedupResult::default() };
    let skipped = |why: &str| DedupResult { note: Some(why.into()), ..DedupResult::default() };
    let text = match &project.dedup_config {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) => return Ok(failed(anyhow::Error::new(e).context(format!("cannot read the dedup settings {}", p.display())))),
        },
        None => String::new(),
    };
    let config = if project.dedup_config.is_some() {
        match crate::dedup::config::Config::from_toml(&text) {
            Ok(c) => c,
            Err(e) => {
                let shown = project.dedup_config.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
                return Ok(failed(e.context(format!("in dedup settings {shown}"))));
            }
        }
    } else {
        crate::dedup::config::Config::default()
    };
    // The settings and the rules they apply: a karte whose matching rules
    // changed dedups again.
    let config_hash = crate::import::hex_digest(format!("{text}\0rules {}", crate::dedup::RULES_REVISION).as_bytes());
    let last = store::meta_get(&store.conn, "dedup_generation")?.and_then(|v| v.parse::<i64>().ok());
    if last == Some(store::generation(&store.conn)?)
        && store::meta_get(&store.conn, "dedup_config")?.as_deref() == Some(config_hash.as_str())
    {
        return Ok(skipped("nothing changed since the last dedup"));
    }
    if !store.conn.query_row("SELECT EXISTS (SELECT 1 FROM records WHERE status = 'active')", [], |r| r.get::<_, bool>(0))? {
        return Ok(skipped("no records yet"));
    }
    let t = std::time::Instant::now();
    let res = crate::dedup::run(&mut store.conn, &crate::dedup::Options { config, dry_run: false, pairs_out: None }, opts.stage);
    opts.progress.finish();
    let (d, _review) = match res {
        Ok(done) => done,
        Err(e) => return Ok(failed(e)),
    };
    store::meta_set(&store.conn, "dedup_config", &config_hash)?;
    Ok(DedupResult {
        ran: true,
        note: None,
        failed: false,
        records: d.records,
        candidate_pairs: d.candidate_pairs,
        merged_pairs: d.merges,
        records_moved: d.records_moved,
        sent_to_review: d.sent_to_review,
        customers_before: d.customers_before,
        customers_after: d.customers_after,
        seconds: t.elapsed().as_secs_f64(),
    })
}

/// A file's size and modification time, to tell whether anyone changed it
/// since karte wrote it. None when the file is not there.
fn file_stamp(path: &Path) -> Option<String> {
    let m = std::fs::metadata(path).ok()?;
    let mtime = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    Some(format!("{}:{mtime}", m.len()))
}

/// What an export was written from: the data's generation, the file's
/// stamp (a file changed or deleted since is written again) and how it is
/// written (another encoding or CP932 policy in karte.toml writes it again).
fn export_token(generation: i64, e: &ExportSpec) -> Option<String> {
    file_stamp(&e.path).map(|s| format!("{generation}:{s}:{:?}", e.kind))
}

fn ensure_parent(p: &Path) -> Result<()> {
    if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::fsx::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    Ok(())
}

/// Rejected rows with their raw values, and the review pairs by name:
/// only when the user asked (--show-pii).
fn pii_details(store: &Store, run_id: i64) -> Result<Vec<PiiLine>> {
    let mut out = Vec::new();
    for p in store.problems_of_run(run_id, crate::model::Severity::Reject)?.iter().take(200) {
        out.push(PiiLine {
            what: format!(
                "rejected: {} {}row {} {}: '{}' — {}",
                p.file,
                if p.sheet.is_empty() { String::new() } else { format!("[{}] ", p.sheet) },
                p.row.map(|r| r.to_string()).unwrap_or_default(),
                p.column.as_deref().unwrap_or(""),
                p.raw.as_deref().unwrap_or(""),
                p.message
            ),
        });
    }
    let mut st = store.conn.prepare(
        "SELECT ri.id, ra.name, ra.kana, rb.name, rb.kana, ri.reason FROM review_items ri
         JOIN records ra ON ra.id = ri.record_a JOIN records rb ON rb.id = ri.record_b
         WHERE ri.status IN ('open', 'undecided') ORDER BY ri.id LIMIT 200",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    for row in rows {
        let (id, na, ka, nb, kb, reason) = row?;
        let show = |n: Option<String>, k: Option<String>| match (n, k) {
            (Some(n), Some(k)) => format!("{n} ({k})"),
            (Some(n), None) | (None, Some(n)) => n,
            (None, None) => "(no name)".into(),
        };
        out.push(PiiLine { what: format!("review item {id}: {} / {} — {reason}", show(na, ka), show(nb, kb)) });
    }
    Ok(out)
}

/// A throw-away copy of the database for a dry run.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new(db: &Path) -> Result<Scratch> {
        let path =
            std::env::temp_dir().join(format!("karte-dry-run-{}-{}.db", std::process::id(), store::now().replace([':', '.', '+'], "")));
        if db.exists() {
            // VACUUM INTO writes into an empty file, keeping its 0600.
            crate::fsx::touch(&path).with_context(|| format!("cannot create {}", path.display()))?;
            let src = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .with_context(|| format!("cannot open {}", db.display()))?;
            src.execute("VACUUM INTO ?1", [path.display().to_string()])
                .with_context(|| format!("cannot copy {} for the dry run (into {})", db.display(), path.display()))?;
        }
        Ok(Scratch { path })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
}

/// `karte init`: a commented project file, and a mapping to start from for
/// every data file found in the folder (and its `data/` folder).
pub struct Init {
    pub written: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
    pub data_files: Vec<PathBuf>,
    pub unreadable: Vec<(PathBuf, String)>,
}

const DATA_EXTENSIONS: &[&str] = &["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods"];

pub fn init(dir: &Path, force: bool) -> Result<Init> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let project_file = dir.join(FILE);
    if project_file.exists() && !force {
        return Err(ProjectError(format!("{} exists already; nothing was written (--force replaces it)", project_file.display())).into());
    }
    let mappings = dir.join("mappings");
    std::fs::create_dir_all(&mappings).with_context(|| format!("cannot create {}", mappings.display()))?;
    let mut res = Init { written: Vec::new(), kept: Vec::new(), data_files: Vec::new(), unreadable: Vec::new() };
    for folder in [dir.to_path_buf(), dir.join("data")] {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .filter(|p| {
                let n = crate::import::file_name(p);
                !n.starts_with("~$")
                    && !n.starts_with('.')
                    && p.extension().is_some_and(|e| DATA_EXTENSIONS.contains(&e.to_string_lossy().to_ascii_lowercase().as_str()))
            })
            .collect();
        files.sort();
        res.data_files.extend(files);
    }
    let mut sources = String::new();
    let mut names: Vec<String> = Vec::new();
    for f in &res.data_files {
        let stem = f.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "source".into());
        let mut name: String = stem.chars().map(|c| if c.is_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
        while names.contains(&name) {
            name.push('_');
        }
        names.push(name.clone());
        let rel = f.strip_prefix(dir).unwrap_or(f).to_string_lossy().replace('\\', "/");
        let mapping_path = mappings.join(format!("{name}.toml"));
        match crate::import::open(f, &crate::import::ReadOptions::default()) {
            Ok(file) => {
                if mapping_path.exists() && !force {
                    res.kept.push(mapping_path.clone());
                } else {
                    std::fs::write(&mapping_path, crate::mapping::draft::write_draft(&file, &name))
                        .with_context(|| format!("cannot write {}", mapping_path.display()))?;
                    res.written.push(mapping_path.clone());
                }
                sources.push_str(&format!(
                    "[[source]]\nfiles = [{}]   # the folder as written; * and ? in the file name\nmapping = {}\nrequired = true                # no file tonight fails the run; false: a warning\n\n",
                    crate::mapping::draft::q(&rel),
                    crate::mapping::draft::q(&format!("mappings/{name}.toml"))
                ));
            }
            Err(e) => res.unreadable.push((f.clone(), e.to_string())),
        }
    }
    if sources.is_empty() {
        sources.push_str(
            "# No data files were found here or in data/. Add one [[source]] per kind of file:\n\
             # [[source]]\n\
             # files = [\"data/顧客台帳*.xlsx\"]       # the folder as written; * and ? in the file name\n\
             # mapping = \"mappings/ledger.toml\"     # karte inspect FILE --mapping-out mappings/ledger.toml drafts one\n\n",
        );
    }
    let text = format!("{}\n{sources}{}", PROJECT_HEAD.trim_start(), PROJECT_TAIL.trim_start());
    std::fs::write(&project_file, text).with_context(|| format!("cannot write {}", project_file.display()))?;
    res.written.insert(0, project_file);
    Ok(res)
}

const PROJECT_HEAD: &str = r#"
# karte project: what `karte run` does, every night or on demand.
#   karte run                      # in this folder (or: karte run --project path/to/karte.toml)
#   karte run --dry-run            # what would change; nothing written
#   karte run --json               # the summary for a scheduler or a script
# Paths are relative to this file's folder.

# The karte database (created by the first run).
database = "karte.db"

# Where mappings are looked up for a [[source]] that names none (by the
# mapping's own [source] files patterns).
mappings = "mappings"

# The sources: each a set of files and the mapping that reads them. A file
# whose content has not changed since its last import is skipped; a changed
# file updates its records by identity (the mapping's natural_key, else a
# fingerprint of the row): edited rows are updated (old values kept as
# history), new rows added, rows no longer there marked gone (never
# deleted). A pattern that matches no file (tonight's export is not there)
# fails the run (exit code 1, the source named) unless the source says
# `required = false`: then the run goes on and the summary warns.
"#;

const PROJECT_TAIL: &str = r#"
[dedup]
# enabled = true
# config = "dedup.toml"        # weights, thresholds, blocking keys: karte dedup --print-config > dedup.toml
review = "review/review.xlsx"  # uncertain pairs for a person; then: karte review apply --db karte.db review/review.xlsx

# Exports, written when the data changed since they were last written.
[[export]]
path = "out/customers.xlsx"    # customers, visits and purchases, notes, lineage

[[export]]
path = "out/customers.csv"     # for a CRM
encoding = "utf-8-bom"         # utf-8-bom (Excel on Windows), utf-8, or cp932
"#;
