//! The problems report: every warning and reject that holds in the
//! database now, one row each, where it is (file, sheet, row, column), the
//! value as written, and — in Japanese, for the staff who fix the source
//! files — what is wrong and what to do. `karte run` writes it (see
//! [`crate::project`]); `karte import --rejects-out` writes the same
//! columns for one import's problems.
//!
//! The Japanese explanations are data: `texts.tsv`, one line per problem
//! code. A code without a line (none, as the test below checks) falls back
//! to the English message.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use anyhow::Result;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::export::{Cell, Kind, Source};
use crate::model::Severity;
use crate::store::ProblemRow;

const TEXTS: &str = include_str!("texts.tsv");

/// What is wrong and what to do, in Japanese, per problem code.
fn texts() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static T: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    T.get_or_init(|| {
        TEXTS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?, (f.next()?, f.next()?)))
            })
            .collect()
    })
}

/// The Japanese "what is wrong" and "what to do" of a problem code.
pub fn japanese(code: &str) -> Option<(&'static str, &'static str)> {
    texts().get(code).copied()
}

/// The report's columns. The first seven are where and what (the rejects
/// report's tests read them by position).
pub const HEADERS: [&str; 13] = [
    "重要度",
    "ファイル",
    "シート",
    "行",
    "列",
    "項目",
    "元の値",
    "問題",
    "対処",
    "理由コード",
    "詳細（英語）",
    "レコード状態",
    "レコードID",
];

fn severity_label(s: &str) -> &'static str {
    match s {
        "reject" => "却下",
        "warning" => "警告",
        _ => "情報",
    }
}

fn status_label(s: &str) -> &'static str {
    match s {
        "active" => "取込済み",
        "rejected" => "却下（取り込まず）",
        "skipped" => "対象外（見出し・合計行など）",
        _ => "",
    }
}

/// One problem as a row of [`HEADERS`].
pub fn cells(p: &ProblemRow) -> Vec<Cell> {
    let (what, todo) = match japanese(&p.code) {
        Some((w, t)) => (w.to_string(), t.to_string()),
        None => (p.message.clone(), String::new()),
    };
    vec![
        Cell::Text(severity_label(&p.severity).to_string()),
        Cell::Text(p.file.clone()),
        Cell::Text(p.sheet.clone()),
        p.row.map(Cell::Int).unwrap_or(Cell::Empty),
        p.column.clone().into(),
        p.field.clone().into(),
        p.raw.clone().into(),
        Cell::Text(what),
        Cell::Text(todo),
        Cell::Text(p.code.clone()),
        Cell::Text(p.message.clone()),
        p.record_status.as_deref().map(|s| Cell::Text(status_label(s).to_string())).unwrap_or(Cell::Empty),
        p.record_id.map(Cell::Int).unwrap_or(Cell::Empty),
    ]
}

/// The sheet's name.
pub const SHEET: &str = "問題一覧";

/// A digest of the problems that hold now (which problems, and where) and
/// of the report's texts: the report is written again only when it
/// changes.
pub fn digest(conn: &Connection, min: Severity) -> Result<(String, u64)> {
    let mut h = Sha256::new();
    // The explanations and columns too: a karte whose texts changed writes
    // the report again.
    h.update(TEXTS.as_bytes());
    h.update(HEADERS.concat().as_bytes());
    let mut n = 0u64;
    crate::store::current_problems(conn, min, &mut |p| {
        n += 1;
        h.update(p.id.to_le_bytes());
        h.update(p.file.as_bytes());
        h.update([0]);
        h.update(p.sheet.as_bytes());
        h.update([0]);
        h.update(p.row.unwrap_or(-1).to_le_bytes());
        h.update(p.record_status.as_deref().unwrap_or("").as_bytes());
        h.update([0]);
        Ok(())
    })?;
    Ok((h.finalize().iter().map(|b| format!("{b:02x}")).collect(), n))
}

/// Writes the problems report (xlsx, or CSV in UTF-8 with a BOM), streamed
/// from the database, atomically and private (see [`crate::export`]):
/// string cells only, so no value becomes a formula. Returns the number of
/// problems written.
pub fn write_report(conn: &Connection, path: &Path, min: Severity) -> Result<u64> {
    let kind = Kind::from_path(path)?;
    let mut source = Source {
        sheet: SHEET.to_string(),
        headers: HEADERS.map(String::from).to_vec(),
        rows: Box::new(move |f| crate::store::current_problems(conn, min, &mut |p| f(&cells(&p)))),
    };
    let (_, counts) = crate::export::write_sources(path, kind, std::slice::from_mut(&mut source))?;
    Ok(counts.first().copied().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every problem code karte's source gives has its Japanese line.
    #[test]
    fn every_problem_code_has_a_japanese_explanation() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![root];
        let mut codes: Vec<(String, String)> = Vec::new();
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if p.extension().is_none_or(|e| e != "rs") || p.components().any(|c| c.as_os_str() == "dedup") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            // The code is the first string after these (the severity may
            // stand between).
            for start in [
                "Finding::warning(",
                "Finding::info(",
                "Finding::reject(",
                "Finding::new(",
                "Problem::new(",
                "Check::Bad(",
                "Normalized::problem(",
            ] {
                for (i, _) in text.match_indices(start) {
                    let rest = &text[i + start.len()..];
                    let rest = rest.trim_start();
                    let rest = match rest.strip_prefix("Severity::").or_else(|| rest.strip_prefix("crate::model::Severity::")) {
                        Some(r) => r.split_once(',').map(|(_, r)| r.trim_start()).unwrap_or(""),
                        None => rest,
                    };
                    if let Some(lit) = rest.strip_prefix('"').and_then(|r| r.split_once('"')).map(|(c, _)| c) {
                        if !lit.is_empty() && lit.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                            codes.push((lit.to_string(), p.display().to_string()));
                        }
                    }
                }
            }
        }
        assert!(codes.len() > 50, "the scan found {} codes", codes.len());
        let missing: Vec<String> = codes.iter().filter(|(c, _)| japanese(c).is_none()).map(|(c, f)| format!("{c} ({f})")).collect();
        assert!(missing.is_empty(), "problem codes without a line in src/problems/texts.tsv: {missing:?}");
        for (code, (what, todo)) in texts() {
            assert!(!what.is_empty() && !todo.is_empty(), "{code}");
        }
    }
}
