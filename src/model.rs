//! The types that flow between the pipeline stages: cell values as a reader
//! saw them, where a value came from, and the problems found on the way.

use std::fmt;

/// One cell's value, with the type the source gave it.
///
/// Readers never turn a number into text or text into a number: a phone
/// typed into Excel as a number stays [`CellValue::Int`], so the cleansing
/// stage knows its leading zero was lost and can restore it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CellValue {
    #[default]
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A real date (or date-time) cell. `iso` is `YYYY-MM-DD` or
    /// `YYYY-MM-DDTHH:MM:SS`; `serial` is the Excel serial in the 1900
    /// system when the source had one.
    Date {
        iso: String,
        serial: Option<f64>,
    },
    /// An error cell such as `#N/A` or `#REF!` (the cached value of a
    /// formula that failed). Treated as empty, with a warning.
    Error(String),
}

impl CellValue {
    pub fn is_empty(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The text a person sees in the cell, for mapping and display. Numbers
    /// that are whole print without a trailing `.0` (`9012345678`, not
    /// `9012345678.0`); error cells give an empty string.
    pub fn text(&self) -> String {
        match self {
            CellValue::Empty | CellValue::Error(_) => String::new(),
            CellValue::Text(s) => s.clone(),
            CellValue::Int(i) => i.to_string(),
            CellValue::Float(f) => format_float(*f),
            CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            CellValue::Date { iso, .. } => iso.clone(),
        }
    }

    /// Like [`CellValue::text`], but takes the text out of a text cell
    /// instead of copying it.
    pub fn into_text(self) -> String {
        match self {
            CellValue::Text(s) => s,
            other => other.text(),
        }
    }

    /// The kind of cell, as stored next to the raw value.
    pub fn kind(&self) -> CellKind {
        match self {
            CellValue::Empty => CellKind::Empty,
            CellValue::Text(_) => CellKind::Text,
            CellValue::Int(_) | CellValue::Float(_) => CellKind::Number,
            CellValue::Bool(_) => CellKind::Bool,
            CellValue::Date { .. } => CellKind::Date,
            CellValue::Error(_) => CellKind::Error,
        }
    }

    /// The raw value as JSON, keeping the cell's type: text as a string,
    /// numbers as numbers, dates as `{"date": iso, "serial": n}`, errors as
    /// `{"error": "#N/A"}`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{json, Value};
        match self {
            CellValue::Empty => Value::Null,
            CellValue::Text(s) => Value::String(s.clone()),
            CellValue::Int(i) => json!(i),
            CellValue::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    json!(*f as i64)
                } else {
                    serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or_else(|| Value::String(f.to_string()))
                }
            }
            CellValue::Bool(b) => Value::Bool(*b),
            CellValue::Date { iso, serial } => match serial {
                Some(s) => json!({"date": iso, "serial": s}),
                None => json!({"date": iso}),
            },
            CellValue::Error(e) => json!({"error": e}),
        }
    }
}

/// Formats a float the way a spreadsheet shows a general number: whole
/// numbers without a fraction, others in the shortest exact form.
pub fn format_float(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1.0e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// The type of a cell as the source stored it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Empty,
    Text,
    Number,
    Bool,
    Date,
    Error,
}

/// Where a value came from: file, sheet (empty for CSV and text), row and
/// column. `row` is what a person finds in the source: the row number Excel
/// or LibreOffice shows, the physical line a CSV record starts on, the line
/// a card starts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub sheet: String,
    pub row: u64,
    /// The column's name in the source (its header), when the location is
    /// one cell.
    pub column: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if !self.sheet.is_empty() {
            write!(f, ", sheet '{}'", self.sheet)?;
        }
        if self.row > 0 {
            write!(f, ", row {}", self.row)?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column '{c}'")?;
        }
        Ok(())
    }
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing was changed or lost.
    Info,
    /// The value was kept raw but could not be used as it is.
    Warning,
    /// The whole record was rejected (kept in the database, not matched).
    Reject,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Reject => "reject",
        }
    }
}

/// A problem found in the data: where, what, and the raw value involved.
/// Problems never stop an import; they are stored with the record.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    /// A stable, machine-readable code such as `ragged_row`.
    pub code: &'static str,
    pub location: Location,
    /// The karte field concerned, if any.
    pub field: Option<String>,
    /// The raw value concerned (stored in the database, never printed in
    /// logs unless asked for).
    pub raw: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn new(severity: Severity, code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Problem { severity, code, location, field: None, raw: None, message: message.into() }
    }
    pub fn with_raw(mut self, raw: impl Into<String>) -> Self {
        self.raw = Some(raw.into());
        self
    }
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// Excel's column letters for a 0-based column index (0 → A, 26 → AA).
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn numbers_that_are_codes_keep_their_digits() {
        assert_eq!(CellValue::Float(9012345678.0).text(), "9012345678");
        assert_eq!(CellValue::Float(1.5).text(), "1.5");
        assert_eq!(CellValue::Float(9012345678.0).to_json(), serde_json::json!(9012345678i64));
        assert_eq!(CellValue::Error("#N/A".into()).text(), "");
    }
}
