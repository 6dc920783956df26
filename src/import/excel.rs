//! Excel and LibreOffice workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) through
//! calamine.
//!
//! Every workbook is measured first ([`super::bounds`]); xlsx and xlsb
//! worksheets are then read cell by cell, never as one dense range, so a
//! stray cell at XFD1048576 costs one cell.
//!
//! Formulas give their cached values; a formula with none (a workbook
//! written by a script, never opened in Excel) keeps its text (`=C2&D2`)
//! with a warning; error cells (`#N/A`, `#REF!`, and values calamine does
//! not know, such as `#SPILL!`) become empty with a warning naming the cell; date cells become dates in either date system (1900
//! or 1904); numbers stay numbers, so a phone typed as a number (calamine's
//! `9012345678.0`) reaches cleansing as the number it is, digits intact.

use std::io::Cursor;
use std::sync::{Arc, Mutex};

use calamine::{open_workbook_from_rs, Data, Ods, Range, Reader, Xls, Xlsb, Xlsx, XlsxFormulaMetadata};

use super::{bounds, column_names, detect_header, Format, ReadError, ReadOptions, SourceFile, SourceRow, Table};
use crate::model::{column_letter, CellValue, Location, Problem, Severity};

const HEADER_SCAN: usize = 40;

/// Excel's last row: a cell below it is a damaged reference (and the blank
/// rows up to it would be counted one by one).
const MAX_ROWS: u32 = 1_048_576;

/// The most columns the header rows of one workbook may span in all: each
/// header column is a name kept in memory for as long as the file is
/// read. 5,000 sheets whose header reaches column XFD would otherwise hold
/// 82 million names.
const MAX_HEADER_COLUMNS: usize = 1_000_000;

/// One sheet's rows: a dense calamine range (xls, ods: bounded by
/// [`bounds`]), or a worksheet read cell by cell each time it is streamed
/// (xlsx, xlsb), so a cell at XFD1048576 costs one cell, not 549 GB.
pub(super) struct Grid {
    src: GridSrc,
    /// 0-based sheet row of the header.
    header: u32,
    /// Rows below the header, as far as the sheet declares (for progress).
    rows_hint: u64,
}

impl std::fmt::Debug for Grid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grid").field("header", &self.header).field("rows_hint", &self.rows_hint).finish_non_exhaustive()
    }
}

enum GridSrc {
    /// The range, and the cells whose error code calamine does not know
    /// (row, column, code: read as #N/A, named as what they were).
    Dense(Range<Data>, Vec<(u32, u32, u8)>),
    Stream {
        book: Arc<Mutex<Book>>,
        sheet: String,
        errors: Vec<(String, String)>,
    },
}

type Wb = Cursor<Vec<u8>>;

enum Book {
    Xlsx(Xlsx<Wb>),
    Xlsb(Xlsb<Wb>),
    Xls(Xls<Wb>),
    Ods(Ods<Wb>),
}

macro_rules! with_book {
    ($b:expr, $w:ident => $e:expr) => {
        match $b {
            Book::Xlsx($w) => $e,
            Book::Xlsb($w) => $e,
            Book::Xls($w) => $e,
            Book::Ods($w) => $e,
        }
    };
}

/// One non-empty cell as read, at its 0-based column.
struct RawCell {
    col: u32,
    value: CellValue,
    note: Option<Note>,
}

/// What a cell needs said about it.
enum Note {
    /// An error cell (`#N/A`): read as empty.
    Error(String),
    /// An error value calamine does not know (`#SPILL!`), with the cell's
    /// reference when the zip check saw it.
    UnknownError { value: String, cell: Option<String> },
    /// A formula with no cached value: its text is kept as the value.
    Formula(String),
}

pub(super) fn read(file: &mut SourceFile, bytes: Vec<u8>, opts: &ReadOptions) -> Result<(), ReadError> {
    let name = file.name.clone();
    let fmt = file.format;
    let corrupt = |detail: String| ReadError::Corrupt { file: name.clone(), format: fmt.name(), detail };
    let too_large = |detail: String| ReadError::TooLarge { file: name.clone(), detail };
    let mut bytes = bytes;
    if fmt == Format::Xls {
        // calamine's OLE2 reader panics on a file cut off inside a sector
        // (a short last sector); whole sectors of zeros read as the damage
        // they stand for.
        bytes.resize(bytes.len().div_ceil(4096) * 4096, 0);
    }
    // Measure before calamine reads anything (see bounds.rs).
    let mut xls_errors: Vec<bounds::XlsUnknownError> = Vec::new();
    let facts = match fmt {
        Format::Xls => {
            // An error code calamine does not know refuses the whole
            // workbook: rewrite each as #N/A (found by the check, named in
            // a warning below).
            xls_errors =
                bounds::check_xls(&bytes).map_err(|d| if d.starts_with("its OLE2 container") { corrupt(d) } else { too_large(d) })?;
            for (at, v) in xls_errors.iter().flat_map(|e| e.patch.iter()) {
                if let Some(b) = bytes.get_mut(*at) {
                    *b = *v;
                }
            }
            bounds::ZipFacts::default()
        }
        Format::Csv | Format::Cards => unreachable!("text formats are not workbooks"),
        _ => bounds::check_zip(&bytes).map_err(|d| if d.starts_with("the zip container") { corrupt(d) } else { too_large(d) })?,
    };
    let cur = Cursor::new(bytes);
    let book = guard(|| -> Result<Book, ReadError> {
        Ok(match fmt {
            Format::Xlsx | Format::Xlsm => Book::Xlsx(open_workbook_from_rs(cur).map_err(|e| match e {
                calamine::XlsxError::Password => ReadError::PasswordProtected { file: name.clone() },
                e => corrupt(e.to_string()),
            })?),
            Format::Xlsb => Book::Xlsb(open_workbook_from_rs(cur).map_err(|e| match e {
                calamine::XlsbError::Password => ReadError::PasswordProtected { file: name.clone() },
                e => corrupt(e.to_string()),
            })?),
            Format::Xls => Book::Xls(open_workbook_from_rs(cur).map_err(|e| match e {
                calamine::XlsError::Password => ReadError::PasswordProtected { file: name.clone() },
                e => corrupt(e.to_string()),
            })?),
            Format::Ods => Book::Ods(open_workbook_from_rs(cur).map_err(|e| match e {
                calamine::OdsError::Password => ReadError::PasswordProtected { file: name.clone() },
                e => corrupt(e.to_string()),
            })?),
            Format::Csv | Format::Cards => unreachable!("text formats are not workbooks"),
        })
    })
    .unwrap_or_else(|| Err(corrupt("the workbook's structure could not be followed".into())))?;
    let book = Arc::new(Mutex::new(book));
    let names: Vec<String> = with_book!(&*lock(&book), b => b.sheet_names());
    let selected: Vec<String> = match &opts.sheets {
        Some(wanted) => {
            for w in wanted {
                if !names.contains(w) {
                    let hint = crate::mapping::suggest(w, names.iter().map(String::as_str))
                        .map(|s| format!("; did you mean '{s}'?"))
                        .unwrap_or_default();
                    return Err(ReadError::SheetNotFound {
                        file: name.clone(),
                        sheet: w.clone(),
                        available: names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", "),
                        hint,
                    });
                }
            }
            wanted.clone()
        }
        None => names.clone(),
    };
    let mut header_columns = 0usize;
    for sheet in selected {
        let loc = Location { file: name.clone(), sheet: sheet.clone(), row: 0, column: None };
        let index = names.iter().position(|n| *n == sheet).unwrap_or(0);
        let (src, declared_rows) = {
            let mut b = lock(&book);
            match &mut *b {
                Book::Xlsx(x) => {
                    let rows =
                        guard(|| x.worksheet_cells_reader(&sheet).map(|r| r.dimensions().end.0 as u64 + 1).unwrap_or(0)).unwrap_or(0);
                    let errors = facts.unknown_errors.get(&format!("xl/worksheets/sheet{}.xml", index + 1)).cloned().unwrap_or_default();
                    (GridSrc::Stream { book: book.clone(), sheet: sheet.clone(), errors }, rows.min(facts.sheet_bytes / 16 + 1))
                }
                Book::Xlsb(x) => {
                    let rows =
                        guard(|| x.worksheet_cells_reader(&sheet).map(|r| r.dimensions().end.0 as u64 + 1).unwrap_or(0)).unwrap_or(0);
                    (GridSrc::Stream { book: book.clone(), sheet: sheet.clone(), errors: Vec::new() }, rows.min(facts.sheet_bytes / 8 + 1))
                }
                b => {
                    let range =
                        with_book!(b, w => guard(|| w.worksheet_range(&sheet).map_err(|e| corrupt(format!("sheet '{sheet}': {e}")))))
                            .unwrap_or_else(|| Err(corrupt(format!("sheet '{sheet}' could not be followed"))))?;
                    let rows = range.end().map(|e| e.0 as u64 + 1).unwrap_or(0);
                    let unknown = xls_errors.iter().filter(|e| e.sheet == index).map(|e| (e.row, e.col, e.code)).collect();
                    (GridSrc::Dense(range, unknown), rows)
                }
            }
        };
        // The first rows, to find the header.
        let limit = match opts.header_row {
            Some(h) => h.min(u32::MAX as u64) as u32,
            None => u32::MAX,
        };
        let mut head: Vec<(u32, Vec<RawCell>)> = Vec::new();
        let mut first: Option<u32> = None;
        each_row(&src, &loc, &mut |row, cells| {
            let f = *first.get_or_insert(row);
            let within = match opts.header_row {
                Some(_) => row < limit,
                None => row.saturating_sub(f) < HEADER_SCAN as u32,
            };
            if !within {
                return Ok(false);
            }
            head.push((row, cells));
            Ok(true)
        })
        .map_err(|e| corrupt(e.to_string()))?;
        let Some(first) = first else {
            file.problems.push(Problem::new(
                if opts.sheets.is_some() { Severity::Warning } else { Severity::Info },
                "empty_sheet",
                loc,
                "the sheet is empty; nothing to import from it",
            ));
            continue;
        };
        // Rows from the first with a value, blank ones included, as a person
        // sees them.
        let span = match opts.header_row {
            Some(h) => (h.saturating_sub(first as u64)).min(HEADER_SCAN as u64 * 1000) as usize,
            None => HEADER_SCAN,
        };
        let mut rows: Vec<Vec<CellValue>> =
            vec![Vec::new(); span.min(head.iter().map(|(r, _)| r.saturating_sub(first) as usize + 1).max().unwrap_or(0))];
        for (r, cells) in &head {
            if let Some(slot) = r.checked_sub(first).and_then(|i| rows.get_mut(i as usize)) {
                *slot = dense(cells);
            }
        }
        let header = match opts.header_row {
            Some(h) => {
                let first1 = first as u64 + 1;
                if h < first1 || (h - first1) as usize >= rows.len() || rows[(h - first1) as usize].iter().all(CellValue::is_empty) {
                    return Err(ReadError::BadHeaderRow {
                        location: Location { row: h, ..loc },
                        detail: "that row is empty or outside the sheet".into(),
                    });
                }
                (h - first1) as usize
            }
            None => match detect_header(&rows) {
                Some(i) => i,
                None => continue,
            },
        };
        let header_cells = rows[header].clone();
        let mut columns = column_names(&header_cells);
        // Trim unnamed trailing columns that hold nothing in the header.
        while columns.len() > 1 && header_cells.get(columns.len() - 1).is_some_and(|c| c.is_empty()) {
            columns.pop();
        }
        header_columns += columns.len();
        if header_columns > MAX_HEADER_COLUMNS {
            return Err(ReadError::TooLarge {
                file: name.clone(),
                detail: format!(
                    "the header rows of its sheets span more than {MAX_HEADER_COLUMNS} columns in all (sheet '{sheet}' alone {}, to column {})",
                    columns.len(),
                    column_letter(columns.len().saturating_sub(1))
                ),
            });
        }
        let title_rows = (0..header).filter(|&i| rows[i].iter().any(|c| !c.is_empty())).map(|i| first as u64 + i as u64 + 1).collect();
        let header_row0 = first + header as u32;
        file.tables.push(Table {
            sheet,
            header_row: Some(header_row0 as u64 + 1),
            columns,
            title_rows,
            body: super::Body::Grid(Grid { src, header: header_row0, rows_hint: declared_rows.saturating_sub(header_row0 as u64 + 1) }),
        });
    }
    Ok(())
}

fn lock(book: &Mutex<Book>) -> std::sync::MutexGuard<'_, Book> {
    book.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs calamine, turning a panic inside it into `None` (a damaged file
/// must not take the run down).
fn guard<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// A row's cells as a vector from column A.
fn dense(cells: &[RawCell]) -> Vec<CellValue> {
    let width = cells.iter().map(|c| c.col.min(16_383) as usize + 1).max().unwrap_or(0);
    let mut out = vec![CellValue::Empty; width];
    for c in cells {
        out[c.col.min(16_383) as usize] = c.value.clone();
    }
    out
}

/// Calls `f` with each row that has a value (0-based row, its cells in
/// column order), in sheet order, until it returns `false`.
fn each_row(src: &GridSrc, loc: &Location, f: &mut dyn FnMut(u32, Vec<RawCell>) -> anyhow::Result<bool>) -> anyhow::Result<()> {
    match src {
        GridSrc::Dense(range, unknown) => {
            let Some((r0, c0)) = range.start() else { return Ok(()) };
            for (i, r) in range.rows().enumerate() {
                let row = r0 + i as u32;
                let cells: Vec<RawCell> = r
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| !matches!(d, Data::Empty))
                    .map(|(j, d)| {
                        let col = c0 + j as u32;
                        if let Some((_, _, code)) = unknown.iter().find(|u| u.0 == row && u.1 == col) {
                            let value = format!("#ERR(0x{code:02X})");
                            let cell = Some(format!("{}{}", column_letter(col as usize), row as u64 + 1));
                            return RawCell { col, value: CellValue::Error(value.clone()), note: Some(Note::UnknownError { value, cell }) };
                        }
                        let (value, err) = convert(d);
                        RawCell { col, value, note: err.map(Note::Error) }
                    })
                    .collect();
                if !cells.is_empty() && !f(r0 + i as u32, cells)? {
                    break;
                }
            }
            Ok(())
        }
        GridSrc::Stream { book, sheet, errors } => {
            let mut b = lock(book);
            let mut row: Option<(u32, Vec<RawCell>)> = None;
            let mut errors = errors.iter();
            let mut last: Option<(u32, u32)> = None;
            let mut pending_unknown: Vec<String> = Vec::new();
            let mut push = |pos: (u32, u32), cell: RawCell, row: &mut Option<(u32, Vec<RawCell>)>| -> anyhow::Result<bool> {
                match row {
                    Some((r, cells)) if *r == pos.0 => {
                        cells.push(cell);
                        Ok(true)
                    }
                    _ => {
                        let done = row.replace((pos.0, vec![cell]));
                        match done {
                            Some((r, cells)) => f(r, cells),
                            None => Ok(true),
                        }
                    }
                }
            };
            let failed = |e: String, last: Option<(u32, u32)>| {
                let after = last.map(|(r, c)| format!(" after cell {}{}", column_letter(c as usize), r + 1)).unwrap_or_default();
                anyhow::anyhow!("{loc}: the sheet cannot be read{after}: {e}")
            };
            match &mut *b {
                Book::Xlsx(x) => {
                    let mut reader = guard(|| x.worksheet_cells_reader(sheet))
                        .unwrap_or(Err(calamine::XlsxError::Unexpected("the sheet's structure could not be followed")))
                        .map_err(|e| failed(e.to_string(), None))?;
                    let mut shared: std::collections::HashMap<usize, (String, (u32, u32))> = Default::default();
                    loop {
                        let rec = match guard(|| reader.next_cell_with_formula_metadata()) {
                            None => return Err(failed("the sheet's structure could not be followed".into(), last)),
                            Some(Err(calamine::XlsxError::CellError(v))) => {
                                pending_unknown.push(v);
                                continue;
                            }
                            Some(Err(e)) => return Err(failed(e.to_string(), last)),
                            Some(Ok(None)) => break,
                            Some(Ok(Some(rec))) => rec,
                        };
                        let pos = rec.pos;
                        if pos.0 >= MAX_ROWS {
                            return Err(failed(format!("a cell reference past row {MAX_ROWS}, Excel's last"), last));
                        }
                        // Unknown error values before this cell: read as
                        // empty, each named by the cell the zip check saw.
                        for value in pending_unknown.drain(..) {
                            let cell = errors.next().filter(|(_, v)| *v == value).map(|(r, _)| r.clone());
                            let at = cell.as_deref().and_then(parse_ref).unwrap_or((last.map(|l| l.0).unwrap_or(pos.0), u32::MAX));
                            let raw = RawCell {
                                col: at.1,
                                value: CellValue::Error(value.clone()),
                                note: Some(Note::UnknownError { value, cell }),
                            };
                            if !push((at.0, at.1), raw, &mut row)? {
                                return Ok(());
                            }
                        }
                        let formula = match rec.formula {
                            Some(XlsxFormulaMetadata::Normal { formula }) => Some(formula),
                            Some(XlsxFormulaMetadata::Shared { shared_index, formula, .. }) => {
                                if shared.len() < 100_000 {
                                    shared.insert(shared_index, (formula.clone(), pos));
                                }
                                Some(formula)
                            }
                            Some(XlsxFormulaMetadata::SharedDerived { shared_index }) => Some(
                                shared
                                    .get(&shared_index)
                                    .and_then(|(t, start)| guard(|| calamine::expand_shared_formula(t, *start, pos).ok()).flatten())
                                    .unwrap_or_else(|| format!("(shared formula {shared_index})")),
                            ),
                            Some(_) => None,
                            None => None,
                        };
                        last = Some(pos);
                        let data: Data = rec.value.into();
                        let cell = match (&data, formula) {
                            (Data::Empty, None) => continue,
                            (Data::Empty, Some(text)) => {
                                RawCell { col: pos.1, value: CellValue::Text(format!("={text}")), note: Some(Note::Formula(text)) }
                            }
                            (d, _) => {
                                let (value, err) = convert(d);
                                RawCell { col: pos.1, value, note: err.map(Note::Error) }
                            }
                        };
                        if !push(pos, cell, &mut row)? {
                            return Ok(());
                        }
                    }
                }
                Book::Xlsb(x) => {
                    let mut reader = guard(|| x.worksheet_cells_reader(sheet))
                        .unwrap_or(Err(calamine::XlsbError::FileNotFound(format!("sheet '{sheet}' (its structure could not be followed)"))))
                        .map_err(|e| failed(e.to_string(), None))?;
                    loop {
                        let cell = match guard(|| reader.next_cell()) {
                            None => return Err(failed("the sheet's structure could not be followed".into(), last)),
                            Some(Err(e)) => return Err(failed(e.to_string(), last)),
                            Some(Ok(None)) => break,
                            Some(Ok(Some(c))) => c,
                        };
                        let pos = cell.get_position();
                        if pos.0 >= MAX_ROWS {
                            return Err(failed(format!("a cell reference past row {MAX_ROWS}, Excel's last"), last));
                        }
                        last = Some(pos);
                        let data: Data = cell.get_value().clone().into();
                        if matches!(data, Data::Empty) {
                            continue;
                        }
                        let (value, err) = convert(&data);
                        if !push(pos, RawCell { col: pos.1, value, note: err.map(Note::Error) }, &mut row)? {
                            return Ok(());
                        }
                    }
                }
                _ => unreachable!("xls and ods are read as dense ranges"),
            }
            for value in pending_unknown.drain(..) {
                let cell = errors.next().filter(|(_, v)| *v == value).map(|(r, _)| r.clone());
                let at = cell.as_deref().and_then(parse_ref).unwrap_or((last.map(|l| l.0).unwrap_or(0), u32::MAX));
                if !push(
                    at,
                    RawCell { col: at.1, value: CellValue::Error(value.clone()), note: Some(Note::UnknownError { value, cell }) },
                    &mut row,
                )? {
                    return Ok(());
                }
            }
            if let Some((r, cells)) = row.take() {
                f(r, cells)?;
            }
            Ok(())
        }
    }
}

/// `B3` → (2, 1).
fn parse_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().fold(0u32, |a, b| a * 26 + (b - b'A' + 1) as u32) - 1;
    let row: u32 = digits.parse().ok()?;
    if row >= 1 && col < 16_384 {
        Some((row - 1, col))
    } else {
        None
    }
}

/// Converts a calamine cell; an error cell also returns its text.
fn convert(d: &Data) -> (CellValue, Option<String>) {
    let v = match d {
        Data::Empty => CellValue::Empty,
        Data::String(s) => {
            if s.is_empty() {
                CellValue::Empty
            } else {
                CellValue::Text(s.clone())
            }
        }
        Data::Int(i) => CellValue::Int(*i),
        Data::Float(f) => CellValue::Float(*f),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => match dt.as_datetime() {
            Some(ndt) => {
                let iso = if ndt.time() == chrono::NaiveTime::MIN {
                    ndt.date().format("%Y-%m-%d").to_string()
                } else {
                    ndt.format("%Y-%m-%dT%H:%M:%S").to_string()
                };
                CellValue::Date { iso, serial: Some(serial_1900(ndt)) }
            }
            None => CellValue::Float(dt.as_f64()),
        },
        Data::DateTime(dt) => CellValue::Text(duration_text(dt.as_f64())),
        Data::DateTimeIso(s) => {
            let iso = s.strip_suffix("T00:00:00").unwrap_or(s).to_string();
            CellValue::Date { iso, serial: None }
        }
        Data::DurationIso(s) => CellValue::Text(s.clone()),
        Data::Error(e) => return (CellValue::Error(e.to_string()), Some(e.to_string())),
    };
    (v, None)
}

/// The Excel serial of a date-time in the 1900 date system (what Excel
/// would show for the cell in a 1900 workbook), whatever system the file
/// used.
fn serial_1900(ndt: chrono::NaiveDateTime) -> f64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid").and_time(chrono::NaiveTime::MIN);
    let secs = (ndt - epoch).num_seconds() as f64;
    let mut serial = secs / 86400.0;
    if serial < 61.0 {
        // Excel's fictitious 1900-02-29 shifts everything before March 1900.
        serial -= 1.0;
    }
    (serial * 1e6).round() / 1e6
}

fn duration_text(days: f64) -> String {
    let secs = (days * 86400.0).round() as i64;
    format!("{}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60)
}

impl Grid {
    pub(super) fn data_rows(&self) -> usize {
        self.rows_hint as usize
    }

    pub(super) fn for_each_row(
        &self,
        table: &Table,
        ctx: &Location,
        f: &mut dyn FnMut(SourceRow) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let loc = Location { file: ctx.file.clone(), sheet: table.sheet.clone(), row: 0, column: None };
        let mut next = self.header + 1;
        each_row(&self.src, &loc, &mut |r, cells| {
            if r <= self.header {
                return Ok(true);
            }
            // Rows with no cell are blank rows, as a person sees them.
            while next < r {
                f(SourceRow { row: next as u64 + 1, ..SourceRow::default() })?;
                next += 1;
            }
            next = r.saturating_add(1);
            f(self.row(table, ctx, r, cells))?;
            Ok(true)
        })
    }

    fn row(&self, table: &Table, ctx: &Location, r: u32, cells: Vec<RawCell>) -> SourceRow {
        let row_no = r as u64 + 1;
        let mut row = SourceRow { row: row_no, ..SourceRow::default() };
        let width = cells.iter().map(|c| c.col.min(16_383) as usize + 1).max().unwrap_or(0);
        row.cells = vec![CellValue::Empty; width];
        for c in cells {
            let col_i = c.col.min(16_383) as usize;
            let Some(note) = c.note else {
                row.cells[col_i] = c.value;
                continue;
            };
            // Only a cell with something to say gets its names (a string
            // each: most cells have none).
            let col = table.column_name(col_i);
            let at = Location { file: ctx.file.clone(), sheet: table.sheet.clone(), row: row_no, column: Some(col.clone()) };
            let letter = column_letter(col_i);
            match Some(note) {
                Some(Note::Error(e)) => row.problems.push(
                    Problem::new(Severity::Warning, "error_cell", at, format!("cell {letter}{row_no} ('{col}') holds the error {e}; read as empty"))
                        .with_raw(e),
                ),
                Some(Note::UnknownError { value, cell }) => {
                    let which = match cell {
                        Some(r) => format!("cell {r} ('{col}')"),
                        None => format!("a cell of row {row_no}"),
                    };
                    row.problems.push(
                        Problem::new(
                            Severity::Warning,
                            "error_cell",
                            at,
                            format!("{which} holds the error value {}, which karte does not know; read as empty", super::printable(&value)),
                        )
                        .with_raw(value),
                    );
                }
                Some(Note::Formula(text)) => row.problems.push(
                    Problem::new(
                        Severity::Warning,
                        "formula_without_value",
                        at,
                        format!(
                            "cell {letter}{row_no} ('{col}') holds a formula with no calculated value (the workbook was written by a program and never opened in Excel); its formula text is kept as the value: open and save the file in Excel or LibreOffice to get the values"
                        ),
                    )
                    .with_raw(format!("={text}")),
                ),
                None => {}
            }
            row.cells[col_i] = c.value;
        }
        // Drop trailing empties beyond the header (formatting residue).
        while row.cells.len() > table.columns.len() && row.cells.last().is_some_and(CellValue::is_empty) {
            row.cells.pop();
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_past_excels_last_row_refuses_the_sheet_instead_of_counting_blank_rows_to_it() {
        // `r="B42949672954"`, from the fuzz run: calamine wraps it (release)
        // to a row near 4 billion, and the rows up to it were read as blank.
        let xml = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>氏名</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row><row r="4000000000"><c r="A4000000000" t="inlineStr"><is><t>y</t></is></c></row></sheetData></worksheet>"#;
        let book = crate::import::tests_support::xlsx(&[("S", xml)]);
        let raw = crate::import::RawFile { name: "f.xlsx".into(), path: "f.xlsx".into(), bytes: book, hash: String::new() };
        let e = crate::import::parse(raw, &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().contains("past row 1048576"), "{e}");
    }

    #[test]
    fn cell_references() {
        assert_eq!(parse_ref("B3"), Some((2, 1)));
        assert_eq!(parse_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_ref("3B"), None);
        assert_eq!(parse_ref("B0"), None);
    }

    #[test]
    fn serials() {
        let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap().and_time(chrono::NaiveTime::MIN);
        assert_eq!(serial_1900(d(1970, 3, 12)), 25639.0);
        assert_eq!(serial_1900(d(1900, 3, 1)), 61.0);
        assert_eq!(serial_1900(d(1900, 1, 1)), 1.0);
    }
}
