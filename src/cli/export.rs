//! `karte export`: the karte database as xlsx for people or CSV for a CRM.

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
    let kind = match (format.as_str(), a.encoding.to_ascii_lowercase().as_str()) {
        ("xlsx", _) => Kind::Xlsx,
        ("csv", "utf-8-bom" | "utf8-bom") => Kind::CsvBom,
        ("csv", "utf-8" | "utf8") => Kind::CsvUtf8,
        ("csv", "cp932" | "shift_jis" | "sjis" | "windows-31j") => Kind::CsvCp932,
        ("csv", e) => bail!("unknown CSV encoding '{e}'; expected utf-8-bom, utf-8 or cp932"),
        (f, _) => bail!("cannot tell the export format from '{f}'; give --format xlsx or --format csv (or an OUT ending in .xlsx or .csv)"),
    };
    if !a.db.exists() {
        bail!("there is no karte database {}", a.db.display());
    }
    let store = crate::store::Store::open(&a.db)?;
    // Every customer with records must be in the export: one imported
    // after the last dedup has no golden record yet, and would be left out.
    let missing: i64 = store.conn.query_row(
        "SELECT count(DISTINCT customer_id) FROM records r WHERE status = 'active'
           AND NOT EXISTS (SELECT 1 FROM golden g WHERE g.customer_id = r.customer_id)",
        [],
        |r| r.get(0),
    )?;
    if missing > 0 {
        bail!(
            "{missing} customer(s) in {} have no golden record (imported since the last dedup, or never deduplicated): run karte dedup --db {} first",
            a.db.display(),
            a.db.display()
        );
    }
    let customers = export::karte::customers(&store.conn)?;
    let n = customers.rows.len();
    let bad = if kind == Kind::Xlsx {
        let tables =
            [customers, export::karte::events(&store.conn)?, export::karte::notes(&store.conn)?, export::karte::lineage(&store.conn)?];
        let counts: Vec<String> = tables.iter().map(|t| format!("{} {}", t.sheet, t.rows.len())).collect();
        export::write(&a.out, kind, &tables)?;
        println!("karte export: {} ({})", a.out.display(), counts.join(", "));
        Vec::new()
    } else {
        let ids: Vec<String> =
            customers.rows.iter().map(|r| if let export::Cell::Int(i) = r[0] { i.to_string() } else { String::new() }).collect();
        let bad = export::write(&a.out, kind, &[customers])?;
        println!("karte export: {} ({n} customers)", a.out.display());
        bad.into_iter().map(|b| (ids.get(b.row.wrapping_sub(1)).cloned().unwrap_or_default(), b)).collect()
    };
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
