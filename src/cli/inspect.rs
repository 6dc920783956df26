//! `karte inspect`: what a file is, and a draft mapping for it.

use super::{out, outln};
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;

use super::ReadArgs;
use crate::import::{self, printable, Table};
use crate::mapping::draft;
use crate::model::{column_letter, CellKind, CellValue, Location};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The file to look at.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    read: ReadArgs,
    /// Write a draft mapping with guessed fields to this file.
    #[arg(long, value_name = "TOML")]
    mapping_out: Option<PathBuf>,
    /// Overwrite the --mapping-out file if it exists.
    #[arg(long)]
    force: bool,
    /// How many sample values to show per column.
    #[arg(long, default_value_t = 3, value_name = "N")]
    samples: usize,
}

pub fn run(a: InspectArgs) -> Result<i32> {
    let opts = a.read.to_options()?;
    let file = import::open(&a.file, &opts)?;
    let mut out = String::new();
    let _ = writeln!(out, "file:       {} ({} bytes, sha256 {}…)", printable(&file.name), file.size, &file.hash[..12]);
    let _ = writeln!(out, "format:     {}", file.format.name());
    if let Some(e) = &file.encoding {
        let _ = writeln!(out, "encoding:   {} — {}", e.name, e.confidence.describe());
        if e.undecodable > 0 {
            let _ = writeln!(out, "            {} byte(s) do not decode (see problems below)", e.undecodable);
        }
    }
    if let Some(d) = file.delimiter {
        let _ = writeln!(
            out,
            "delimiter:  {}",
            match d {
                b'\t' => "tab",
                b',' => "comma",
                b';' => "semicolon",
                _ => "other",
            }
        );
    }
    if file.format.is_workbook() {
        let names: Vec<String> = file.tables.iter().map(|t| format!("'{}'", printable(&t.sheet))).collect();
        let _ = writeln!(out, "sheets:     {}", if names.is_empty() { "(none with data)".to_string() } else { names.join(", ") });
    }
    for t in &file.tables {
        inspect_table(&mut out, &file.name, t, a.samples)?;
    }
    if !file.problems.is_empty() {
        let _ = writeln!(out, "\nproblems:");
        for p in &file.problems {
            let _ = writeln!(out, "  {} {}: {}", p.severity.as_str(), p.code, printable(&p.message));
        }
    }
    out!("{out}");
    if let Some(path) = a.mapping_out {
        if path.exists() && !a.force {
            bail!("{} exists; pass --force to overwrite it", path.display());
        }
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "source".into());
        let text = draft::write_draft(&file, &name);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        outln!("\ndraft mapping written to {} — check its guesses before importing", path.display());
    }
    Ok(0)
}

struct ColumnStats {
    kinds: [u64; 6],
    samples: Vec<String>,
}

fn inspect_table(out: &mut String, file: &str, t: &Table, n_samples: usize) -> Result<()> {
    let _ = writeln!(out);
    if t.sheet.is_empty() {
        let _ = writeln!(out, "table:");
    } else {
        let _ = writeln!(out, "sheet '{}':", printable(&t.sheet));
    }
    let row_word = if t.sheet.is_empty() { "line" } else { "row" };
    if !t.title_rows.is_empty() {
        let rows: Vec<String> = t.title_rows.iter().map(u64::to_string).collect();
        let _ = writeln!(out, "  title {row_word}s skipped: {}", rows.join(", "));
    }
    match t.header_row {
        Some(h) => {
            let _ = writeln!(out, "  header {row_word}: {h}");
            if let Some((n, of)) = import::header_looks_like_data(&t.columns) {
                let _ = writeln!(
                    out,
                    "  warning: {n} of the {of} cells of that {row_word} look like values (numbers, codes, dates, phones, e-mail): the file seems to have no header {row_word}"
                );
            }
        }
        None => {
            let _ = writeln!(out, "  cards: keys in order of first appearance");
        }
    }
    let mut stats: Vec<ColumnStats> = Vec::new();
    let mut ragged = 0u64;
    let ctx = Location { file: file.to_string(), sheet: t.sheet.clone(), row: 0, column: None };
    let rs = t.for_each_row(&ctx, |row| {
        if row.problems.iter().any(|p| p.code.starts_with("ragged")) {
            ragged += 1;
        }
        let all = row.cells.iter().enumerate().chain(row.repeats.iter().map(|(i, v)| (*i, v)));
        for (i, v) in all {
            if stats.len() <= i {
                stats.resize_with(i + 1, || ColumnStats { kinds: [0; 6], samples: Vec::new() });
            }
            let s = &mut stats[i];
            s.kinds[kind_index(v)] += 1;
            if !v.is_empty() && s.samples.len() < n_samples {
                let text = sample_text(v);
                if !s.samples.contains(&text) {
                    s.samples.push(text);
                }
            }
        }
        Ok(())
    })?;
    let unit = if t.header_row.is_none() { "cards" } else { "data rows" };
    let _ =
        writeln!(out, "  {unit}: {}{}", rs.rows, if rs.blank > 0 { format!(" ({} blank rows skipped)", rs.blank) } else { String::new() });
    if ragged > 0 {
        let _ = writeln!(out, "  ragged rows (field count differs from the header): {ragged}");
    }
    let _ = writeln!(out, "  columns:");
    let guesses = draft::table_guesses(t);
    let width = t.columns.iter().map(|c| display_width(c)).max().unwrap_or(4).min(24);
    let ncols = t.columns.len().max(stats.len());
    for i in 0..ncols {
        let name = printable(&t.column_name(i));
        let s = stats.get(i);
        let kinds = s.map(|s| describe_kinds(&s.kinds)).unwrap_or_else(|| "empty".into());
        let samples = s.map(|s| s.samples.join(" | ")).unwrap_or_default();
        let guess = match guesses.get(i).copied().flatten() {
            Some(draft::Guess::Field(f)) => format!("  → {}", f.name()),
            Some(draft::Guess::Event(e)) => format!("  → event.{}", e.name()),
            None => String::new(),
        };
        let letter = if t.header_row.is_some() { format!("{:<3}", column_letter(i)) } else { "   ".into() };
        let pad = width.saturating_sub(display_width(&name));
        let _ = writeln!(out, "    {letter}{name}{}  {kinds:<22} {samples}{guess}", " ".repeat(pad));
    }
    Ok(())
}

fn kind_index(v: &CellValue) -> usize {
    match v.kind() {
        CellKind::Empty => 0,
        CellKind::Text => {
            if v.is_empty() {
                0
            } else {
                1
            }
        }
        CellKind::Number => 2,
        CellKind::Date => 3,
        CellKind::Bool => 4,
        CellKind::Error => 5,
    }
}

fn describe_kinds(k: &[u64; 6]) -> String {
    let names = ["empty", "text", "number", "date", "bool", "error"];
    let parts: Vec<String> = (1..6).filter(|&i| k[i] > 0).map(|i| format!("{} {}", names[i], k[i])).collect();
    if parts.is_empty() {
        "empty".into()
    } else {
        parts.join(", ")
    }
}

fn sample_text(v: &CellValue) -> String {
    let t = v.text().replace(['\n', '\r'], "⏎");
    let mut s: String = t.chars().take(24).collect();
    if t.chars().count() > 24 {
        s.push('…');
    }
    // Escaped after cutting, so an escape is never cut in half.
    crate::import::printable(&s)
}

/// Terminal width of a string: East Asian wide characters take two cells.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}
