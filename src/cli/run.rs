//! `karte init` and `karte run`: a project file, and the whole pipeline over it.

use super::outln;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::project::{self, Project, RunOptions, RunSummary};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project folder (created if missing); data files found in it or
    /// in its data/ folder get a draft mapping each.
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Replace an existing karte.toml and draft mappings.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The project file.
    #[arg(long, value_name = "FILE", default_value = project::FILE)]
    project: PathBuf,
    /// Show what would change (files imported, rows added, updated, gone,
    /// merges, review items, exports) and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the summary as JSON (for a scheduler or a script).
    #[arg(long)]
    pub(super) json: bool,
    /// When another karte command is using the database, wait up to this
    /// many seconds for it (default: refuse at once, exit code 3).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    wait: u64,
    /// Put personal data in the summary: rejected rows with their raw
    /// values, review pairs by name. Without it the summary and the
    /// progress output carry counts only.
    #[arg(long)]
    show_pii: bool,
}

pub fn init(a: InitArgs) -> Result<i32> {
    let r = project::init(&a.dir, a.force).map_err(usage)?;
    outln!("karte init: {}", a.dir.display());
    for w in &r.written {
        outln!("  wrote {}", w.display());
    }
    for k in &r.kept {
        outln!("  kept  {} (exists; --force replaces it)", k.display());
    }
    for (f, e) in &r.unreadable {
        outln!("  could not read {} for a draft mapping: {e}", f.display());
    }
    if r.data_files.is_empty() {
        outln!("no data files found; put them in {} (or its data/ folder) and run karte init again, or add [[source]] entries to karte.toml by hand", a.dir.display());
    } else {
        outln!(
            "{} data file(s) found, each with a draft mapping: check every guess in mappings/, then run: karte run --project {}",
            r.data_files.len(),
            a.dir.join(project::FILE).display()
        );
    }
    Ok(0)
}

/// Project-file mistakes exit with 2.
fn usage(e: anyhow::Error) -> anyhow::Error {
    match e.downcast_ref::<project::ProjectError>() {
        Some(p) => super::UsageError(p.0.clone()).into(),
        None => e,
    }
}

pub fn run(a: RunArgs) -> Result<i32> {
    let p = Project::load(&a.project).map_err(usage)?;
    let bar = super::progress::Bar::new();
    let stage = |s: &str| bar.stage(s);
    let sum = project::run(&p, &RunOptions { dry_run: a.dry_run, wait: a.wait, show_pii: a.show_pii, progress: &bar, stage: &stage })?;
    crate::pipeline::Progress::finish(&bar);
    if a.json {
        let mut doc = serde_json::to_value(&sum)?;
        doc["exit_code"] = sum.exit_code().into();
        super::emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
    } else {
        super::emit(&render(&sum, &p))?;
    }
    Ok(sum.exit_code())
}

fn render(s: &RunSummary, p: &Project) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "karte run{}: {} → {}",
        if s.dry_run { " (dry run: nothing written; what would change)" } else { "" },
        s.project,
        s.database
    );
    if !s.interrupted_before.is_empty() {
        let ids: Vec<String> = s.interrupted_before.iter().map(|i| format!("#{i}")).collect();
        let _ = writeln!(o, "an earlier run was interrupted ({}); this run completed its work", ids.join(", "));
    }
    let count = |what: &str| s.files.iter().filter(|f| f.outcome == what).count();
    let _ = writeln!(
        o,
        "sources: {} file(s): imported {}, unchanged {}, failed {}{}",
        s.files.len(),
        count("imported"),
        count("unchanged"),
        count("failed"),
        if s.missing.is_empty() { String::new() } else { format!("; {} pattern(s) matched no file", s.missing.len()) }
    );
    for f in &s.files {
        match f.outcome {
            "imported" => {
                let again = f.updated + f.unchanged_rows + f.gone > 0;
                let _ = writeln!(
                    o,
                    "  {} ({}): {} rows; {}rejected {}, warned {}, skipped {}",
                    f.file,
                    f.source,
                    f.rows_read,
                    if again {
                        format!("added {}, updated {}, unchanged {}, gone {}; ", f.added, f.updated, f.unchanged_rows, f.gone)
                    } else {
                        format!("added {}; ", f.added)
                    },
                    f.rejected,
                    f.warned,
                    f.skipped
                );
            }
            "unchanged" => {
                let _ = writeln!(o, "  {} ({}): unchanged, skipped", f.file, f.source);
            }
            _ => {
                let _ = writeln!(o, "  {} ({}): FAILED, nothing imported from it: {}", f.file, f.source, f.error.as_deref().unwrap_or(""));
            }
        }
    }
    for m in &s.missing {
        if m.required {
            let _ = writeln!(
                o,
                "  MISSING: source {}: no file matches {} (the source is required; required = false makes it optional)",
                m.source, m.pattern
            );
        } else {
            let _ = writeln!(o, "  warning: source {}: no file matches {} (optional: required = false)", m.source, m.pattern);
        }
    }
    for b in &s.broken {
        let _ = writeln!(o, "  FAILED: {b}");
    }
    if let Some(a) = &s.review_applied {
        let _ = writeln!(
            o,
            "review: decisions in the report applied first: merged {}, separated {}, undecided {} ({} records moved)",
            a.merged, a.separated, a.undecided, a.records_moved
        );
    }
    let d = &s.dedup;
    if d.ran {
        let _ = writeln!(
            o,
            "dedup: {} records, {} pairs compared; merged {} pairs ({} records moved); {} sent to review; customers {} → {} ({:.1} s)",
            d.records,
            d.candidate_pairs,
            d.merged_pairs,
            d.records_moved,
            d.sent_to_review,
            d.customers_before,
            d.customers_after,
            d.seconds
        );
    } else if d.failed {
        let _ = writeln!(o, "dedup: FAILED: {}", d.note.as_deref().unwrap_or(""));
    } else {
        let _ = writeln!(o, "dedup: skipped ({})", d.note.as_deref().unwrap_or(""));
    }
    if let Some(r) = &s.review_report {
        if s.review_pending > 0 && r.outcome != "failed" {
            let _ = writeln!(
                o,
                "review: {} pair(s) wait for a person — {} ({}{}); after deciding: karte review apply --db {} {}",
                s.review_pending,
                r.path,
                r.outcome,
                r.note.as_deref().map(|n| format!(", {n}")).unwrap_or_default(),
                p.database.display(),
                r.path
            );
        } else if r.outcome == "failed" {
            let _ = writeln!(o, "review: report FAILED: {}", r.note.as_deref().unwrap_or(""));
        } else {
            let _ = writeln!(o, "review: nothing waits for a person");
        }
    }
    if let Some(r) = &s.problems_report {
        let _ = writeln!(
            o,
            "problems: {} {}{}",
            r.path,
            if r.outcome == "failed" { "FAILED" } else { r.outcome },
            r.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
        );
    }
    for e in &s.exports {
        let _ = writeln!(
            o,
            "export: {} {}{}",
            e.path,
            if e.outcome == "failed" { "FAILED" } else { e.outcome },
            e.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
        );
    }
    if !s.unencodable.is_empty() {
        let _ =
            writeln!(o, "characters CP932 cannot hold, by export, customer and field (the export's unencodable policy says what is done):");
        for u in s.unencodable.iter().take(200) {
            let what = match (u.folded.is_empty(), u.unencodable.is_empty()) {
                (false, true) => format!("folded {}", u.folded),
                (true, false) if u.action == "refused" => format!("{} (not written)", u.unencodable),
                (true, false) => format!("{} written as 〓", u.unencodable),
                _ => format!("folded {}; {} written as 〓", u.folded, u.unencodable),
            };
            let _ = writeln!(o, "  {}: customer {}, {}: {what}", u.export, u.customer, u.field);
        }
        if s.unencodable.len() > 200 {
            let _ = writeln!(o, "  … and {} more", s.unencodable.len() - 200);
        }
    }
    for d in &s.details {
        let _ = writeln!(o, "  {}", d.what);
    }
    let _ =
        writeln!(o, "database: {} customers, {} source records ({} gone from their source, kept)", s.customers, s.records, s.records_gone);
    let steps: Vec<String> = s.steps.iter().map(|(n, t)| format!("{n} {t:.1} s")).collect();
    let _ = writeln!(
        o,
        "{} in {:.1} s{} (exit code {})",
        s.status,
        s.seconds,
        if steps.is_empty() { String::new() } else { format!(": {}", steps.join(", ")) },
        s.exit_code()
    );
    o
}
