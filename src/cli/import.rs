//! `karte import`: files → mapping → cleansing → the karte database.

use super::outln;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;

use super::{progress::Bar, ReadArgs};
use crate::mapping::Mapping;
use crate::model::Severity;
use crate::pipeline::{import_file, Outcome, Overrides};
use crate::store::Counts;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The karte database (created if missing).
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// The mapping for these files. Without it, each file gets the mapping in
    /// --mappings whose `[source] files` patterns match its name.
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// Where to look for mappings when --mapping is not given.
    #[arg(long, value_name = "DIR", default_value = "mappings")]
    mappings: PathBuf,
    #[command(flatten)]
    read: ReadArgs,
    /// Write this run's warnings and rejects, with file, sheet, row, column,
    /// raw value and reason, to a report a consultant can work through
    /// (.xlsx or .csv).
    #[arg(long, value_name = "FILE")]
    rejects_out: Option<PathBuf>,
    /// Include informational notes (null markers, restored zeros…) in the report.
    #[arg(long)]
    rejects_info: bool,
    /// When another karte command is using the database, wait up to this
    /// many seconds for it (default: refuse at once, exit code 3).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    wait: u64,
    /// The files to import.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

pub fn run(a: ImportArgs) -> Result<i32> {
    // Every mapping is loaded and checked before the database is touched.
    let plan: Vec<(Mapping, Vec<PathBuf>)> = match &a.mapping {
        Some(m) => vec![(Mapping::load(m)?, a.files.clone())],
        None => plan_by_patterns(&a.mappings, &a.files)?,
    };
    let overrides = Overrides { read: a.read.to_options()? };
    let report_kind = a.rejects_out.as_deref().map(crate::export::Kind::from_path).transpose()?;
    let mut store = super::open_writer(&a.db, "import", a.wait, true)?;
    let run = store.begin_run("import")?;
    let bar = Bar::new();
    let mut total = Counts::default();
    let mut by_problem = std::collections::BTreeMap::new();
    let (mut imported, mut unchanged, mut failed) = (0, 0, 0);
    for (mapping, files) in &plan {
        outln!("karte import: {} file(s) with mapping {} (source '{}')", files.len(), mapping.path, mapping.source.name);
        for path in files {
            let name = crate::import::file_name(path);
            match import_file(&mut store, run, mapping, path, None, &overrides, &bar) {
                Ok(Outcome::Imported(r)) => {
                    imported += 1;
                    let c = r.counts;
                    let enc = r.encoding.as_deref().map(|e| format!(", {e}")).unwrap_or_default();
                    let ch = r.changes;
                    let again = if ch.updated + ch.unchanged + ch.gone > 0 {
                        format!(
                            "\n    a newer version of an imported file: added {}, updated {}{}, unchanged {}, gone from the file {} (kept, marked gone)",
                            ch.added,
                            ch.updated,
                            if ch.returned > 0 { format!(" ({} back after being gone)", ch.returned) } else { String::new() },
                            ch.unchanged,
                            ch.gone
                        )
                    } else {
                        String::new()
                    };
                    outln!(
                        "  {name} ({}{enc}): rows read {}, imported {}, warned {}, rejected {}, skipped {}{}",
                        r.format,
                        c.rows_read,
                        c.imported,
                        c.warned,
                        c.rejected,
                        c.skipped,
                        if c.blank_rows > 0 { format!(" ({} blank rows ignored)", c.blank_rows) } else { String::new() }
                    );
                    if !again.is_empty() {
                        outln!("{}", again.trim_start_matches('\n'));
                    }
                    add(&mut total, &c);
                    for (k, n) in r.problems {
                        *by_problem.entry(k).or_insert(0u64) += n;
                    }
                }
                Ok(Outcome::Unchanged { import_id, finished_at }) => {
                    unchanged += 1;
                    outln!("  {name}: unchanged since import #{import_id} ({finished_at}); nothing to do");
                }
                Err(e) => {
                    failed += 1;
                    outln!("  {name}: FAILED, nothing imported from it");
                    eprintln!("karte: error: {e:#}");
                }
            }
        }
    }
    store.finish_run(
        run,
        if failed == 0 {
            "done"
        } else if imported + unchanged > 0 {
            "partial"
        } else {
            "failed"
        },
    )?;
    outln!(
        "total: rows read {}, imported {}, warned {}, rejected {}, skipped {}; files imported {imported}, unchanged {unchanged}, failed {failed}",
        total.rows_read, total.imported, total.warned, total.rejected, total.skipped
    );
    if !by_problem.is_empty() {
        outln!("problems by field and reason:");
        for ((sev, field, code), n) in by_problem.iter().rev() {
            let field = if field.is_empty() { "-" } else { field.as_str() };
            outln!("  {:<8} {:<14} {:<28} {n}", sev.as_str(), field, code);
        }
        if by_problem.keys().any(|(s, _, _)| *s >= Severity::Warning) {
            outln!("(each problem is stored with its file, sheet, row, column and raw value in the database's problems table)");
        }
    }
    if let (Some(path), Some(kind)) = (&a.rejects_out, report_kind) {
        let min = if a.rejects_info { Severity::Info } else { Severity::Warning };
        let rows = store.problems_of_run(run, min)?;
        crate::export::write(path, kind, &[rejects_table(&rows)])?;
        outln!("rejects report: {} problem(s) written to {}", rows.len(), path.display());
    }
    let (customers, records): (i64, i64) =
        store
            .conn
            .query_row("SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM records)", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    outln!("database {}: {customers} customers, {records} source records", a.db.display());
    Ok(if failed > 0 { 1 } else { 0 })
}

/// The rejects report: one row per problem, where it is, what is wrong
/// and what to do (in Japanese: [`crate::problems`]).
fn rejects_table(rows: &[crate::store::ProblemRow]) -> crate::export::Table {
    crate::export::Table {
        sheet: crate::problems::SHEET.to_string(),
        headers: crate::problems::HEADERS.map(String::from).to_vec(),
        rows: rows.iter().map(crate::problems::cells).collect(),
    }
}

/// Pairs each file with the one mapping in `dir` whose `[source] files`
/// patterns match its name, keeping the order files were given in.
fn plan_by_patterns(dir: &Path, files: &[PathBuf]) -> Result<Vec<(Mapping, Vec<PathBuf>)>> {
    let mut mappings = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| {
        format!("no --mapping given and cannot read the mappings folder {}; pass --mapping FILE or --mappings DIR", dir.display())
    })?;
    let mut paths: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
    paths.sort();
    for p in paths {
        mappings.push(Mapping::load(&p)?);
    }
    let mut plan: Vec<(Mapping, Vec<PathBuf>)> = Vec::new();
    for f in files {
        let name = crate::import::file_name(f);
        let hits: Vec<&Mapping> = mappings.iter().filter(|m| m.matches_file(&name)).collect();
        match hits.as_slice() {
            [] => bail!("no mapping in {} matches {name} (by its [source] files patterns); pass --mapping FILE", dir.display()),
            [m] => match plan.iter_mut().find(|(pm, _)| pm.path == m.path) {
                Some((_, fs)) => fs.push(f.clone()),
                None => plan.push(((*m).clone(), vec![f.clone()])),
            },
            many => bail!(
                "{name} matches several mappings ({}); pass --mapping FILE to choose",
                many.iter().map(|m| m.path.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }
    }
    Ok(plan)
}

fn add(t: &mut Counts, c: &Counts) {
    t.rows_read += c.rows_read;
    t.blank_rows += c.blank_rows;
    t.imported += c.imported;
    t.warned += c.warned;
    t.rejected += c.rejected;
    t.skipped += c.skipped;
    t.problems += c.problems;
}
