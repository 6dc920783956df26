//! CSV and TSV: delimiter sniffing, quoted fields with embedded newlines,
//! title lines above the header, ragged rows reported (never dropped).
//!
//! The text is decoded first (see [`super::encoding`]) and parsed as UTF-8,
//! so CP932's 0x5C and 0x7C trail bytes can never be mistaken for syntax.

use super::{column_names, detect_header, ReadError, ReadOptions, SourceFile, SourceRow, Table};
use crate::model::{CellValue, Location, Problem, Severity};

/// How many records at the top are looked at to find the header.
const HEADER_SCAN: usize = 40;

#[derive(Debug)]
pub(super) struct CsvBody {
    text: String,
    delimiter: u8,
    /// Index of the header record among all records (title lines first).
    header_index: usize,
    /// Physical line count, an estimate of the rows for progress.
    lines: u64,
}

fn reader(text: &str, delimiter: u8) -> ::csv::Reader<&[u8]> {
    ::csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes())
}

pub(super) fn read(file: &mut SourceFile, text: String, opts: &ReadOptions) -> Result<(), ReadError> {
    let delimiter = opts.delimiter.unwrap_or_else(|| sniff_delimiter(&text));
    file.delimiter = Some(delimiter);
    if let Some(detail) = runaway_quote(&text, delimiter) {
        return Err(ReadError::StrayQuote { file: file.name.clone(), detail });
    }

    // The first records, to find the header.
    let mut head: Vec<Vec<CellValue>> = Vec::new();
    let mut head_lines: Vec<u64> = Vec::new();
    let mut rdr = reader(&text, delimiter);
    let mut rec = ::csv::StringRecord::new();
    let mut lines = LineCounter::new(&text);
    let scan = if opts.header_row.is_some() { usize::MAX } else { HEADER_SCAN };
    while head.len() < scan {
        match rdr.read_record(&mut rec) {
            Ok(true) => {
                head_lines.push(lines.start_line(rec.position()));
                head.push(rec.iter().map(text_cell).collect());
                if let Some(h) = opts.header_row {
                    if *head_lines.last().expect("pushed") >= h {
                        break;
                    }
                }
            }
            Ok(false) => break,
            Err(e) => return Err(ReadError::Corrupt { file: file.name.clone(), format: "CSV", detail: e.to_string() }),
        }
    }
    let header_index = match opts.header_row {
        Some(h) => head_lines.iter().position(|&l| l == h).ok_or_else(|| ReadError::BadHeaderRow {
            location: Location { file: file.name.clone(), sheet: String::new(), row: h, column: None },
            detail: "no CSV record starts on that line".into(),
        })?,
        None => match detect_header(&head) {
            Some(i) => i,
            None => {
                // Only blank lines: treat as empty.
                return Err(ReadError::Empty { file: file.name.clone() });
            }
        },
    };
    let columns = column_names(&head[header_index]);
    let title_rows = head_lines[..header_index]
        .iter()
        .zip(&head[..header_index])
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .map(|(l, _)| *l)
        .collect();
    let line_count = text.as_bytes().iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    file.tables.push(Table {
        sheet: String::new(),
        header_row: Some(head_lines[header_index]),
        columns,
        title_rows,
        body: super::Body::Csv(CsvBody { text, delimiter, header_index, lines: line_count }),
    });
    Ok(())
}

/// Counts physical lines as records go by. The csv crate's own line numbers
/// are off in CRLF files and after blank lines (rust-csv #208, #395), so
/// the line is counted here from byte offsets: the record starts at the
/// first byte after its position that is not a line break.
struct LineCounter<'t> {
    text: &'t [u8],
    at: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter { text: text.as_bytes(), at: 0, line: 1 }
    }
    fn start_line(&mut self, pos: Option<&::csv::Position>) -> u64 {
        let Some(pos) = pos else { return 0 };
        let mut start = (pos.byte() as usize).min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\n' | b'\r') {
            start += 1;
        }
        if start >= self.at {
            self.line += self.text[self.at..start].iter().filter(|&&b| b == b'\n').count() as u64;
            self.at = start;
        }
        self.line
    }
}

fn text_cell(s: &str) -> CellValue {
    if s.is_empty() {
        CellValue::Empty
    } else {
        CellValue::Text(s.to_string())
    }
}

impl CsvBody {
    pub(super) fn data_rows_estimate(&self) -> u64 {
        self.lines
    }

    pub(super) fn for_each_row(
        &self,
        table: &Table,
        ctx: &Location,
        f: &mut dyn FnMut(SourceRow) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut rdr = reader(&self.text, self.delimiter);
        let mut rec = ::csv::StringRecord::new();
        let mut index = 0usize;
        let mut lines = LineCounter::new(&self.text);
        let width = table.columns.len();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    anyhow::bail!("{}: CSV syntax error near line {line}: {e}", ctx.file);
                }
            }
            index += 1;
            let line = lines.start_line(rec.position());
            if index <= self.header_index + 1 {
                continue;
            }
            let mut row = SourceRow { row: line, cells: rec.iter().map(text_cell).collect(), ..SourceRow::default() };
            if rec.len() != width && !(rec.len() == 1 && rec[0].is_empty()) && !row.is_blank() {
                let (code, what) = if rec.len() < width {
                    (
                        "ragged_row_short",
                        format!("has {} field(s), the header has {width}; the missing fields were read as empty", rec.len()),
                    )
                } else {
                    (
                        "ragged_row_long",
                        format!(
                            "has {} field(s), the header has {width}; the extra fields are kept as 列{}…",
                            rec.len(),
                            crate::model::column_letter(width)
                        ),
                    )
                };
                row.problems.push(Problem::new(
                    Severity::Warning,
                    code,
                    Location { file: ctx.file.clone(), sheet: String::new(), row: line, column: None },
                    format!("line {line} {what}"),
                ));
            }
            f(row)?;
        }
        Ok(())
    }
}

/// A quoted field that swallows the rest of the file or the lines after
/// it: a stray `"` at the start of a field (an export that did not escape
/// it, a hand edit). CSV readers take everything up to the next quote as
/// one cell, and the rows inside would be lost without a word (and marked
/// gone on the next import). Returns what to tell the user: the line and
/// field where the quote opened.
///
/// A quoted field with line breaks is fine (a memo, a booking's request).
/// It is refused when it never closes, or when it spans lines and its
/// closing quote is not followed by a delimiter or the end of the line:
/// then the quote that ended it was another field's opening quote
/// (`…,"¥4,400",…` further down), the sure sign of a runaway. A quote
/// closed early on one line (`"abc"def`) is read as it always was.
fn runaway_quote(text: &str, delimiter: u8) -> Option<String> {
    let b = text.as_bytes();
    let d = delimiter;
    let plural = |n: u64| if n == 1 { String::from("1 line") } else { format!("{n} lines") };
    // Line breaks: LF, CRLF, or CR alone (Excel for Mac's CSV).
    let breaks_at = |i: usize| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'));
    let (mut i, mut line, mut field) = (0usize, 1u64, 1usize);
    let mut at_field_start = true;
    while i < b.len() {
        let c = b[i];
        if at_field_start && c == b'"' {
            let (open_line, open_field) = (line, field);
            let mut j = i + 1;
            let mut inner = 0u64;
            loop {
                if j >= b.len() {
                    return Some(format!(
                        "the quoted field that opens on line {open_line} (field {open_field}) is never closed: a stray '\"' takes the rest of the file ({}) as one cell; remove that quote, or double it (\"\") if it is part of the text",
                        plural(inner + 1 - u64::from(inner > 0 && breaks_at(b.len() - 1)))
                    ));
                }
                match b[j] {
                    b'"' if b.get(j + 1) == Some(&b'"') => j += 2,
                    b'"' => break,
                    _ if breaks_at(j) => {
                        inner += 1;
                        j += 1;
                    }
                    _ => j += 1,
                }
            }
            let next = b.get(j + 1).copied();
            if inner > 0 && !matches!(next, None | Some(b'\n') | Some(b'\r')) && next != Some(d) {
                return Some(format!(
                    "the quoted field that opens on line {open_line} (field {open_field}) runs over {} and ends on line {} at a quote that is not followed by a delimiter: a stray '\"' took those lines as one cell; remove that quote, or double it (\"\") if it is part of the text",
                    plural(inner + 1),
                    open_line + inner
                ));
            }
            line += inner;
            i = j + 1;
            at_field_start = false;
            continue;
        }
        if c == d {
            field += 1;
            at_field_start = true;
        } else if breaks_at(i) {
            line += 1;
            field = 1;
            at_field_start = true;
        } else if c != b'\r' {
            at_field_start = false;
        }
        i += 1;
    }
    None
}

/// Picks the delimiter (comma, tab or semicolon) that splits the first lines
/// into the most consistent number of fields. Quoted text is skipped.
pub fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(50).collect();
    let mut best = (b',', 0usize);
    for d in [b',', b'\t', b';'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d as char)).collect();
        let mut freq = std::collections::HashMap::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *freq.entry(c).or_insert(0usize) += 1;
        }
        // Lines agreeing on the most common count, weighted a little by the
        // count so one stray comma in a title does not win.
        let score = freq.iter().map(|(&c, &n)| n * 4 + c.min(4)).max().unwrap_or(0);
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, d: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == d && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_stray_quote_is_refused_with_the_line_it_opens_on() {
        use super::runaway_quote;
        // Memos over several lines, with commas, quotes doubled, in any column.
        let ok = "No,氏名,メモ\n1,山田,\"前回と同じ\n短めに, 耳出し\"\n2,佐藤,\"\"\n3,鈴木,\"a \"\"b\"\" c\"\n";
        assert_eq!(runaway_quote(ok, b','), None);
        let memo_commas = "No,メモ,氏名,電話\n1,\"1/5 カット, カラー, トリートメント, 眉\n2/1 カット, カラー, トリートメント, 眉\n3/3 カット, カラー, a, b\",山田,090\n2,x,佐藤,080\n";
        assert_eq!(runaway_quote(memo_commas, b','), None);
        assert_eq!(runaway_quote(&memo_commas.replace(',', "\t"), b'\t'), None);
        // Sloppy quoting on one line reads as before.
        assert_eq!(runaway_quote("a,b\n\"x\"y,1\n", b','), None);
        let open = "No,氏名,メモ\n1,山田,ok\n2,\"佐藤,x\n";
        assert!(runaway_quote(open, b',').unwrap().contains("opens on line 3 (field 2) is never closed"));
        assert!(runaway_quote(open, b',').unwrap().contains("(1 line)"));
        // A stray quote that runs until another field's opening quote.
        let swallowing = "No,氏名,金額\n1,\"山田,a\n2,佐藤,\"4,400\"\n3,鈴木,c\n";
        let e = runaway_quote(swallowing, b',').unwrap();
        assert!(e.contains("opens on line 2 (field 2) runs over 2 lines and ends on line 3"), "{e}");
        // Lines counted the same with CR alone.
        let e = runaway_quote(&swallowing.replace('\n', "\r"), b',').unwrap();
        assert!(e.contains("opens on line 2 (field 2)"), "{e}");
    }

    use super::*;

    #[test]
    fn sniffs() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2,5\t3\n"), b'\t');
        assert_eq!(sniff_delimiter("a;b;c\n1;\"2;5\";3\n"), b';');
        assert_eq!(sniff_delimiter("氏名\n山田\n"), b',');
    }
}
