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
    /// xlsx (customers, visits and purchases, notes, lineage: one sheet each)
    /// or csv (customers only); default: from OUT's extension.
    #[arg(long, value_name = "FMT")]
    format: Option<String>,
    /// CSV text encoding: utf-8-bom (what Excel on Windows opens), utf-8, or cp932.
    #[arg(long, value_name = "ENC", default_value = "utf-8-bom")]
    encoding: String,
    /// Where to write.
    #[arg(value_name = "OUT")]
    out: PathBuf,
}

pub fn run(a: ExportArgs) -> Result<i32> {
    let format = match a.format.as_deref() {
        Some(f) => f.to_ascii_lowercase(),
        None => a.out.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default(),
    };
    let kind = Kind::parse(&format, &a.encoding).map_err(|m| anyhow::anyhow!(m.replace("give format", "give --format")))?;
    if !a.db.exists() {
        bail!("there is no karte database {}", a.db.display());
    }
    let store = crate::store::Store::open(&a.db)?;
    let w = export::karte::write_all(&store.conn, &a.out, kind).map_err(|e| match e.downcast_ref::<export::karte::NoGolden>() {
        Some(n) => anyhow::anyhow!("{} in {}: run karte dedup --db {} first", n, a.db.display(), a.db.display()),
        None => e,
    })?;
    outln!("karte export: {} ({})", a.out.display(), w.counts);
    let bad = w.unencodable;
    if !bad.is_empty() {
        // Customer and field only: the characters themselves are shown, not
        // the value they are part of.
        eprintln!("karte export: {} value(s) have characters CP932 cannot hold; written as 〓:", bad.len());
        for (id, b) in bad.iter().take(200) {
            eprintln!("  customer {id}, {}: {}", b.column, b.chars);
        }
        if bad.len() > 200 {
            eprintln!("  … and {} more", bad.len() - 200);
        }
        return Ok(1);
    }
    Ok(0)
}
