//! Excel and LibreOffice workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) through
//! calamine.
//!
//! Formulas give their cached values; error cells (`#N/A`, `#REF!`) become
//! empty with a warning; date cells become dates in either date system (1900
//! or 1904); numbers stay numbers, so a phone typed as a number (calamine's
//! `9012345678.0`) reaches cleansing as the number it is, digits intact.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Ods, Range, Reader, Xls, Xlsb, Xlsx};

use super::{column_names, detect_header, Format, ReadError, ReadOptions, SourceFile, SourceRow, Table};
use crate::model::{CellValue, Location, Problem, Severity};

const HEADER_SCAN: usize = 40;

#[derive(Debug)]
pub(super) struct Grid {
    range: Range<Data>,
    /// 0-based sheet row and column of the range's first cell.
    origin: (u32, u32),
    /// Index (within the range) of the header row.
    header: usize,
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

pub(super) fn read(file: &mut SourceFile, bytes: Vec<u8>, opts: &ReadOptions) -> Result<(), ReadError> {
    let name = file.name.clone();
    let fmt = file.format;
    let corrupt = |detail: String| ReadError::Corrupt { file: name.clone(), format: fmt.name(), detail };
    let cur = Cursor::new(bytes);
    let mut book = match fmt {
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
    };
    let names: Vec<String> = with_book!(&book, b => b.sheet_names());
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
    for sheet in selected {
        let range = with_book!(&mut book, b => b.worksheet_range(&sheet).map_err(|e| corrupt(format!("sheet '{sheet}': {e}"))))?;
        let loc = Location { file: name.clone(), sheet: sheet.clone(), row: 0, column: None };
        let Some(origin) = range.start() else {
            file.problems.push(Problem::new(
                if opts.sheets.is_some() { Severity::Warning } else { Severity::Info },
                "empty_sheet",
                loc,
                "the sheet is empty; nothing to import from it",
            ));
            continue;
        };
        let head: Vec<Vec<CellValue>> = range
            .rows()
            .take(match opts.header_row {
                // Only the rows down to the given header need converting.
                Some(h) => h.saturating_sub(origin.0 as u64) as usize,
                None => HEADER_SCAN,
            })
            .map(|r| r.iter().map(|d| convert(d).0).collect())
            .collect();
        let header = match opts.header_row {
            Some(h) => {
                let first = origin.0 as u64 + 1;
                if h < first || (h - first) as usize >= head.len() || head[(h - first) as usize].iter().all(CellValue::is_empty) {
                    return Err(ReadError::BadHeaderRow {
                        location: Location { row: h, ..loc },
                        detail: "that row is empty or outside the sheet".into(),
                    });
                }
                (h - first) as usize
            }
            None => match detect_header(&head) {
                Some(i) => i,
                None => continue,
            },
        };
        // Columns start at column A so letters and names line up with what
        // Excel shows, even when the used range starts further right.
        let mut header_cells = vec![CellValue::Empty; origin.1 as usize];
        header_cells.extend(head[header].iter().cloned());
        let mut columns = column_names(&header_cells);
        // Trim unnamed trailing columns that hold nothing in the header.
        while columns.len() > 1 && header_cells.get(columns.len() - 1).is_some_and(|c| c.is_empty()) {
            columns.pop();
        }
        let title_rows = (0..header).filter(|&i| head[i].iter().any(|c| !c.is_empty())).map(|i| origin.0 as u64 + i as u64 + 1).collect();
        file.tables.push(Table {
            sheet,
            header_row: Some(origin.0 as u64 + header as u64 + 1),
            columns,
            title_rows,
            body: super::Body::Grid(Grid { range, origin, header }),
        });
    }
    Ok(())
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
        self.range.height().saturating_sub(self.header + 1)
    }

    pub(super) fn for_each_row(
        &self,
        table: &Table,
        ctx: &Location,
        f: &mut dyn FnMut(SourceRow) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let lead = self.origin.1 as usize;
        for (i, r) in self.range.rows().enumerate().skip(self.header + 1) {
            let row_no = self.origin.0 as u64 + i as u64 + 1;
            let mut row = SourceRow { row: row_no, cells: vec![CellValue::Empty; lead], ..SourceRow::default() };
            row.cells.reserve(r.len());
            for (j, d) in r.iter().enumerate() {
                let (v, err) = convert(d);
                if let Some(e) = err {
                    let col = table.column_name(lead + j);
                    row.problems.push(
                        Problem::new(
                            Severity::Warning,
                            "error_cell",
                            Location { file: ctx.file.clone(), sheet: table.sheet.clone(), row: row_no, column: Some(col.clone()) },
                            format!("cell {}{row_no} ('{col}') holds the error {e}; read as empty", crate::model::column_letter(lead + j)),
                        )
                        .with_raw(e),
                    );
                }
                row.cells.push(v);
            }
            // Drop trailing empties beyond the header (formatting residue).
            while row.cells.len() > table.columns.len() && row.cells.last().is_some_and(CellValue::is_empty) {
                row.cells.pop();
            }
            f(row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials() {
        let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap().and_time(chrono::NaiveTime::MIN);
        assert_eq!(serial_1900(d(1970, 3, 12)), 25639.0);
        assert_eq!(serial_1900(d(1900, 3, 1)), 61.0);
        assert_eq!(serial_1900(d(1900, 1, 1)), 1.0);
    }
}
