//! The import stage: one reader per format behind one interface.
//!
//! [`open`] reads a file, works out what it really is (by content, not by
//! its extension), decodes text, finds each table's header row (skipping
//! title rows and blank rows above it) and returns a [`SourceFile`] whose
//! [`Table`]s stream [`SourceRow`]s with their exact location. Readers keep
//! every cell with the type the source gave it; they never clean values.

pub mod bounds;
pub mod cards;
pub mod csv;
pub mod encoding;
pub mod excel;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::{column_letter, CellValue, Location, Problem};

/// The formats karte reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
    Csv,
    Cards,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
            Format::Cards => "cards",
        }
    }
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Format::Xlsx,
            "xlsm" => Format::Xlsm,
            "xlsb" => Format::Xlsb,
            "xls" => Format::Xls,
            "ods" => Format::Ods,
            "csv" | "tsv" | "txt-table" => Format::Csv,
            "cards" | "card" | "karte" => Format::Cards,
            _ => return None,
        })
    }
    pub fn is_workbook(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xlsm | Format::Xlsb | Format::Xls | Format::Ods)
    }
}

/// How to read a file; everything left `None` is detected.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub format: Option<Format>,
    pub encoding: Option<&'static encoding_rs::Encoding>,
    pub delimiter: Option<u8>,
    /// Sheets to read (all sheets with data when `None`).
    pub sheets: Option<Vec<String>>,
    /// The header's row as a person sees it (Excel row, CSV line); detected
    /// when `None`.
    pub header_row: Option<u64>,
}

/// Why a file could not be read at all. Problems inside a readable file are
/// [`Problem`]s, not errors.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {file}: {source}")]
    Io { file: String, source: std::io::Error },
    #[error("{file} is empty (0 bytes): there is nothing to import")]
    Empty { file: String },
    #[error(
        "{file} is password-protected: open it in Excel, remove the password (ファイル → 情報 → ブックの保護), save, and import again"
    )]
    PasswordProtected { file: String },
    #[error(
        "{file} is not a readable {format} file ({detail}); it may be truncated or damaged: open and re-save it in Excel or LibreOffice"
    )]
    Corrupt { file: String, format: &'static str, detail: String },
    #[error("{file} is refused: {detail}; nothing was imported from it")]
    TooLarge { file: String, detail: String },
    #[error("{file}: {detail}; nothing was imported from it")]
    StrayQuote { file: String, detail: String },
    #[error("{file}: the file's content is {actual}, but it was declared {declared}")]
    FormatMismatch { file: String, declared: &'static str, actual: &'static str },
    #[error(transparent)]
    Decode(#[from] encoding::DecodeError),
    #[error("{file} has no sheet named '{sheet}'; its sheets are: {available}{hint}")]
    SheetNotFound { file: String, sheet: String, available: String, hint: String },
    #[error("{location}: no header row found there ({detail})")]
    BadHeaderRow { location: Location, detail: String },
}

/// Which encoding a text file was read in, and how sure the detector is.
#[derive(Debug, Clone)]
pub struct EncodingInfo {
    pub name: &'static str,
    pub confidence: encoding::Confidence,
    pub undecodable: usize,
}

/// A file that was read: what it is, and its tables.
#[derive(Debug)]
pub struct SourceFile {
    /// The file's name without directories: what lineage records.
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    /// SHA-256 of the file's bytes, hex.
    pub hash: String,
    pub format: Format,
    pub encoding: Option<EncodingInfo>,
    pub delimiter: Option<u8>,
    /// File-level problems: undecodable bytes, gaiji, an extension that
    /// does not match the content, empty sheets.
    pub problems: Vec<Problem>,
    pub tables: Vec<Table>,
}

/// One table: a sheet, or the whole of a CSV or card file.
#[derive(Debug)]
pub struct Table {
    /// The sheet's name; empty for CSV and card files.
    pub sheet: String,
    /// Where the header is (Excel row or CSV line); `None` for card files,
    /// which have keys instead of a header.
    pub header_row: Option<u64>,
    /// Column names (card keys for card files), unique: an empty header
    /// cell is named after its column letter (`列F`), a repeated one gets
    /// ` (2)`.
    pub columns: Vec<String>,
    /// Rows above the header that were skipped (title rows, notes).
    pub title_rows: Vec<u64>,
    body: Body,
}

#[derive(Debug)]
enum Body {
    Grid(excel::Grid),
    Csv(csv::CsvBody),
    Cards(Vec<SourceRow>),
}

/// One source row (a spreadsheet row, a CSV record, a card), with its
/// cells in column order.
#[derive(Debug, Clone, Default)]
pub struct SourceRow {
    /// The row as a person finds it: Excel row, CSV start line, card line.
    pub row: u64,
    pub cells: Vec<CellValue>,
    /// Further values of a column that repeats in this row (a card key that
    /// occurs several times). `cells` holds the first.
    pub repeats: Vec<(usize, CellValue)>,
    /// Problems of this row found while reading (ragged row, error cells).
    pub problems: Vec<Problem>,
}

impl SourceRow {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(CellValue::is_empty) && self.repeats.iter().all(|(_, v)| v.is_empty())
    }
    /// All values of column `i`: the cell, then its repeats.
    pub fn values(&self, i: usize) -> impl Iterator<Item = &CellValue> {
        self.cells.get(i).into_iter().chain(self.repeats.iter().filter(move |(c, _)| *c == i).map(|(_, v)| v))
    }
}

impl Table {
    /// Streams the data rows below the header, skipping blank rows (which
    /// are not records). `on_blank` is told of each blank row skipped.
    pub fn for_each_row(&self, ctx: &Location, mut f: impl FnMut(SourceRow) -> anyhow::Result<()>) -> anyhow::Result<RowStats> {
        let mut stats = RowStats::default();
        let mut handle = |row: SourceRow| -> anyhow::Result<()> {
            if row.is_blank() {
                stats.blank += 1;
                return Ok(());
            }
            stats.rows += 1;
            f(row)
        };
        match &self.body {
            Body::Grid(g) => g.for_each_row(self, ctx, &mut handle)?,
            Body::Csv(c) => c.for_each_row(self, ctx, &mut handle)?,
            Body::Cards(cards) => {
                for c in cards {
                    handle(c.clone())?;
                }
            }
        }
        Ok(stats)
    }

    /// How many rows lie below the header, blank ones included (for the
    /// progress bar); `None` when unknown without reading.
    pub fn size_hint(&self) -> Option<u64> {
        match &self.body {
            Body::Grid(g) => Some(g.data_rows() as u64),
            Body::Csv(c) => Some(c.data_rows_estimate()),
            Body::Cards(c) => Some(c.len() as u64),
        }
    }

    /// The name of column `i`, also for cells beyond the header of a ragged
    /// row.
    pub fn column_name(&self, i: usize) -> String {
        self.columns.get(i).cloned().unwrap_or_else(|| format!("列{}", column_letter(i)))
    }
}

/// Counts from streaming one table.
#[derive(Debug, Default, Clone, Copy)]
pub struct RowStats {
    /// Non-blank rows below the header (each one becomes a record).
    pub rows: u64,
    /// Blank rows skipped.
    pub blank: u64,
}

/// A file's bytes and their SHA-256, read before anything is parsed (an
/// unchanged file is recognised by its hash and never parsed).
pub struct RawFile {
    pub name: String,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub hash: String,
}

/// The file-name part of a path (what lineage records and messages name).
pub fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

impl RawFile {
    pub fn read(path: &Path) -> Result<RawFile, ReadError> {
        let name = file_name(path);
        let bytes = std::fs::read(path).map_err(|source| ReadError::Io { file: name.clone(), source })?;
        if bytes.is_empty() {
            return Err(ReadError::Empty { file: name });
        }
        let hash = hex(&Sha256::digest(&bytes));
        Ok(RawFile { name, path: path.to_path_buf(), bytes, hash })
    }
}

/// Reads and detects a file. Nothing is written anywhere.
pub fn open(path: &Path, opts: &ReadOptions) -> Result<SourceFile, ReadError> {
    parse(RawFile::read(path)?, opts)
}

/// Detects and reads a file whose bytes are in memory.
pub fn parse(raw: RawFile, opts: &ReadOptions) -> Result<SourceFile, ReadError> {
    let RawFile { name, path, bytes, hash } = raw;
    let path = path.as_path();
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let sniffed = sniff(&bytes, &ext);
    let mut problems = Vec::new();
    let file_loc = Location { file: name.clone(), ..Location::default() };

    let format = match (opts.format, sniffed) {
        (_, Sniffed::Encrypted) => return Err(ReadError::PasswordProtected { file: name }),
        (Some(decl), Sniffed::Format(actual)) if decl.is_workbook() != actual.is_workbook() => {
            return Err(ReadError::FormatMismatch { file: name, declared: decl.name(), actual: describe(actual) });
        }
        (Some(decl), Sniffed::Format(actual)) if decl.is_workbook() => {
            if decl != actual && !(decl == Format::Xlsx && actual == Format::Xlsm) {
                problems.push(Problem::new(
                    crate::model::Severity::Info,
                    "format_differs",
                    file_loc.clone(),
                    format!("declared {} but the content is {}; read as {}", decl.name(), actual.name(), actual.name()),
                ));
            }
            actual
        }
        (Some(decl), Sniffed::Format(_)) => decl,
        (None, Sniffed::Format(actual)) => actual,
    };
    if let Some(expected) = format_of_extension(&ext) {
        if expected.is_workbook() != format.is_workbook()
            || (format.is_workbook() && expected != format && !(expected == Format::Xlsx && format == Format::Xlsm))
        {
            problems.push(Problem::new(
                crate::model::Severity::Warning,
                "extension_mismatch",
                file_loc.clone(),
                format!("the file is named .{ext} but its content is {}; it was read as {}", describe(format), describe(format)),
            ));
        }
    }

    let mut file = SourceFile {
        name: name.clone(),
        path: path.to_path_buf(),
        size: bytes.len() as u64,
        hash,
        format,
        encoding: None,
        delimiter: None,
        problems,
        tables: Vec::new(),
    };
    if format.is_workbook() {
        excel::read(&mut file, bytes, opts)?;
    } else {
        // UTF-32 first: to the checks below it looks like binary or UTF-16.
        let utf32 = encoding::decode_utf32(&bytes, &name);
        if utf32.is_none() {
            if let Some(line) = looks_binary(&bytes) {
                let claimed = format_of_extension(&ext).filter(|f| f.is_workbook()).map(Format::name).unwrap_or("text (CSV or card)");
                return Err(ReadError::Corrupt {
                    file: name,
                    format: claimed,
                    detail: format!(
                        "the content is neither a spreadsheet (no xlsx, xls or ods signature) nor text: it is full of binary control bytes, from line {line} on"
                    ),
                });
            }
        }
        let decoded = match utf32 {
            Some(d) => d,
            None => encoding::decode(&bytes, opts.encoding, &name)?,
        };
        drop(bytes);
        file.encoding =
            Some(EncodingInfo { name: decoded.encoding_name(), confidence: decoded.confidence, undecodable: decoded.undecodable });
        file.problems.extend(decoded.problems);
        let mut text = decoded.text;
        file.problems.extend(strip_controls(&mut text, &name));
        let as_cards = match opts.format {
            Some(Format::Cards) => true,
            Some(_) => false,
            None => cards::looks_like_cards(&text),
        };
        if as_cards {
            file.format = Format::Cards;
            cards::read(&mut file, text);
        } else {
            file.format = Format::Csv;
            csv::read(&mut file, text, opts)?;
        }
    }
    Ok(file)
}

fn describe(f: Format) -> &'static str {
    match f {
        Format::Xlsx => "an Excel workbook (xlsx)",
        Format::Xlsm => "an Excel macro workbook (xlsm)",
        Format::Xlsb => "an Excel binary workbook (xlsb)",
        Format::Xls => "an Excel 97-2003 workbook (xls)",
        Format::Ods => "an OpenDocument spreadsheet (ods)",
        Format::Csv | Format::Cards => "text (CSV, TSV or card transcription)",
    }
}

fn format_of_extension(ext: &str) -> Option<Format> {
    Some(match ext {
        "xlsx" => Format::Xlsx,
        "xlsm" => Format::Xlsm,
        "xlsb" => Format::Xlsb,
        "xls" => Format::Xls,
        "ods" => Format::Ods,
        "csv" | "tsv" | "txt" => Format::Csv,
        _ => return None,
    })
}

enum Sniffed {
    Format(Format),
    Encrypted,
}

/// Tells the format from the first bytes, as the content says, not the name.
fn sniff(bytes: &[u8], ext: &str) -> Sniffed {
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let head = &bytes[..bytes.len().min(256)];
        if find(head, b"application/vnd.oasis.opendocument.spreadsheet").is_some() {
            return Sniffed::Format(Format::Ods);
        }
        if find(bytes, b"xl/workbook.bin").is_some() {
            return Sniffed::Format(Format::Xlsb);
        }
        if ext == "xlsm" || find(bytes, b"vbaProject.bin").is_some() {
            return Sniffed::Format(Format::Xlsm);
        }
        return Sniffed::Format(Format::Xlsx);
    }
    if bytes.starts_with(&OLE) {
        // An encrypted xlsx is an OLE container with an EncryptedPackage
        // stream (directory names are UTF-16LE).
        let name: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        if find(bytes, &name).is_some() {
            return Sniffed::Encrypted;
        }
        return Sniffed::Format(Format::Xls);
    }
    Sniffed::Format(Format::Csv)
}

/// Whether bytes are binary rather than text in any supported encoding:
/// NUL bytes outside UTF-16 and UTF-32, or C0 control bytes, making more
/// than 1 % of the first 64 KiB. Returns the line of the first such byte.
/// A few stray control bytes in a text file are not binary: they are
/// removed from the values, each line named (see [`strip_controls`]).
fn looks_binary(bytes: &[u8]) -> Option<u64> {
    if encoding_rs::Encoding::for_bom(bytes).is_some_and(|(e, _)| e != encoding_rs::UTF_8) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let odd = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b);
    let controls = sample.iter().filter(|&&b| odd(b)).count();
    if controls * 100 <= sample.len() || controls < 4 {
        return None;
    }
    let at = sample.iter().position(|&b| odd(b)).unwrap_or(0);
    Some(1 + sample[..at].iter().filter(|&&b| b == b'\n').count() as u64)
}

/// Removes control characters other than tab and line ends from decoded
/// text (NUL, BEL, ESC, DEL, C1 controls: they are no part of a name or a
/// phone, and one must never reach a terminal or a value), with one
/// warning per line naming it (200 lines at most, then a count).
pub fn strip_controls(text: &mut String, file: &str) -> Vec<Problem> {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !text.contains(bad) {
        return Vec::new();
    }
    let mut problems = Vec::new();
    let mut out = String::with_capacity(text.len());
    let (mut line, mut on_line, mut lines_with) = (1u64, 0usize, 0usize);
    let mut first_unlisted = None;
    let mut flush = |line: u64, n: usize, problems: &mut Vec<Problem>| {
        if n == 0 {
            return;
        }
        lines_with += 1;
        if lines_with <= 200 {
            problems.push(Problem::new(
                crate::model::Severity::Warning,
                "control_characters",
                Location { file: file.to_string(), sheet: String::new(), row: line, column: None },
                format!("line {line} has {n} control character(s) (NUL, BEL, ESC…) that are no part of a value; they were removed, the rest of the line is kept"),
            ));
        } else if first_unlisted.is_none() {
            first_unlisted = Some(line);
        }
    };
    let mut prev_cr = false;
    for c in text.chars() {
        if bad(c) {
            on_line += 1;
            continue;
        }
        out.push(c);
        // A line ends at LF, CRLF or a lone CR, as the readers count them.
        if c == '\r' || (c == '\n' && !prev_cr) {
            flush(line, std::mem::take(&mut on_line), &mut problems);
            line += 1;
        }
        prev_cr = c == '\r';
    }
    flush(line, on_line, &mut problems);
    if let Some(first) = first_unlisted {
        problems.push(Problem::new(
            crate::model::Severity::Warning,
            "control_characters",
            Location { file: file.to_string(), sheet: String::new(), row: first, column: None },
            format!("{} more line(s) from line {first} on had control characters; they were removed", lines_with - 200),
        ));
    }
    *text = out;
    problems
}

/// Text as it may be printed to a terminal or a log: control characters
/// (ESC, BEL, NUL, DEL, C1) shown as `\u{1b}`, so a cell can never move
/// the cursor, retitle the window or clear the screen.
pub fn printable(s: &str) -> String {
    if !s.chars().any(is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The SHA-256 of bytes, in hex.
pub fn hex_digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Finds the header row among the first rows of a table: the first row
/// whose cells are all text and fill at least half as many columns as the
/// widest of the rows around it. Title rows ("顧客台帳 2024年度") and notes
/// above the header fill one or two cells and are passed over.
///
/// Returns an index into `rows`.
pub fn detect_header(rows: &[Vec<CellValue>]) -> Option<usize> {
    let width = |r: &Vec<CellValue>| r.iter().filter(|c| !c.is_empty()).count();
    let sample: Vec<usize> = (0..rows.len()).filter(|&i| width(&rows[i]) > 0).take(30).collect();
    let maxw = sample.iter().map(|&i| width(&rows[i])).max()?;
    let is_header = |r: &Vec<CellValue>| {
        let w = width(r);
        w >= 2.min(maxw)
            && w * 2 >= maxw
            && r.iter().all(|c| match c {
                CellValue::Empty => true,
                CellValue::Text(s) => s.trim().is_empty() || s.trim().parse::<f64>().is_err(),
                _ => false,
            })
    };
    sample.iter().copied().find(|&i| is_header(&rows[i])).or_else(|| sample.first().copied())
}

/// Turns header cells into unique column names.
pub fn column_names(header: &[CellValue]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(header.len());
    // Names taken so far, and for each base name the next number to try:
    // linear in the width (a row of 200,000 columns took 26 s when every
    // name was looked for in every earlier one).
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::with_capacity(header.len());
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, c) in header.iter().enumerate() {
        let base = clean_header(&c.text());
        let base = if base.is_empty() { format!("列{}", column_letter(i)) } else { base };
        let mut name = base.clone();
        if taken.contains(&name) {
            let n = next.entry(base.clone()).or_insert(2);
            loop {
                name = format!("{base} ({n})");
                *n += 1;
                if !taken.contains(&name) {
                    break;
                }
            }
        }
        taken.insert(name.clone());
        out.push(name);
    }
    // Trailing unnamed, empty columns are noise from spreadsheet formatting.
    out
}

/// Whether a header cell looks like a value rather than a column's name:
/// mostly digits (a code, a date, a phone, an amount: `R2019-000083`,
/// `2019/04/01`, `08072441662`, `4,400`), or an e-mail address.
pub fn looks_like_value(s: &str) -> bool {
    let s = s.trim();
    let chars = s.chars().filter(|c| !c.is_whitespace()).count();
    let digits = s.chars().filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).count();
    (digits >= 3 && digits * 2 >= chars) || (s.contains('@') && s.rsplit('@').next().is_some_and(|d| d.contains('.')))
}

/// Whether a table's header looks like a data row: at least two of its
/// named cells, and a third of them, look like values. Returns (how many,
/// of how many).
pub fn header_looks_like_data(columns: &[String]) -> Option<(usize, usize)> {
    let named: Vec<&String> =
        columns.iter().enumerate().filter(|(i, c)| **c != format!("列{}", column_letter(*i))).map(|(_, c)| c).collect();
    let n = named.iter().filter(|c| looks_like_value(c)).count();
    (n >= 2 && n * 3 >= named.len()).then_some((n, named.len()))
}

/// Header text as a name: surrounding spaces (ASCII, U+3000, NBSP), BOMs and
/// line breaks inside the cell removed.
pub fn clean_header(s: &str) -> String {
    let s: String =
        s.chars().filter(|&c| c != '\u{FEFF}' && c != '\u{200B}').map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}').to_string()
}

/// Small workbooks written in tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use std::io::Write;

    /// An xlsx of the given (sheet name, worksheet XML) parts.
    pub fn xlsx(sheets: &[(&str, &str)]) -> Vec<u8> {
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let pkg = "http://schemas.openxmlformats.org/package/2006/relationships";
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        let mut put = |name: &str, body: String| {
            z.start_file(name, o).unwrap();
            z.write_all(body.as_bytes()).unwrap();
        };
        put("[Content_Types].xml", String::from("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>"));
        put("_rels/.rels", format!("<Relationships xmlns=\"{pkg}\"><Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"));
        let list: String =
            (1..=sheets.len()).map(|i| format!("<sheet name=\"{}\" sheetId=\"{i}\" r:id=\"rId{i}\"/>", sheets[i - 1].0)).collect();
        put("xl/workbook.xml", format!("<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"{rel}\"><sheets>{list}</sheets></workbook>"));
        let rels: String = (1..=sheets.len())
            .map(|i| format!("<Relationship Id=\"rId{i}\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"))
            .collect();
        put("xl/_rels/workbook.xml.rels", format!("<Relationships xmlns=\"{pkg}\">{rels}</Relationships>"));
        for (i, (_, xml)) in sheets.iter().enumerate() {
            put(&format!("xl/worksheets/sheet{}.xml", i + 1), xml.to_string());
        }
        z.finish().unwrap().into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> CellValue {
        if s.is_empty() {
            CellValue::Empty
        } else {
            CellValue::Text(s.to_string())
        }
    }

    #[test]
    fn header_below_title_rows() {
        let rows = vec![
            vec![t("美容室さくら 顧客台帳"), t(""), t(""), t("")],
            vec![t("更新: 2024年10月1日"), t(""), t(""), t("")],
            vec![t(""), t(""), t(""), t("")],
            vec![t("顧客No"), t("氏名"), t("フリガナ"), t("電話番号")],
            vec![t("A1"), t("山田"), t("ヤマダ"), CellValue::Int(312345678)],
        ];
        assert_eq!(detect_header(&rows), Some(3));
    }

    #[test]
    fn numbers_are_not_a_header() {
        let rows = vec![vec![CellValue::Int(1), CellValue::Int(2)], vec![t("a"), t("b")]];
        assert_eq!(detect_header(&rows), Some(1));
    }

    #[test]
    fn names_of_a_very_wide_header_are_unique_and_linear() {
        // 300,000 columns, half of them the same name: quadratic before
        // (hours), linear now.
        let header: Vec<CellValue> = (0..300_000).map(|i| if i % 2 == 0 { t("x") } else { t(&format!("c{i}")) }).collect();
        let names = column_names(&header);
        assert_eq!(names.len(), 300_000);
        assert_eq!(names[2], "x (2)");
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
    }

    #[test]
    fn control_characters_are_removed_and_their_lines_named() {
        let mut s = String::from("a,b\r\n1,\u{0}2\r\n3\u{1b}[2J,4\r5\u{7},6\n");
        let p = strip_controls(&mut s, "f.csv");
        assert_eq!(s, "a,b\r\n1,2\r\n3[2J,4\r5,6\n");
        assert_eq!(p.iter().map(|p| p.location.row).collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(printable("x\u{1b}]2;t\u{7}"), "x\\u{1b}]2;t\\u{7}");
    }

    #[test]
    fn names_are_unique() {
        let names = column_names(&[t(" 備考 "), t(""), t("備考"), t("\u{FEFF}氏名")]);
        assert_eq!(names, vec!["備考", "列B", "備考 (2)", "氏名"]);
    }
}
