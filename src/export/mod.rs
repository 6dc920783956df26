//! The export stage: tables written for people (xlsx) and for other systems
//! (CSV), safely.
//!
//! Untrusted text never becomes a formula: in xlsx every text cell is written
//! as a string cell (never a formula), and in CSV a value that starts with
//! `=`, `+`, `-`, `@` (or their full-width and small forms ＝ ＋ － ＠ ﹦ ﹢ ﹣),
//! a tab or a line break is prefixed with `'`, which Excel and LibreOffice
//! show as text.
//!
//! [`karte`] builds the tables of a karte database (customers, visits and
//! purchases, notes, lineage) for `karte export`.

pub mod karte;

use std::path::Path;

use anyhow::{bail, Context, Result};
use rust_xlsxwriter::{Format, Workbook};

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    /// `YYYY-MM-DD`: a real date cell in xlsx, the text in CSV.
    Date(String),
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
    /// UTF-8 without a BOM (what most CRMs and scripts expect).
    CsvUtf8,
    /// CP932 (Windows-31J), for older Japanese systems, and what to do
    /// with a character it cannot hold.
    CsvCp932(Cp932Policy),
}

/// What a CP932 export does with a character CP932 cannot hold (𠮷, a
/// JIS X 0213 form, an emoji): the same every night, whatever the night.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cp932Policy {
    /// Write the form CP932 has (𠮷 → 吉, 鷗 → 鴎: `cp932_fold.tsv`, then
    /// the variant-kanji table and the compatibility ideographs); a
    /// character with none is written as 〓. Every change is reported.
    #[default]
    Fold,
    /// Write 〓 (the JIS substitute mark) for each, reported.
    Substitute,
    /// Write nothing: the export fails (the previous file is kept) until
    /// the values are corrected or another policy is chosen.
    Fail,
}

impl Cp932Policy {
    pub fn parse(s: &str) -> Result<Cp932Policy, String> {
        match s.to_ascii_lowercase().as_str() {
            "fold" => Ok(Cp932Policy::Fold),
            "substitute" | "〓" | "geta" => Ok(Cp932Policy::Substitute),
            "fail" => Ok(Cp932Policy::Fail),
            other => Err(format!("unknown unencodable policy '{other}'; expected fold, substitute or fail")),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Cp932Policy::Fold => "fold",
            Cp932Policy::Substitute => "substitute",
            Cp932Policy::Fail => "fail",
        }
    }
}

/// A value with characters CP932 cannot hold: those folded to a form CP932
/// has, and those written as 〓 (or, with [`Cp932Policy::Fail`], that
/// stopped the export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unencodable {
    /// 1-based data row (the header is row 0).
    pub row: usize,
    pub column: String,
    /// Written as 〓 (or refused).
    pub chars: String,
    /// Folded, as `𠮷→吉` pairs separated by spaces.
    pub folded: String,
}

/// A CP932 export with [`Cp932Policy::Fail`] that met characters CP932
/// cannot hold: nothing was written.
#[derive(Debug, thiserror::Error)]
#[error("{} value(s) have characters CP932 cannot hold; the export was not written (unencodable = \"fail\")", .0.len())]
pub struct Refused(pub Vec<Unencodable>);

impl Kind {
    /// From a format name (xlsx, csv) and, for CSV, an encoding name.
    pub fn parse(format: &str, encoding: &str) -> Result<Kind, String> {
        match (format.to_ascii_lowercase().as_str(), encoding.to_ascii_lowercase().as_str()) {
            ("xlsx", _) => Ok(Kind::Xlsx),
            ("csv", "utf-8-bom" | "utf8-bom") => Ok(Kind::CsvBom),
            ("csv", "utf-8" | "utf8") => Ok(Kind::CsvUtf8),
            ("csv", "cp932" | "shift_jis" | "sjis" | "windows-31j") => Ok(Kind::CsvCp932(Cp932Policy::default())),
            ("csv", e) => Err(format!("unknown CSV encoding '{e}'; expected utf-8-bom, utf-8 or cp932")),
            (f, _) => Err(format!("cannot tell the export format from '{f}'; give format xlsx or csv (or a path ending in .xlsx or .csv)")),
        }
    }

    /// From a file's extension: `.xlsx`, or `.csv`.
    pub fn from_path(p: &Path) -> Result<Kind> {
        match p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).as_deref() {
            Some("xlsx") => Ok(Kind::Xlsx),
            Some("csv") => Ok(Kind::CsvBom),
            _ => bail!("{}: the report must be .xlsx or .csv", p.display()),
        }
    }
}

/// What a spreadsheet may read as the start of a formula: = + - @, their
/// full-width and small forms (Excel with a Japanese IME takes ＝ for =),
/// and a tab or line break before any of them.
const FORMULA_START: [char; 14] = ['=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠', '﹦', '﹢', '﹣'];

/// Text that a spreadsheet must not read as a formula, made safe for CSV.
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(FORMULA_START) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Writes tables to one file: every table as a sheet of an xlsx, or (CSV)
/// the first table only. Returns the values CP932 could not hold (CP932
/// CSV only), each written as 〓 and never as a silent `?`.
pub fn write(path: &Path, kind: Kind, tables: &[Table]) -> Result<Vec<Unencodable>> {
    let mut sources: Vec<Source> = tables.iter().map(Table::source).collect();
    write_sources(path, kind, &mut sources).map(|(bad, _)| bad)
}

/// A table read row by row, never held whole: what the karte exports
/// stream from the database (a million rows would not fit in memory as
/// cells).
pub struct Source<'a> {
    pub sheet: String,
    pub headers: Vec<String>,
    /// Calls its argument with every row, in order.
    #[allow(clippy::type_complexity)]
    pub rows: Box<dyn FnMut(&mut dyn FnMut(&[Cell]) -> Result<()>) -> Result<()> + 'a>,
}

impl Table {
    pub fn source(&self) -> Source<'_> {
        Source {
            sheet: self.sheet.clone(),
            headers: self.headers.clone(),
            rows: Box::new(move |f| {
                for r in &self.rows {
                    f(r)?;
                }
                Ok(())
            }),
        }
    }
}

/// Streams sources to one file: each a sheet of an xlsx, or (CSV) the
/// first only. Returns the values CP932 could not hold and the rows written
/// per source.
pub fn write_sources(path: &Path, kind: Kind, sources: &mut [Source]) -> Result<(Vec<Unencodable>, Vec<u64>)> {
    atomic(path, |tmp| match kind {
        Kind::Xlsx => write_xlsx(tmp, sources).map(|n| (Vec::new(), n)),
        _ => {
            let first = sources.first_mut().context("nothing to write")?;
            write_csv(tmp, kind, first).map(|(bad, n)| (bad, vec![n]))
        }
    })
}

/// Writes a file whole or not at all: into a hidden sibling first, renamed
/// over `path` when complete. A command killed while writing leaves the
/// previous file as it was (and a `.~karte` sibling, replaced next time).
/// The new file gets the mode of the one it replaces, or 0600 (the sibling
/// is 0600 while it is written; see [`crate::fsx`]).
pub fn atomic<T>(path: &Path, write: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let name = path.file_name().with_context(|| format!("{} is not a file name", path.display()))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(".~karte");
    let tmp = path.with_file_name(tmp_name);
    let mode = crate::fsx::mode_for(path);
    // Made 0600 before the writer opens it (writers truncate, keeping the
    // mode); a sibling left by a killed command is made anew.
    let _ = std::fs::remove_file(&tmp);
    let written = crate::fsx::create(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))
        .and_then(|_| write(&tmp))
        .and_then(|v| crate::fsx::set_mode(&tmp, mode).with_context(|| format!("cannot set the mode of {}", tmp.display())).map(|_| v));
    let out = match written {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    crate::fault::point("write:before-rename");
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    crate::fault::point("write:after-rename");
    Ok(out)
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => csv_safe(s).into_owned(),
        Cell::Int(i) => i.to_string(),
        Cell::Num(f) => f.to_string(),
        Cell::Date(d) => d.clone(),
        Cell::Empty => String::new(),
    }
}

const FOLD_TABLE: &str = include_str!("cp932_fold.tsv");

fn cp932_has(c: char) -> bool {
    let mut b = [0u8; 4];
    c.is_ascii() || !encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut b)).2
}

/// The form CP932 has of a character it cannot hold: `Some(None)` for a
/// variation selector (the base character is written; the selector has
/// no code), `Some(Some(c))` for a fold, `None` when there is none.
pub fn cp932_fold(c: char) -> Option<Option<char>> {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<char, char>> = std::sync::OnceLock::new();
    if matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}') {
        return Some(None);
    }
    let table = TABLE.get_or_init(|| {
        FOLD_TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let (a, b) = l.split_once('\t')?;
                Some((a.chars().next()?, b.chars().next()?))
            })
            .collect()
    });
    let unified = crate::cleanse::itaiji::unify(c);
    [Some(unified), table.get(&unified).copied(), crate::cleanse::itaiji::lookup(unified).map(|(t, _)| t)]
        .into_iter()
        .flatten()
        .find(|&v| v != c && cp932_has(v))
        .map(Some)
}

/// Writes what CP932 cannot hold as the policy says: folded (noted in
/// `folded`) or as 〓 (noted in `missing`).
fn to_cp932(s: &str, policy: Cp932Policy, missing: &mut String, folded: &mut String) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        // The same characters under the JIS and the Microsoft mappings:
        // written the way CP932 (and Excel) has them.
        let ch = match ch {
            '\u{301C}' => '\u{FF5E}', // 〜 → ～
            '\u{2016}' => '\u{2225}', // ‖ → ∥
            '\u{2212}' => '\u{FF0D}', // − → －
            '\u{00A2}' => '\u{FFE0}', // ¢ → ￠
            '\u{00A3}' => '\u{FFE1}', // £ → ￡
            '\u{00AC}' => '\u{FFE2}', // ¬ → ￢
            c => c,
        };
        if ch.is_ascii() {
            out.push(ch);
            continue;
        }
        if cp932_has(ch) {
            out.push(ch);
            continue;
        }
        match (policy, cp932_fold(ch)) {
            (Cp932Policy::Fold, Some(v)) => {
                let pair = match v {
                    Some(v) => {
                        out.push(v);
                        format!("{ch}→{v}")
                    }
                    None => format!("U+{:04X}→", ch as u32),
                };
                if !folded.split(' ').any(|p| p == pair) {
                    if !folded.is_empty() {
                        folded.push(' ');
                    }
                    folded.push_str(&pair);
                }
            }
            _ => {
                missing.push(ch);
                out.push('〓');
            }
        }
    }
    out
}

fn write_csv(path: &Path, kind: Kind, t: &mut Source) -> Result<(Vec<Unencodable>, u64)> {
    use std::io::Write;
    let file = crate::fsx::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    if kind == Kind::CsvBom {
        out.write_all(&[0xEF, 0xBB, 0xBF])?;
    }
    let policy = match kind {
        Kind::CsvCp932(p) => Some(p),
        _ => None,
    };
    let cp932 = policy.is_some();
    let mut bad = Vec::new();
    // Records are made as UTF-8 in a shared buffer, then written (encoded
    // when CP932) a few hundred kilobytes at a time, always whole records.
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = std::rc::Rc::new(std::cell::RefCell::new(Vec::with_capacity(1 << 19)));
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Shared(buf.clone()));
    let flush = |w: &mut csv::Writer<Shared>, out: &mut std::io::BufWriter<std::fs::File>| -> Result<()> {
        w.flush()?;
        let mut b = buf.borrow_mut();
        if cp932 {
            let text = std::str::from_utf8(&b).context("CSV text")?;
            out.write_all(&encoding_rs::SHIFT_JIS.encode(text).0)?;
        } else {
            out.write_all(&b)?;
        }
        b.clear();
        Ok(())
    };
    let headers = t.headers.clone();
    let fix = |row: usize, column: &str, s: String, bad: &mut Vec<Unencodable>| -> String {
        if !cp932 {
            return s;
        }
        let (mut missing, mut folded) = (String::new(), String::new());
        let out = to_cp932(&s, policy.unwrap_or_default(), &mut missing, &mut folded);
        if !missing.is_empty() || !folded.is_empty() {
            bad.push(Unencodable { row, column: column.to_string(), chars: missing, folded });
        }
        out
    };
    let heads: Vec<String> = headers.iter().map(|h| fix(0, h, csv_safe(h).into_owned(), &mut bad)).collect();
    w.write_record(&heads)?;
    let mut n: u64 = 0;
    let mut rec: Vec<String> = Vec::new();
    (t.rows)(&mut |r: &[Cell]| {
        n += 1;
        rec.clear();
        rec.extend(r.iter().enumerate().map(|(j, c)| fix(n as usize, &headers[j], cell_text(c), &mut bad)));
        w.write_record(&rec)?;
        if n.is_multiple_of(2048) {
            flush(&mut w, &mut out)?;
        }
        Ok(())
    })?;
    flush(&mut w, &mut out)?;
    out.flush().with_context(|| format!("cannot write {}", path.display()))?;
    if policy == Some(Cp932Policy::Fail) && bad.iter().any(|b| !b.chars.is_empty()) {
        return Err(Refused(bad).into());
    }
    Ok((bad, n))
}

/// `YYYY-MM-DD` as an Excel date (partial dates such as `1977` or
/// `--04-03` stay text).
fn excel_date(d: &str) -> Option<rust_xlsxwriter::ExcelDateTime> {
    let b = d.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: u16 = d[0..4].parse().ok()?;
    let m: u8 = d[5..7].parse().ok()?;
    let day: u8 = d[8..10].parse().ok()?;
    rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, day).ok()
}

/// Column width in Excel units for a text: wide (East Asian) characters
/// count double.
pub(crate) fn width_of(s: &str) -> f64 {
    s.lines().map(|l| l.chars().map(|c| if (c as u32) >= 0x1100 { 2.0 } else { 1.0 }).sum::<f64>()).fold(0.0, f64::max)
}

fn write_xlsx(path: &Path, sources: &mut [Source]) -> Result<Vec<u64>> {
    let mut wb = Workbook::new();
    // The fastest deflate: at a million rows the default level spends
    // longer compressing than everything else together (27 s against 18 s
    // for the karte export of a million source rows; the file is a half
    // larger).
    wb.set_zip_compression_level(1);
    let head = Format::new().set_bold().set_background_color("D9E1F2").set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut counts = Vec::new();
    for t in sources.iter_mut() {
        // Row by row to a temporary file: memory stays flat however many
        // rows (strings inline, as Excel itself accepts).
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(&t.sheet)?;
        let mut widths: Vec<f64> = t.headers.iter().map(|h| width_of(h) + 2.0).collect();
        for (j, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, h, &head)?;
        }
        let mut row: u32 = 0;
        let mut failed: Option<rust_xlsxwriter::XlsxError> = None;
        (t.rows)(&mut |r: &[Cell]| {
            row += 1;
            if row >= 1_048_576 {
                anyhow::bail!("sheet {} has more rows than Excel allows (1,048,575 below the header); export it as CSV", t.sheet);
            }
            for (j, c) in r.iter().enumerate() {
                let col = j as u16;
                let res = match c {
                    // write_string: always a string cell, never a formula.
                    Cell::Text(s) if s.contains('\n') => ws.write_string_with_format(row, col, s, &wrap).map(|_| ()),
                    Cell::Text(s) => ws.write_string(row, col, s).map(|_| ()),
                    Cell::Int(n) => ws.write_number(row, col, *n as f64).map(|_| ()),
                    Cell::Num(f) => ws.write_number(row, col, *f).map(|_| ()),
                    Cell::Date(d) => match excel_date(d) {
                        Some(dt) => {
                            if let Some(w) = widths.get_mut(j) {
                                *w = w.max(12.0);
                            }
                            ws.write_datetime_with_format(row, col, &dt, &date).map(|_| ())
                        }
                        None => ws.write_string(row, col, d).map(|_| ()),
                    },
                    Cell::Empty => Ok(()),
                };
                if let Err(e) = res {
                    failed = Some(e);
                }
                if let (Cell::Text(s), Some(w)) = (c, widths.get_mut(j)) {
                    if s.len() + 2 > *w as usize {
                        *w = w.max(width_of(s) + 2.0);
                    }
                }
            }
            Ok(())
        })?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        for (j, w) in widths.iter().enumerate() {
            ws.set_column_width(j as u16, w.clamp(6.0, 60.0))?;
        }
        ws.set_freeze_panes(1, 0)?;
        if !t.headers.is_empty() {
            ws.autofilter(0, 0, row, (t.headers.len() - 1) as u16)?;
        }
        counts.push(row as u64);
    }
    wb.save(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cp932_fold_table_folds_only_what_cp932_lacks_into_what_it_has() {
        for l in FOLD_TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let (a, b) = l.split_once('\t').unwrap_or_else(|| panic!("no tab: {l}"));
            let (a, b) = (a.chars().next().unwrap(), b.chars().next().unwrap());
            assert!(!cp932_has(a), "{a} is in CP932: it needs no fold");
            assert!(cp932_has(b), "{b} is not in CP932");
            assert_eq!(cp932_fold(a), Some(Some(b)));
        }
        // 髙 and 﨑 are in CP932 (IBM extensions): written as they are.
        let (mut missing, mut folded) = (String::new(), String::new());
        let out = to_cp932("髙橋 﨑 𠮷田 鷗外 😀", Cp932Policy::Fold, &mut missing, &mut folded);
        assert_eq!(out, "髙橋 﨑 吉田 鴎外 〓");
        assert_eq!((missing.as_str(), folded.as_str()), ("😀", "𠮷→吉 鷗→鴎"));
        let (mut missing, mut folded) = (String::new(), String::new());
        assert_eq!(to_cp932("𠮷田", Cp932Policy::Substitute, &mut missing, &mut folded), "〓田");
        assert_eq!((missing.as_str(), folded.as_str()), ("𠮷", ""));
        // A variation selector has no code: the base character is written.
        assert_eq!(cp932_fold('\u{E0100}'), Some(None));
    }

    #[test]
    fn formulas_are_defused_in_csv() {
        assert_eq!(csv_safe("=1+2"), "'=1+2");
        assert_eq!(csv_safe("+81 90"), "'+81 90");
        assert_eq!(csv_safe("-4400"), "'-4400");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("山田"), "山田");
        // Full-width and small forms, and a value that starts a new line
        // (a memo typed with a line break first).
        for v in ["＝1+2", "＋81", "－4400", "＠SUM(A1)", "﹦1+2", "﹢1", "﹣1", "\n=1+2", "\r\n=1+2"] {
            assert_eq!(csv_safe(v), format!("'{v}"), "{v:?}");
        }
        assert_eq!(csv_safe("ー（長音）"), "ー（長音）");
    }
}
