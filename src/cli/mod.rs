//! The command line: argument parsing and wiring only; the work is in the
//! library's stages.
//!
//! Exit codes: 0 done; 1 a file or command failed (nothing half-written);
//! 2 the command line (or the project file) is wrong; 3 the database is in
//! use by another karte command (nothing was done).

mod dedup;
mod export;
mod golden;
mod import;
mod inspect;
mod normalize;
mod progress;
mod run;
mod show;

use clap::{Args, Parser, Subcommand};

/// karte — turn a shop's legacy customer records into one clean karte database.
#[derive(Debug, Parser)]
#[command(name = "karte", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a project: a commented karte.toml and a draft mapping per data file found.
    ///
    /// Examples:
    ///   karte init shop/
    ///   karte init            # this folder
    Init(run::InitArgs),
    /// Run the project: import every source, dedup, review report, exports; one summary.
    ///
    /// Unchanged files are skipped; a changed file updates its records by
    /// identity (edited rows updated with history, new rows added, missing
    /// rows marked gone). Each step is atomic and a killed run is completed
    /// by the next. Exit codes: 0 done (the summary says when pairs wait
    /// for review); 1 a source, step or export failed (the rest was done);
    /// 2 the project file is wrong; 3 another karte command is using the
    /// database.
    ///
    /// Examples:
    ///   karte run
    ///   karte run --project /srv/shop/karte.toml --json
    ///   karte run --dry-run
    Run(run::RunArgs),
    /// Show what a file is: format, encoding, sheets, header row, columns, sample values.
    ///
    /// Examples:
    ///   karte inspect samples/sakura_ledger.xlsx
    ///   karte inspect samples/sakura_pos.csv --mapping-out mappings/pos.toml
    Inspect(inspect::InspectArgs),
    /// Import files into a karte database with a mapping.
    ///
    /// Each file is imported in one transaction: a file that fails leaves the
    /// database as it was. A file whose content was already imported for the
    /// same source is skipped.
    ///
    /// Examples:
    ///   karte import --db karte.db --mapping mappings/sakura_ledger.toml samples/sakura_ledger.xlsx
    ///   karte import --db karte.db --mapping mappings/sakura_pos.toml --encoding cp932 pos_*.csv
    Import(import::ImportArgs),
    /// Show what cleansing does to values: display value, matching key, problems.
    ///
    /// For a consultant asking "why was this phone rejected?". Values come from
    /// the command line, or from standard input one per line.
    ///
    /// Examples:
    ///   karte normalize --type phone '03(1234)5678' '０９０－１２３４－５６７８'
    ///   karte normalize --type date --role birth 'S52.4.3' '昭和64年1月8日'
    ///   karte normalize --type name --json < names.txt
    Normalize(normalize::NormalizeArgs),
    /// Find the records of one customer across every source and merge them.
    ///
    /// Sure pairs are merged (every merge logged with its score and
    /// evidence); uncertain ones go to a review report for a person. Family
    /// members who share a surname, an address and a landline are kept apart.
    ///
    /// Examples:
    ///   karte dedup --db karte.db
    ///   karte dedup --db karte.db --review-out review/2026-11-23.xlsx --config dedup.toml
    ///   karte dedup --print-config > dedup.toml
    Dedup(dedup::DedupArgs),
    /// Work with review reports.
    ///
    /// Example:
    ///   karte review apply --db karte.db review.xlsx
    Review(dedup::ReviewArgs),
    /// Undo merges exactly (automatic or reviewed), and remember the records as separate.
    ///
    /// Examples:
    ///   karte unmerge --db karte.db 42
    ///   karte unmerge --db karte.db 42 --record 1234
    Unmerge(dedup::UnmergeArgs),
    /// Explain the match score of two records: each field's level and weight, and what happened.
    ///
    /// Examples:
    ///   karte explain --db karte.db 12 240
    ///   karte explain --db karte.db --customer 42
    ///   karte explain --db karte.db --customer 42 57
    Explain(dedup::ExplainArgs),
    /// Export the customers (golden records), visits and purchases, notes and lineage.
    ///
    /// xlsx for people (one sheet each, Japanese labels, real dates, frozen
    /// headers, filters); CSV of the customers for a CRM, in UTF-8 with BOM,
    /// UTF-8 or CP932 (a character CP932 cannot hold is folded to the form
    /// CP932 has, 𠮷 → 吉, or written as 〓, or stops the export: see
    /// --unencodable; each is reported by customer and field). Text never
    /// becomes a formula.
    ///
    /// Examples:
    ///   karte export --db karte.db customers.xlsx
    ///   karte export --db karte.db --encoding cp932 crm.csv
    Export(export::ExportArgs),
    /// Show one customer's karte: golden fields, every other value, visits, notes, scans, origins.
    ///
    /// Prints the customer's personal data (this command is for looking at it).
    ///
    /// Examples:
    ///   karte show --db karte.db 42
    ///   karte show --db karte.db --phone '090-1234-5678'
    ///   karte show --db karte.db --name 'ヤマダ ハナコ'
    Show(show::ShowArgs),
    /// Pin golden values by hand: a pinned value wins over every source value on every night.
    ///
    /// Examples:
    ///   karte golden set --db karte.db K000042 氏名 '髙橋 誠'
    ///   karte golden set --db karte.db 42 mobile 090-1234-5678
    ///   karte golden unset --db karte.db K000042 name
    ///   karte golden list --db karte.db
    Golden(golden::GoldenArgs),
}

/// Read options shared by `inspect` and `import`.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct ReadArgs {
    /// The text encoding (auto, cp932, utf-8, utf-16le, utf-16be, euc-jp); overrides the mapping.
    #[arg(long, value_name = "ENC")]
    encoding: Option<String>,
    /// The format (auto, xlsx, xlsm, xlsb, xls, ods, csv, cards); overrides the mapping.
    #[arg(long, value_name = "FMT")]
    format: Option<String>,
    /// The CSV delimiter (auto, ",", "tab", ";"); overrides the mapping.
    #[arg(long, value_name = "D")]
    delimiter: Option<String>,
    /// Read only this sheet (repeatable); overrides the mapping.
    #[arg(long = "sheet", value_name = "NAME")]
    sheets: Vec<String>,
    /// The header's row as Excel shows it (or the CSV line); overrides detection.
    #[arg(long, value_name = "N")]
    header_row: Option<u64>,
}

impl ReadArgs {
    fn to_options(&self) -> anyhow::Result<crate::import::ReadOptions> {
        use crate::import::{encoding::parse_encoding, Format};
        let mut o = crate::import::ReadOptions::default();
        if let Some(e) = self.encoding.as_deref().filter(|e| *e != "auto") {
            o.encoding = Some(
                parse_encoding(e)
                    .ok_or_else(|| anyhow::anyhow!("unknown encoding '{e}'; expected auto, cp932, utf-8, utf-16le, utf-16be or euc-jp"))?,
            );
        }
        if let Some(f) = self.format.as_deref().filter(|f| *f != "auto") {
            o.format = Some(
                Format::parse(f)
                    .ok_or_else(|| anyhow::anyhow!("unknown format '{f}'; expected auto, xlsx, xlsm, xlsb, xls, ods, csv or cards"))?,
            );
        }
        if let Some(d) = &self.delimiter {
            o.delimiter = crate::mapping::delimiter_arg(d).map_err(|e| anyhow::anyhow!(e.replace("source.delimiter", "--delimiter")))?;
        }
        if !self.sheets.is_empty() {
            o.sheets = Some(self.sheets.clone());
        }
        o.header_row = self.header_row;
        Ok(o)
    }
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            let code = if e.use_stderr() { 2 } else { 0 };
            // A command line karte cannot parse, from a script that asked
            // for JSON: it gets its object too.
            let args: Vec<String> = std::env::args().skip(1).take_while(|a| a != "--").collect();
            if code != 0 && args.iter().any(|a| a == "--json") {
                let command = args.iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_default();
                json_error(&command, code, e.render().to_string().trim());
            }
            return code;
        }
    };
    let json = match &cli.command {
        Command::Run(a) => Some(("run", a.json)),
        Command::Dedup(a) => Some(("dedup", a.json)),
        Command::Normalize(a) => Some(("normalize", a.json)),
        _ => None,
    }
    .filter(|(_, j)| *j)
    .map(|(c, _)| c);
    let result = match cli.command {
        Command::Init(a) => run::init(a),
        Command::Run(a) => run::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Import(a) => import::run(a),
        Command::Normalize(a) => normalize::run(a),
        Command::Dedup(a) => dedup::run(a),
        Command::Review(a) => dedup::review(a),
        Command::Unmerge(a) => dedup::unmerge(a),
        Command::Explain(a) => dedup::explain(a),
        Command::Export(a) => export::run(a),
        Command::Show(a) => show::run(a),
        Command::Golden(a) => golden::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return 0;
            }
            eprintln!("karte: error: {e:#}");
            let code = if e.chain().any(|c| c.downcast_ref::<crate::store::Busy>().is_some() || is_busy(c)) {
                3
            } else if e.chain().any(|c| c.downcast_ref::<UsageError>().is_some()) {
                2
            } else {
                1
            };
            if let Some(command) = json {
                json_error(command, code, &format!("{e:#}"));
            }
            code
        }
    }
}

/// What `--json` prints when a command ends in an error rather than with
/// its summary: one object, so that a scheduler reading standard output
/// always has one. `status` is `failed` (exit code 1), `refused` (2: the
/// command line or the project file is wrong) or `busy` (3: another karte
/// command holds the database); nothing was done unless `failed` says
/// otherwise.
fn json_error(command: &str, code: i32, error: &str) {
    let status = match code {
        2 => "refused",
        3 => "busy",
        _ => "failed",
    };
    let doc = serde_json::json!({ "command": command, "status": status, "exit_code": code, "error": error });
    // normalize prints JSON lines: its error is one line too.
    let text = if command == "normalize" { serde_json::to_string(&doc) } else { serde_json::to_string_pretty(&doc) };
    write_out(format_args!("{}\n", text.unwrap_or_default()));
}

/// Writes to standard output without panicking when it was closed
/// (`karte import … | head -1`): the command's work goes on and the rest
/// of its output is dropped. Other write errors are said once on stderr.
pub(crate) fn write_out(args: std::fmt::Arguments) {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    static SAID: AtomicBool = AtomicBool::new(false);
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        if e.kind() != std::io::ErrorKind::BrokenPipe && !SAID.swap(true, Ordering::Relaxed) {
            eprintln!("karte: cannot write to standard output: {e}");
        }
    }
}

/// `println!` through [`write_out`].
macro_rules! outln {
    () => { $crate::cli::write_out(format_args!("\n")) };
    ($($t:tt)*) => { $crate::cli::write_out(format_args!("{}\n", format_args!($($t)*))) };
}

/// `print!` through [`write_out`].
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::write_out(format_args!($($t)*)) };
}

pub(crate) use {out, outln};

/// SQLite's "database is busy/locked" (what a command meets when another
/// holds the database longer than it waits): exit code 3, like the lock.
fn is_busy(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<rusqlite::Error>()
        .and_then(|e| e.sqlite_error_code())
        .is_some_and(|c| matches!(c, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Writes text to standard output; a closed pipe (`| head`) is an error
/// the caller returns, never a panic.
pub(crate) fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// A mistake in what the user asked for (a project file that does not
/// parse, say): exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UsageError(pub String);

/// Opens a database for a command that writes to it: the database must
/// exist unless `create`, and the writer lock is taken (waiting up to
/// `wait` seconds for another karte command to finish).
pub(crate) fn open_writer(db: &std::path::Path, command: &str, wait: u64, create: bool) -> anyhow::Result<crate::store::Store> {
    if !create && !db.exists() {
        anyhow::bail!("there is no karte database {} (import files into it first)", db.display());
    }
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            anyhow::bail!("cannot create the karte database {}: the folder {} does not exist", db.display(), dir.display());
        }
    }
    // The lock comes first: opening may migrate the schema.
    crate::store::Store::lock_then_open(db, command, std::time::Duration::from_secs(wait))
}
