//! `karte dedup`, `karte review apply`, `karte unmerge`, `karte explain`.

use super::{out, outln};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};

use crate::dedup::{self, config::Config};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct DedupArgs {
    /// The karte database.
    #[arg(long, value_name = "FILE", required_unless_present = "print_config")]
    db: Option<PathBuf>,
    /// Where to write the review report of uncertain pairs.
    #[arg(long, value_name = "FILE", default_value = "review.xlsx")]
    review_out: PathBuf,
    /// Dedup settings (thresholds, blocking keys, m probabilities); see --print-config.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print the default settings as a commented TOML file and exit.
    #[arg(long)]
    print_config: bool,
    /// Decide and count, but write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(super) json: bool,
    /// Write every candidate pair with its match probability to this CSV
    /// (record ids only, no personal values): for calibration benchmarks.
    #[arg(long, value_name = "FILE")]
    pairs_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(subcommand)]
    command: ReviewCommand,
}

#[derive(Debug, Subcommand)]
enum ReviewCommand {
    /// Apply the decisions typed into a review report (統合 merge, 別人 separate, 保留 undecided).
    ///
    /// Everything is checked first; on any problem nothing is applied.
    Apply {
        /// The karte database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// The review report, as saved from Excel or LibreOffice.
        #[arg(value_name = "REVIEW.xlsx")]
        report: PathBuf,
    },
    /// Take back the decision about two records (統合 or 別人, from a review
    /// report or an unmerge), so that it can be made again.
    ///
    /// A 別人 is forgotten; a 統合 is undone as one merge: the two
    /// customers it joined come apart, each with its own other merges.
    /// The next dedup may ask about the pair again.
    Forget {
        /// The karte database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// The two records (ids as in the review report's error, `karte
        /// explain` or the lineage view).
        #[arg(value_name = "RECORD_ID", num_args = 2, required = true)]
        records: Vec<i64>,
    },
}

#[derive(Debug, Args)]
pub struct UnmergeArgs {
    /// The karte database.
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// The customer to split back into the customers it absorbed.
    #[arg(value_name = "CUSTOMER_ID")]
    customer: i64,
    /// Take only this record out of the customer.
    #[arg(long, value_name = "RECORD_ID", conflicts_with = "merge")]
    record: Option<i64>,
    /// Undo only this merge of the customer's merge log (`karte explain
    /// --customer` lists them): the customer it absorbed comes back with
    /// its own records and merges.
    #[arg(long, value_name = "MERGE_ID")]
    merge: Option<i64>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The karte database.
    #[arg(long, value_name = "FILE", required_unless_present = "rules")]
    db: Option<PathBuf>,
    /// When another karte command holds the database exclusively (the first
    /// large import into an empty karte), wait up to this many seconds for
    /// it, then exit with code 3. A run in WAL never makes a reader wait.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    wait: u64,
    /// Dedup settings, as given to `karte dedup`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The ids are customers: one shows its records and merge log; two
    /// explain the closest pair of their records.
    #[arg(long)]
    customer: bool,
    /// Show the learned match model: every level's m, u and weight.
    #[arg(long, conflicts_with_all = ["customer", "rules"])]
    model: bool,
    /// Show the rules table: every reason a pair is kept apart or sent to a
    /// person other than its match probability.
    #[arg(long, conflicts_with = "customer")]
    rules: bool,
    /// Two record ids (or, with --customer, one or two customer ids).
    #[arg(value_name = "ID", num_args = 1..=2, required_unless_present_any = ["model", "rules"])]
    ids: Vec<i64>,
}

fn load_config(path: Option<&PathBuf>) -> Result<Config> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
            Config::from_toml(&text).with_context(|| format!("in dedup settings {}", p.display()))
        }
        None => Ok(Config::default()),
    }
}

fn open_existing(db: &std::path::Path) -> Result<Store> {
    if !db.exists() {
        bail!("there is no karte database {} (import files into it first)", db.display());
    }
    Store::open(db)
}

pub fn run(a: DedupArgs) -> Result<i32> {
    if a.print_config {
        out!("{}", Config::default_toml());
        return Ok(0);
    }
    let config = load_config(a.config.as_ref())?;
    if !a.dry_run {
        dedup::review::check_report_path(&a.review_out)?;
    }
    let db = a.db.clone().expect("clap requires --db");
    let mut store = if a.dry_run { open_existing(&db)? } else { super::open_writer(&db, "dedup", 0, false)? };
    // The report is written after the merges commit: a folder that is not
    // there must stop the command before anything is decided.
    if !a.dry_run {
        let dir = a.review_out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        if !dir.is_dir() {
            bail!("cannot write the review report {}: the folder {} does not exist", a.review_out.display(), dir.display());
        }
        // A report a person filled in is theirs: dedup would supersede its
        // pairs and write over it.
        if a.review_out.is_file() {
            let shown = a.review_out.display();
            match dedup::review::unapplied(&store.conn, &a.review_out) {
                Ok(0) => {}
                Ok(n) => bail!(
                    "{shown} holds {n} decision(s) not applied yet; dedup did not run, so as not to write over them. Apply them first (karte review apply --db {} {shown}), or write the new report elsewhere with --review-out",
                    db.display()
                ),
                Err(e) => bail!(
                    "{shown} is there and cannot be read as a review report to check it for decisions ({e:#}); dedup did not run, so as not to write over it. Correct or move the file, or write the new report elsewhere with --review-out"
                ),
            }
        }
    }
    let bar = super::progress::Bar::new();
    let (sum, review) =
        dedup::run(&mut store.conn, &dedup::Options { config, dry_run: a.dry_run, pairs_out: a.pairs_out.clone() }, &|stage| {
            bar.stage(stage)
        })?;
    crate::pipeline::Progress::finish(&bar);
    let report = if !a.dry_run && !review.is_empty() {
        dedup::review::write_report(&store.conn, sum.run_id, &review, &a.review_out)
            .map_err(|e| e.context("the merges are saved, but the review report could not be written; run karte dedup again to write it"))
    } else {
        Ok(())
    };
    if let Err(e) = report {
        eprintln!(
            "karte dedup: {} records, merged {} pairs, {} pairs for review (saved in the database)",
            sum.records, sum.merges, sum.sent_to_review
        );
        return Err(e);
    }
    if a.json {
        let mut doc = serde_json::to_value(&sum)?;
        doc["review_report"] =
            if !a.dry_run && !review.is_empty() { a.review_out.display().to_string().into() } else { serde_json::Value::Null };
        doc["dry_run"] = a.dry_run.into();
        outln!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(0);
    }
    outln!(
        "karte dedup{}: {} records, {} candidate pairs compared",
        if a.dry_run { " (dry run: nothing written)" } else { "" },
        sum.records,
        sum.candidate_pairs
    );
    for k in &sum.blocking {
        let big = if k.oversized_blocks > 0 {
            format!(" ({} blocks of {} records too large, skipped)", k.oversized_blocks, k.records_in_oversized)
        } else {
            String::new()
        };
        outln!("  blocking {:<14} {:>10} pairs{big}", k.key, k.pairs);
    }
    let left_out = if sum.review_left_out > 0 { format!(" ({} more left out of the report)", sum.review_left_out) } else { String::new() };
    outln!(
        "auto-merged {} pairs ({} records moved); sent to review {}{left_out}; kept apart by a person's decision {}; sent to review by a rule though likely {}",
        sum.merges, sum.records_moved, sum.sent_to_review, sum.kept_apart_by_decision, sum.refused_conflict
    );
    outln!(
        "estimates: about {:.1} duplicate customer pair(s) probably left apart; about {:.1} of this run's merges probably wrong",
        // A sum of tiny probabilities may round to -0.0.
        sum.duplicates_left_estimate.max(0.0),
        sum.wrong_merges_estimate.max(0.0)
    );
    outln!("customers: {} before, {} after; golden records updated {}", sum.customers_before, sum.customers_after, sum.golden_updated);
    if !a.dry_run {
        if review.is_empty() {
            outln!("nothing to review");
        } else {
            outln!(
                "review report: {} (decide, save, then: karte review apply --db {} {})",
                a.review_out.display(),
                db.display(),
                a.review_out.display()
            );
        }
    }
    let stages: Vec<String> = sum.stages.iter().map(|(n, s)| format!("{n} {s:.1}")).collect();
    outln!("done in {:.1} s ({})", sum.seconds, stages.join(", "));
    Ok(0)
}

pub fn review(a: ReviewArgs) -> Result<i32> {
    match a.command {
        ReviewCommand::Apply { db, report } => {
            let mut store = super::open_writer(&db, "review apply", 0, false)?;
            let r = dedup::review::apply(&mut store.conn, &report)?;
            outln!(
                "karte review apply: merged {} ({} records moved), separated {}, undecided {}, already applied {}",
                r.merged,
                r.records_moved,
                r.separated,
                r.undecided,
                r.already_applied
            );
            Ok(0)
        }
        ReviewCommand::Forget { db, records } => {
            let mut store = super::open_writer(&db, "review forget", 0, false)?;
            let f = dedup::undo::forget(&mut store.conn, records[0], records[1])?;
            let (a, b) = (records[0], records[1]);
            if f.decision == "merge" && f.customers.is_empty() {
                outln!(
                    "karte review forget: the 統合 decision about records {a} and {b} is forgotten; they were already one customer through other merges, which stay (karte explain --db {} --customer C lists them; karte unmerge undoes them)",
                    db.display()
                );
            } else if f.decision == "merge" {
                let cs: Vec<String> = f.customers.iter().map(|c| c.to_string()).collect();
                outln!(
                    "karte review forget: the 統合 of records {a} and {b} is undone ({} records moved back; customers {}); dedup may ask about them again",
                    f.records_moved,
                    cs.join(" and ")
                );
            } else {
                outln!("karte review forget: the 別人 decision about records {a} and {b} is forgotten; dedup may ask about them again");
            }
            Ok(0)
        }
    }
}

pub fn unmerge(a: UnmergeArgs) -> Result<i32> {
    let mut store = super::open_writer(&a.db, "unmerge", 0, false)?;
    let u = match a.merge {
        Some(m) => dedup::undo::unmerge_one(&mut store.conn, a.customer, m)?,
        None => dedup::undo::unmerge(&mut store.conn, a.customer, a.record)?,
    };
    let ids: Vec<String> = u.customers.iter().map(|c| c.to_string()).collect();
    match (a.record, a.merge) {
        (Some(r), _) => outln!("karte unmerge: record {r} taken out of customer {} into customer {}", a.customer, ids.join(", ")),
        (_, Some(m)) => outln!(
            "karte unmerge: merge {m} of customer {} undone, {} records moved back to customer {}",
            a.customer,
            u.records_moved,
            ids.join(", ")
        ),
        (None, None) => outln!(
            "karte unmerge: {} merge(s) of customer {} undone, {} records moved back to customers {}",
            u.merges_undone,
            a.customer,
            u.records_moved,
            ids.join(", ")
        ),
    }
    outln!("these records will not be merged again by dedup (remembered as separate)");
    Ok(0)
}

pub fn explain(a: ExplainArgs) -> Result<i32> {
    let config = load_config(a.config.as_ref())?;
    if a.rules {
        super::emit(&dedup::explain::explain_rules())?;
        return Ok(0);
    }
    let db = a.db.as_deref().expect("clap requires --db");
    if !db.exists() {
        bail!("there is no karte database {} (import files into it first)", db.display());
    }
    let store = Store::open_read(db, std::time::Duration::from_secs(a.wait))?;
    let text = if a.model {
        dedup::explain::explain_model(&store.conn, &config)?
    } else if a.customer {
        match a.ids.as_slice() {
            [c] => dedup::explain::explain_customer(&store.conn, *c)?,
            [c, d] => {
                let (x, y) = closest_pair(&store, &config, *c, *d)?;
                dedup::explain::explain_records(&store.conn, &config, x, y)?
            }
            _ => unreachable!("clap allows one or two ids"),
        }
    } else {
        match a.ids.as_slice() {
            [x, y] => dedup::explain::explain_records(&store.conn, &config, *x, *y)?,
            _ => bail!("give two record ids (or --customer with one or two customer ids)"),
        }
    };
    super::emit(&text)?;
    Ok(0)
}

/// The pair of records, one of each customer, with the best score.
fn closest_pair(store: &Store, config: &Config, c: i64, d: i64) -> Result<(i64, i64)> {
    if c == d {
        bail!("give two different customers (one customer id alone shows its records and merge log)");
    }
    let l = dedup::load::load(&store.conn)?;
    let of = |cust: i64| -> Vec<usize> { l.recs.iter().enumerate().filter(|(_, r)| r.customer == cust).map(|(i, _)| i).collect() };
    let (xs, ys) = (of(c), of(d));
    if xs.is_empty() || ys.is_empty() {
        bail!("customer {} has no active records", if xs.is_empty() { c } else { d });
    }
    let cands = dedup::block::candidates(&l, &config.blocking, config.max_block);
    let comparisons = dedup::compare_all(&l, &cands.pairs);
    let model = dedup::learn(&l, config, &comparisons);
    let mut best: Option<(f64, i64, i64)> = None;
    for &x in xs.iter().take(500) {
        for &y in ys.iter().take(500) {
            let s = model.score(&dedup::compare::compare(&l, &l.recs[x], &l.recs[y])).score;
            if best.is_none_or(|b| s > b.0) {
                best = Some((s, l.recs[x].id, l.recs[y].id));
            }
        }
    }
    let (_, x, y) = best.expect("both customers have records");
    Ok((x, y))
}
