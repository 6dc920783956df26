//! `karte export`: the karte database as xlsx for people or CSV for a CRM.

use super::outln;
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;

use crate::export::{self, Kind};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The karte database.
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// When another karte command holds the database exclusively (the first
    /// large import into an empty karte), wait up to this many seconds for
    /// it, then exit with code 3. A run in WAL never makes a reader wait.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    wait: u64,
    /// xlsx (customers, visits and purchases, notes, lineage: one sheet each)
    /// or csv (customers only); default: from OUT's extension.
    #[arg(long, value_name = "FMT")]
    format: Option<String>,
    /// CSV text encoding: utf-8-bom (what Excel on Windows opens), utf-8, or cp932.
    #[arg(long, value_name = "ENC", default_value = "utf-8-bom")]
    encoding: String,
    /// CP932 only: what to do with a character CP932 cannot hold (𠮷):
    /// fold (write the form CP932 has, 𠮷 → 吉; 〓 when there is none),
    /// substitute (write 〓), or fail (write nothing, exit 1). Each is
    /// reported by customer and field.
    #[arg(long, value_name = "POLICY", default_value = "fold")]
    unencodable: String,
    /// Where to write.
    #[arg(value_name = "OUT")]
    out: PathBuf,
}

pub fn run(a: ExportArgs) -> Result<i32> {
    let format = match a.format.as_deref() {
        Some(f) => f.to_ascii_lowercase(),
        None => a.out.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default(),
    };
    let mut kind = Kind::parse(&format, &a.encoding).map_err(|m| anyhow::anyhow!(m.replace("give format", "give --format")))?;
    let policy = export::Cp932Policy::parse(&a.unencodable).map_err(|m| super::UsageError(format!("--unencodable: {m}")))?;
    if let Kind::CsvCp932(p) = &mut kind {
        *p = policy;
    }
    if !a.db.exists() {
        bail!("there is no karte database {}", a.db.display());
    }
    let store = crate::store::Store::open_read(&a.db, std::time::Duration::from_secs(a.wait))?;
    let w = export::karte::write_all(&store.conn, &a.out, kind).map_err(|e| match e.downcast_ref::<export::karte::NoGolden>() {
        Some(n) => anyhow::anyhow!("{} in {}: run karte dedup --db {} first", n, a.db.display(), a.db.display()),
        None => e,
    })?;
    if !w.refused {
        outln!("karte export: {} ({})", a.out.display(), w.counts);
    }
    let bad = w.unencodable;
    if !bad.is_empty() {
        // Customer and field only: the characters themselves are shown, not
        // the value they are part of.
        let what = match (w.refused, policy) {
            (true, _) => "not written (--unencodable fail; --unencodable fold or substitute writes it)",
            (false, export::Cp932Policy::Fold) => "folded to the form CP932 has, else written as 〓",
            (false, _) => "written as 〓",
        };
        eprintln!("karte export: {} value(s) have characters CP932 cannot hold; {what}:", bad.len());
        for (id, b) in bad.iter().take(200) {
            eprintln!("  customer {id}, {}: {}", b.column, unencodable_text(b));
        }
        if bad.len() > 200 {
            eprintln!("  … and {} more", bad.len() - 200);
        }
    }
    Ok(if w.refused { 1 } else { 0 })
}

/// `𠮷→吉; 〓 for 😀`: what was done with one value's characters.
pub(crate) fn unencodable_text(b: &export::Unencodable) -> String {
    match (b.folded.is_empty(), b.chars.is_empty()) {
        (false, true) => b.folded.clone(),
        (true, false) => b.chars.clone(),
        _ => format!("{}; {}", b.folded, b.chars),
    }
}
