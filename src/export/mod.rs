//! The export stage: tables written for people (xlsx) and for other systems
//! (CSV), safely.
//!
//! Untrusted text never becomes a formula: in xlsx every text cell is written
//! as a string cell (never a formula), and in CSV a value that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, which
//! Excel and LibreOffice show as text.

use std::path::Path;

use anyhow::{bail, Context, Result};
use rust_xlsxwriter::{Format, Workbook};

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Empty,
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Cell {
        v.map(Cell::Text).unwrap_or(Cell::Empty)
    }
}

/// A table: column headings and rows.
pub struct Table {
    pub sheet: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The file formats a table can be written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    /// UTF-8 with a BOM, which Excel on Windows opens correctly.
    CsvBom,
}

impl Kind {
    /// From a file's extension: `.xlsx`, or `.csv`.
    pub fn from_path(p: &Path) -> Result<Kind> {
        match p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).as_deref() {
            Some("xlsx") => Ok(Kind::Xlsx),
            Some("csv") => Ok(Kind::CsvBom),
            _ => bail!("{}: the report must be .xlsx or .csv", p.display()),
        }
    }
}

/// Text that a spreadsheet must not read as a formula, made safe for CSV.
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Writes tables to one file: every table as a sheet of an xlsx, or (CSV)
/// the first table only.
pub fn write(path: &Path, kind: Kind, tables: &[Table]) -> Result<()> {
    match kind {
        Kind::Xlsx => write_xlsx(path, tables),
        Kind::CsvBom => write_csv(path, tables.first().context("nothing to write")?),
    }
}

fn write_csv(path: &Path, t: &Table) -> Result<()> {
    let mut buf: Vec<u8> = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut buf);
        w.write_record(t.headers.iter().map(|h| csv_safe(h).into_owned()))?;
        for r in &t.rows {
            w.write_record(r.iter().map(|c| match c {
                Cell::Text(s) => csv_safe(s).into_owned(),
                Cell::Int(i) => i.to_string(),
                Cell::Empty => String::new(),
            }))?;
        }
        w.flush()?;
    }
    std::fs::write(path, buf).with_context(|| format!("cannot write {}", path.display()))
}

/// Column width in Excel units for a text: wide (East Asian) characters
/// count double.
pub(crate) fn width_of(s: &str) -> f64 {
    s.lines().map(|l| l.chars().map(|c| if (c as u32) >= 0x1100 { 2.0 } else { 1.0 }).sum::<f64>()).fold(0.0, f64::max)
}

fn write_xlsx(path: &Path, tables: &[Table]) -> Result<()> {
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_background_color("D9E1F2").set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(&t.sheet)?;
        let mut widths: Vec<f64> = t.headers.iter().map(|h| width_of(h) + 2.0).collect();
        for (j, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, h, &head)?;
        }
        for (i, r) in t.rows.iter().enumerate() {
            let row = (i + 1) as u32;
            for (j, c) in r.iter().enumerate() {
                let col = j as u16;
                match c {
                    // write_string: always a string cell, never a formula.
                    Cell::Text(s) if s.contains('\n') => {
                        ws.write_string_with_format(row, col, s, &wrap)?;
                    }
                    Cell::Text(s) => {
                        ws.write_string(row, col, s)?;
                    }
                    Cell::Int(n) => {
                        ws.write_number(row, col, *n as f64)?;
                    }
                    Cell::Empty => {}
                }
                if let (Cell::Text(s), Some(w)) = (c, widths.get_mut(j)) {
                    *w = w.max(width_of(s) + 2.0);
                }
            }
        }
        for (j, w) in widths.iter().enumerate() {
            ws.set_column_width(j as u16, w.clamp(6.0, 60.0))?;
        }
        ws.set_freeze_panes(1, 0)?;
        if !t.headers.is_empty() {
            ws.autofilter(0, 0, t.rows.len() as u32, (t.headers.len() - 1) as u16)?;
        }
    }
    wb.save(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_in_csv() {
        assert_eq!(csv_safe("=1+2"), "'=1+2");
        assert_eq!(csv_safe("+81 90"), "'+81 90");
        assert_eq!(csv_safe("-4400"), "'-4400");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("山田"), "山田");
    }
}
