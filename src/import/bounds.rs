//! What a workbook would cost to read, measured before calamine reads it.
//!
//! calamine trusts a workbook's own figures: a `<dimension>` or a stray cell
//! at XFD1048576 makes its dense `Range` ask for 1,048,576 × 16,384 cells
//! (549 GB), a 1 GiB shared string is read whole, an xls DIMENSIONS record
//! reserves whatever it says, an ods `number-rows-repeated` expands. A file
//! of a few KB could take the nightly run down. So before calamine sees a
//! workbook, this module measures it, streaming and in bounded memory:
//!
//! - **zip workbooks** (xlsx, xlsm, xlsb, ods): every part is decompressed
//!   and counted (the sizes the zip declares can lie); a part larger than
//!   [`MAX_PART`] (a worksheet, which is streamed) or [`MAX_WHOLE_PART`]
//!   (everything read whole: shared strings, styles, the workbook), or one
//!   text or tag longer than [`MAX_TOKEN`] (Excel holds at most 32,767
//!   characters in a cell), refuses the file. The error cells of each
//!   worksheet whose value calamine does not know (`#SPILL!`, `#CALC!`) are
//!   noted with their cell reference, so the reader can name them.
//! - **ods** (read whole by calamine): the cells its rows and repeats span;
//! - **xls** (read whole by calamine): its OLE2 container followed as
//!   calamine follows it (a sector chain that loops made it grow a vector
//!   without end), and the cells each sheet's records and DIMENSIONS
//!   records span.
//!
//! Worksheets of xlsx and xlsb are then read cell by cell (see
//! [`super::excel`]); xls and ods are read into calamine's dense ranges,
//! which these checks keep under [`MAX_DENSE_CELLS`].

use std::collections::HashMap;
use std::io::{Cursor, Read};

/// The most a worksheet part (streamed cell by cell) may decompress to.
pub const MAX_PART: u64 = 1 << 30;
/// The most any other part, which calamine reads whole, may decompress to.
pub const MAX_WHOLE_PART: u64 = 256 << 20;
/// The longest text or tag in an XML part. Excel holds at most 32,767
/// characters in a cell; escaped, in UTF-8, that is well under 1 MiB.
pub const MAX_TOKEN: u64 = 8 << 20;
/// The most cells the dense ranges of an xls or ods workbook may span in
/// all (calamine keeps a value and a formula for each: 56 bytes).
pub const MAX_DENSE_CELLS: u64 = 4_000_000;

/// The most distinct shared strings a workbook may declare (calamine
/// reserves room for as many as `uniqueCount` says, 24 bytes each).
pub const MAX_SHARED_STRINGS: u64 = 10_000_000;

/// Error values calamine knows in an xlsx `t="e"` cell.
const KNOWN_ERRORS: [&str; 7] = ["#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"];

/// What the zip check learnt.
#[derive(Debug, Default)]
pub struct ZipFacts {
    /// Worksheet part (`xl/worksheets/sheet1.xml`) → its error cells with a
    /// value calamine does not know: (cell reference, value), in order.
    pub unknown_errors: HashMap<String, Vec<(String, String)>>,
    /// Decompressed bytes of every worksheet part, in all.
    pub sheet_bytes: u64,
}

fn mib(n: u64) -> String {
    format!("{} MiB", n >> 20)
}

/// Measures every part of a zip workbook. `Err` says why the file is
/// refused.
pub fn check_zip(bytes: &[u8]) -> Result<ZipFacts, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("the zip container cannot be read ({e})"))?;
    let mut facts = ZipFacts::default();
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = match zip.by_index(i) {
            Ok(p) => p,
            // calamine reports unreadable parts itself when it needs them.
            Err(_) => continue,
        };
        let name = part.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("#{i}"));
        let sheet = is_worksheet(&name);
        let limit = if sheet { MAX_PART } else { MAX_WHOLE_PART };
        if part.size() > limit {
            return Err(format!(
                "its part '{name}' declares {} of content when decompressed (more than the {} karte reads from one part)",
                size_text(part.size()),
                mib(limit)
            ));
        }
        let xml = name.ends_with(".xml") || name.ends_with(".rels");
        let mut scan = XmlScan::default();
        let mut total = 0u64;
        loop {
            let n = match part.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                // A damaged part: calamine will say so when it reads it.
                Err(_) => break,
            };
            total += n as u64;
            if total > limit {
                return Err(format!(
                    "its part '{name}' decompresses to more than {} (a zip bomb, or not a workbook karte can read)",
                    mib(limit)
                ));
            }
            if xml {
                scan.feed(&buf[..n], sheet);
                if scan.longest > MAX_TOKEN {
                    return Err(format!(
                        "its part '{name}' holds one text or tag of more than {} (Excel holds at most 32,767 characters in a cell)",
                        mib(MAX_TOKEN)
                    ));
                }
            }
        }
        if scan.sst_unique.is_some_and(|n| n > MAX_SHARED_STRINGS) {
            return Err(format!(
                "its part '{name}' declares {} distinct strings (karte reads at most {MAX_SHARED_STRINGS})",
                scan.sst_unique.unwrap_or_default()
            ));
        }
        if sheet {
            facts.sheet_bytes += total;
            if !scan.unknown_errors.is_empty() {
                facts.unknown_errors.insert(name.clone(), scan.unknown_errors);
            }
        }
        drop(part);
        if name == "content.xml" {
            // ods: calamine expands it into dense ranges.
            let mut part = match zip.by_index(i) {
                Ok(p) => p,
                Err(_) => continue,
            };
            ods_cells(&mut part)?;
        }
    }
    Ok(facts)
}

fn size_text(n: u64) -> String {
    if n >= 1 << 30 {
        format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64)
    } else {
        mib(n)
    }
}

fn is_worksheet(name: &str) -> bool {
    name.starts_with("xl/worksheets/") && !name.contains("/_rels/")
}

/// A streaming look at XML bytes: the longest run between `<` and `>`, and
/// (in worksheets) the error cells with an unknown value.
#[derive(Default)]
struct XmlScan {
    run: u64,
    longest: u64,
    in_tag: bool,
    /// The start of the current tag (enough to see `<c r=".." t="e">`).
    tag: Vec<u8>,
    /// Inside `<c … t="e">`: its reference, and whether `<v>` opened.
    error_cell: Option<(String, bool)>,
    text: Vec<u8>,
    unknown_errors: Vec<(String, String)>,
    /// `<sst uniqueCount="…">`: calamine reserves that many strings.
    sst_unique: Option<u64>,
}

impl XmlScan {
    fn feed(&mut self, bytes: &[u8], sheet: bool) {
        for &b in bytes {
            match b {
                b'<' => {
                    if sheet {
                        if let Some((r, true)) = &self.error_cell {
                            let v = String::from_utf8_lossy(&self.text).into_owned();
                            if !KNOWN_ERRORS.contains(&v.as_str()) && self.unknown_errors.len() < 100_000 {
                                self.unknown_errors.push((r.clone(), v));
                            }
                            self.error_cell = None;
                        }
                    }
                    self.in_tag = true;
                    self.run = 0;
                    self.tag.clear();
                }
                b'>' => {
                    self.in_tag = false;
                    self.run = 0;
                    if sheet {
                        self.tag_done();
                    } else if self.tag.starts_with(b"sst ") {
                        self.sst_unique = attr(&self.tag, b"uniqueCount").and_then(|v| v.trim().parse::<u64>().ok());
                    }
                    self.text.clear();
                }
                _ => {
                    self.run += 1;
                    self.longest = self.longest.max(self.run);
                    if self.in_tag {
                        if self.tag.len() < 256 {
                            self.tag.push(b);
                        }
                    } else if sheet && self.error_cell.as_ref().is_some_and(|e| e.1) && self.text.len() < 64 {
                        self.text.push(b);
                    }
                }
            }
        }
    }

    fn tag_done(&mut self) {
        let t = &self.tag;
        if t.starts_with(b"c ") {
            self.error_cell = if attr(t, b"t").as_deref() == Some("e") && !t.ends_with(b"/") {
                Some((attr(t, b"r").unwrap_or_default(), false))
            } else {
                None
            };
        } else if t.as_slice() == b"v" {
            if let Some(e) = &mut self.error_cell {
                e.1 = true;
            }
        } else if t.starts_with(b"/c") && t.len() == 2 {
            self.error_cell = None;
        }
    }
}

/// An attribute's value in a tag's text.
fn attr(t: &[u8], name: &[u8]) -> Option<String> {
    let mut pat = b" ".to_vec();
    pat.extend_from_slice(name);
    pat.extend_from_slice(b"=\"");
    let at = t.windows(pat.len()).position(|w| w == pat.as_slice())? + pat.len();
    let end = t[at..].iter().position(|&c| c == b'"')? + at;
    Some(String::from_utf8_lossy(&t[at..end]).into_owned())
}

/// The cells calamine's ods reader would hold for `content.xml`: every
/// table's cells as its rows list them (repeats expanded), and its dense
/// range (from the first to the last row with a value, the widest row).
/// Read with quick-xml configured as calamine configures it, so both see
/// the same elements; also refused: a table or an annotation still open at
/// the end of the file (calamine's loops wait for its end for ever) and a
/// `text:s` repeating a space more than 65,536 times (it builds the string).
fn ods_cells(part: impl Read) -> Result<(), String> {
    use quick_xml::events::Event;
    const MAX_ROWS: u64 = 1_048_576;
    const MAX_COLS: u64 = 16_384;
    #[derive(Default)]
    struct Table {
        rows: u64,
        first: Option<u64>,
        last: u64,
        min_col: u64,
        max_col: u64,
        listed: u64,
    }
    let num = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> Option<u64> {
        let a = e.try_get_attribute(name).ok().flatten()?;
        Some(a.value.trim().parse::<u64>().unwrap_or(u64::MAX))
    };
    let has = |e: &quick_xml::events::BytesStart<'_>, name: &str| e.try_get_attribute(name).ok().flatten().is_some();
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut total = 0u64;
    let mut t = Table { min_col: u64::MAX, ..Table::default() };
    let (mut open_tables, mut open_notes) = (0u64, 0u64);
    let (mut row_repeat, mut col, mut row_pushed, mut row_min, mut row_max) = (1u64, 0u64, 0u64, u64::MAX, None::<u64>);
    let mut pending_empty = 0u64;
    // The cell being read: its repeat, and whether it holds anything.
    let mut cell: Option<(u64, bool)> = None;
    let finish = |t: &mut Table, total: &mut u64| -> Result<(), String> {
        let dense = match t.first {
            Some(f) => (t.last - f + 1).saturating_mul(t.max_col.saturating_sub(t.min_col) + 1),
            None => 0,
        };
        *total = total.saturating_add(dense.max(t.listed));
        if *total > MAX_DENSE_CELLS {
            return Err(format!(
                "its sheets span {} cells (a value far below or to the right of the data, or rows repeated {} times); karte reads at most {} cells from an ods file",
                (*total).max(dense),
                t.rows,
                MAX_DENSE_CELLS
            ));
        }
        *t = Table { min_col: u64::MAX, ..Table::default() };
        Ok(())
    };
    loop {
        buf.clear();
        let ev = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            // calamine stops at the same error.
            Err(_) => return Ok(()),
        };
        match ev {
            Event::Eof => break,
            Event::Start(e) => match e.name().as_ref() {
                "table:table" => open_tables += 1,
                "table:table-row" => {
                    row_repeat = num(&e, "table:number-rows-repeated").unwrap_or(1).clamp(1, MAX_ROWS);
                    row_repeat = row_repeat.min(MAX_ROWS.saturating_sub(t.rows)).max(1);
                    (col, row_pushed, row_min, row_max, pending_empty) = (0, 0, u64::MAX, None, 0);
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let rep = num(&e, "table:number-columns-repeated").unwrap_or(1).max(1);
                    cell = Some((rep, has(&e, "office:value-type") || has(&e, "table:formula")));
                }
                "text:p" | "text:span" => {
                    if let Some(c) = &mut cell {
                        c.1 = true;
                    }
                }
                "office:annotation" => open_notes += 1,
                "text:s" if num(&e, "text:c").is_some_and(|c| c > 65_536) => {
                    return Err("a cell repeats a space more than 65,536 times (text:s)".into());
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "table:table" => {
                    open_tables = open_tables.saturating_sub(1);
                    finish(&mut t, &mut total)?;
                }
                "table:table-row" => {
                    if let Some(mx) = row_max {
                        let start = t.rows;
                        t.first.get_or_insert(start);
                        t.last = start + row_repeat - 1;
                        t.min_col = t.min_col.min(row_min);
                        t.max_col = t.max_col.max(mx);
                    }
                    t.listed = t.listed.saturating_add(row_pushed);
                    t.rows += row_repeat;
                    if t.listed > MAX_DENSE_CELLS {
                        return Err(format!("its rows list more than {MAX_DENSE_CELLS} cells"));
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let Some((rep, has_value)) = cell.take() else { continue };
                    let remaining = MAX_COLS.saturating_sub(col);
                    let rep = rep.min(remaining);
                    if has_value {
                        let empties = pending_empty.min(remaining);
                        col += empties;
                        row_pushed += empties;
                        pending_empty = 0;
                        let rep = rep.min(MAX_COLS.saturating_sub(col));
                        if rep > 0 {
                            row_min = row_min.min(col);
                            row_max = Some(col + rep - 1);
                        }
                        col += rep;
                        row_pushed += rep;
                    } else {
                        pending_empty = rep;
                    }
                }
                "office:annotation" => open_notes = open_notes.saturating_sub(1),
                _ => {}
            },
            _ => {}
        }
    }
    if open_tables > 0 || open_notes > 0 {
        return Err("its content.xml ends inside a table (the file is cut off or damaged)".into());
    }
    finish(&mut t, &mut total)
}

/// The cells an xls workbook's sheets would span in calamine's dense
/// ranges, and what its DIMENSIONS records would reserve. `Err` says why
/// the file is refused; a file the checks cannot follow is left to
/// calamine, which says what is wrong with it.
pub fn check_xls(bytes: &[u8]) -> Result<Vec<XlsUnknownError>, String> {
    match check_cfb(bytes)? {
        Some(stream) => {
            let mut found = Vec::new();
            check_biff(&stream.data, &mut found)?;
            Ok(found
                .into_iter()
                .filter_map(|(sheet, row, col, code, patch)| {
                    let patch = patch.into_iter().map(|(at, v)| Some((stream.file_offset(at)?, v))).collect::<Option<Vec<_>>>()?;
                    Some(XlsUnknownError { sheet, row, col, code, patch })
                })
                .collect())
        }
        None => Ok(Vec::new()),
    }
}

/// The BIFF records of an xls Workbook stream, walked as calamine walks
/// them: each sheet's records from where its BoundSheet8 record says they
/// start (calamine slices the stream there without looking).
///
/// Error cells (and cached formula results) with a code calamine does not
/// know are listed in `unknown`: (sheet, row, column, code, the stream
/// bytes to rewrite so it reads `#N/A`).
#[allow(clippy::type_complexity)]
fn check_biff(stream: &[u8], unknown: &mut Vec<(usize, u32, u32, u8, Vec<(usize, u8)>)>) -> Result<(), String> {
    // The records from `pos` on: (type, data), as calamine's RecordIter
    // reads them (a record cut short ends the walk: calamine says so).
    let records = |pos: usize| {
        let mut at = pos;
        std::iter::from_fn(move || {
            let head = stream.get(at..at + 4)?;
            let typ = u16::from_le_bytes([head[0], head[1]]);
            let len = u16::from_le_bytes([head[2], head[3]]) as usize;
            let data = stream.get(at + 4..at + 4 + len)?;
            at += 4 + len;
            Some((typ, data, at - len))
        })
    };
    // The globals: where each sheet's records start (BoundSheet8), and the
    // shared strings (SST, with the CONTINUE records after it).
    let mut sheets: Vec<usize> = Vec::new();
    let globals: Vec<(u16, &[u8])> = records(0).map(|(t, d, _)| (t, d)).take_while(|(t, _)| *t != 0x000A).collect();
    for (k, &(typ, data)) in globals.iter().enumerate() {
        match typ {
            0x0085 if data.len() >= 4 => sheets.push(u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize),
            0x00FC if data.len() >= 8 => {
                let conts: Vec<&[u8]> = globals[k + 1..].iter().take_while(|(t, _)| *t == 0x003C).map(|(_, d)| *d).collect();
                check_sst(&data[8..], &conts)?;
            }
            _ => {}
        }
    }
    let mut total = 0u64;
    for (n, &pos) in sheets.iter().enumerate() {
        if pos > stream.len() {
            return Err(format!(
                "the record of its sheet {} points past the end of the workbook stream (at byte {pos} of {})",
                n + 1,
                stream.len()
            ));
        }
        let mut span: Option<(u32, u32, u32, u32)> = None;
        let widen = |s: &mut Option<(u32, u32, u32, u32)>, r: u32, c0: u32, c1: u32| {
            let e = s.get_or_insert((r, r, c0, c1));
            e.0 = e.0.min(r);
            e.1 = e.1.max(r);
            e.2 = e.2.min(c0);
            e.3 = e.3.max(c1);
        };
        let (mut seen_bof, mut depth) = (false, 0usize);
        for (typ, data, data_at) in records(pos) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let u16_at = |i: usize| data.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as u32);
            let u32_at = |i: usize| data.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            match typ {
                0x0809 => {
                    if seen_bof {
                        depth += 1;
                    } else {
                        seen_bof = true;
                    }
                }
                0x000A => break,
                0x0200 => {
                    // What calamine reserves: rows × columns of 40-byte cells.
                    let (rf, rl, cf, cl) = match data.len() {
                        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
                        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
                        _ => continue,
                    };
                    let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (rf, rl, cf, cl) else { continue };
                    if 0xFF < cf || cl < cf {
                        cf = 0;
                    }
                    if rl >= 1 && cl >= 1 {
                        if rl - 1 < rf || cl - 1 < cf {
                            return Err(format!(
                                "the DIMENSIONS record of its sheet {} is inconsistent (rows {rf} to {}, columns {cf} to {})",
                                n + 1,
                                rl - 1,
                                cl - 1
                            ));
                        }
                        let cells = (rl as u64 - rf as u64) * (cl as u64 - cf as u64);
                        if cells > MAX_DENSE_CELLS {
                            return Err(format!(
                                "the DIMENSIONS record of its sheet {} declares {cells} cells; karte reads at most {MAX_DENSE_CELLS} cells from an xls file",
                                n + 1
                            ));
                        }
                    }
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(r), Some(c)) = (u16_at(0), u16_at(2)) {
                        widen(&mut span, r, c, c);
                        let known = |code: u8| matches!(code, 0x00 | 0x07 | 0x0F | 0x17 | 0x1D | 0x24 | 0x2A | 0x2B);
                        // BoolErr: fError 1 with a code calamine knows, or 0 (a bool).
                        if typ == 0x0205 && data.len() >= 8 {
                            let (code, flag) = (data[6], data[7]);
                            if flag > 1 || (flag == 1 && !known(code)) {
                                unknown.push((n, r, c, code, vec![(data_at + 6, 0x2A), (data_at + 7, 1)]));
                            }
                        }
                        // Formula: a cached result of a type or error calamine does not know.
                        if typ == 0x0006 && data.len() >= 20 && data[12] == 0xFF && data[13] == 0xFF {
                            let (kind, code) = (data[6], data[8]);
                            if kind > 0x03 || (kind == 0x02 && !known(code)) {
                                let code = if kind == 0x02 { code } else { kind };
                                unknown.push((n, r, c, code, vec![(data_at + 6, 0x02), (data_at + 8, 0x2A)]));
                            }
                        }
                    }
                }
                0x00BD => {
                    if let (Some(r), Some(c0)) = (u16_at(0), u16_at(2)) {
                        let c1 = data.len().checked_sub(2).and_then(u16_at).unwrap_or(c0).max(c0);
                        widen(&mut span, r, c0, c1);
                    }
                }
                _ => {}
            }
        }
        if let Some((r0, r1, c0, c1)) = span {
            // calamine keeps a value range and a formula range of this size.
            let cells = (r1 as u64 - r0 as u64 + 1) * (c1 as u64 - c0 as u64 + 1);
            total = total.saturating_add(cells);
            if total > MAX_DENSE_CELLS {
                return Err(format!(
                    "its sheets span {total} cells (sheet {} alone rows {}–{}, columns {}–{}: a value far below or to the right of the data); karte reads at most {MAX_DENSE_CELLS} cells from an xls file",
                    n + 1,
                    r0 as u64 + 1,
                    r1 as u64 + 1,
                    crate::model::column_letter(c0 as usize),
                    crate::model::column_letter(c1 as usize)
                ));
            }
        }
    }
    Ok(())
}

/// Walks the shared strings of an SST record as calamine's parse_sst does,
/// refusing what makes it index past a record (it panics): the run count or
/// the extension size of a string cut off at a record's end, or an empty
/// CONTINUE record where a string goes on.
fn check_sst(first: &[u8], conts: &[&[u8]]) -> Result<(), String> {
    let bad = |what: &str| Err(format!("its shared-string table is damaged ({what})"));
    let mut cur = first;
    let mut next = conts.iter();
    loop {
        if cur.is_empty() {
            match next.next() {
                Some(c) => {
                    cur = c;
                    continue;
                }
                None => return Ok(()),
            }
        }
        // One XLUnicodeRichExtendedString.
        if cur.len() < 3 {
            return Ok(()); // calamine: an error, not a panic
        }
        let mut len = u16::from_le_bytes([cur[0], cur[1]]) as usize;
        let flags = cur[2];
        cur = &cur[3..];
        let mut skip = 0usize;
        if flags & 0x8 != 0 {
            if cur.len() < 2 {
                return bad("a string's run count is cut off");
            }
            skip += u16::from_le_bytes([cur[0], cur[1]]) as usize * 4;
            cur = &cur[2..];
        }
        if flags & 0x4 != 0 {
            if cur.len() < 4 {
                return bad("a string's extension size is cut off");
            }
            skip = skip.saturating_add(i32::from_le_bytes([cur[0], cur[1], cur[2], cur[3]]) as usize);
            cur = &cur[4..];
        }
        let mut wide = flags & 0x1 != 0;
        while len > 0 {
            let l = if wide { (cur.len() / 2).min(len) } else { cur.len().min(len) };
            cur = &cur[if wide { 2 * l } else { l }..];
            len -= l;
            if len > 0 {
                match next.next() {
                    Some([]) => return bad("an empty CONTINUE record inside a string"),
                    Some(c) => {
                        wide = c[0] & 0x1 != 0;
                        cur = &c[1..];
                    }
                    None => return Ok(()), // calamine: an error
                }
            }
        }
        while skip > 0 {
            if cur.is_empty() {
                match next.next() {
                    Some(c) => cur = c,
                    None => return Ok(()), // calamine: an error
                }
            }
            let l = skip.min(cur.len());
            cur = &cur[l..];
            skip -= l;
        }
    }
}

/// An OLE2 stream's bytes, and where each `unit`-byte piece of it lies in
/// the file.
#[derive(Debug)]
pub struct Stream {
    pub data: Vec<u8>,
    unit: usize,
    at_file: Vec<usize>,
}

impl Stream {
    /// The file offset of the stream's byte `i`.
    fn file_offset(&self, i: usize) -> Option<usize> {
        self.at_file.get(i / self.unit).map(|s| s + i % self.unit)
    }
}

/// An xls error cell whose code calamine does not know (it refuses the
/// whole workbook over one): where it is, and where its bytes lie in the
/// file, so the reader can rewrite it as `#N/A` and warn.
#[derive(Debug, Clone, PartialEq)]
pub struct XlsUnknownError {
    /// 0-based sheet (BoundSheet8 order, calamine's order of sheets).
    pub sheet: usize,
    pub row: u32,
    pub col: u32,
    pub code: u8,
    /// The bytes to rewrite (file offset, value) so calamine reads `#N/A`.
    pub patch: Vec<(usize, u8)>,
}

/// Follows the OLE2 (CFB) structure the way calamine's own reader does
/// (header, DIFAT, FAT, the directory chain, the mini stream and mini FAT,
/// and the streams an xls import reads), refusing what would make it loop
/// for ever (a chain that comes back on itself: calamine grows a vector
/// until memory runs out), index past its tables, or read a sector past the
/// end of the file (it panics). `bytes` are what calamine will be given.
pub fn check_cfb(bytes: &[u8]) -> Result<Option<Stream>, String> {
    const END: u32 = 0xFFFF_FFFE;
    const RESERVED: u32 = 0xFFFF_FFFA;
    const DIFSECT: u32 = 0xFFFF_FFFC;
    let damaged = |what: String| format!("its OLE2 container is damaged: {what}");
    if bytes.len() < 512 {
        return Ok(None);
    }
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let size: usize = match u16_at(bytes, 30) {
        9 => 512,
        12 => 4096,
        _ => return Ok(None), // calamine says what is wrong
    };
    if bytes.len() < size {
        return Ok(None);
    }
    let maxid = bytes.len() / size;
    // Sector `id` lies at byte (id + 1) × size (the header takes sector -1).
    let sector = |id: u32| -> Result<&[u8], String> {
        let start = (id as usize).checked_add(1).and_then(|n| n.checked_mul(size)).filter(|_| id as usize <= maxid);
        match start {
            Some(s) if s + size <= bytes.len() => Ok(&bytes[s..s + size]),
            _ => Err(damaged(format!("sector {id} lies past the end of the file"))),
        }
    };
    let words = |b: &[u8]| b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect::<Vec<u32>>();
    let mut difat = words(&bytes[76..512]);
    let mut id = u32_at(bytes, 68);
    let mut steps = 0usize;
    while id < RESERVED {
        steps += 1;
        if steps > maxid + 1 {
            return Ok(None); // calamine refuses this itself
        }
        difat.extend(words(sector(id)?));
        id = match difat.pop() {
            Some(i) => i,
            None => return Ok(None),
        };
    }
    let mut fats = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        fats.extend(words(sector(id)?));
    }
    // A chain through `table` from `start`: its sectors, at most `limit`
    // bytes' worth (calamine stops there), never coming back on itself.
    let chain = |start: u32, table: &[u32], unit: usize, limit: usize, what: &str| -> Result<Vec<u32>, String> {
        let mut out = Vec::new();
        let mut id = start;
        while id != END {
            if id as usize >= table.len() && out.len() * unit < limit {
                // calamine would index past its table after reading this sector.
                return Err(damaged(format!("the {what} chain points at sector {id}, past the allocation table")));
            }
            out.push(id);
            if out.len() * unit >= limit {
                break;
            }
            if out.len() > table.len() {
                return Err(damaged(format!("the {what} chain comes back on itself")));
            }
            id = table[id as usize];
        }
        Ok(out)
    };
    let dir_ids = chain(u32_at(bytes, 48), &fats, size, usize::MAX, "directory")?;
    let mut dirs: Vec<(String, u32, usize)> = Vec::new();
    for id in dir_ids {
        for e in sector(id)?.chunks_exact(128) {
            let name: String = char::decode_utf16(e[..64].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])))
                .map(|c| c.unwrap_or('\u{FFFD}'))
                .take_while(|&c| c != '\0')
                .collect();
            let len =
                if size == 512 { u32_at(e, 120) as usize } else { u64::from_le_bytes(e[120..128].try_into().unwrap_or([0; 8])) as usize };
            dirs.push((name, u32_at(e, 116), len));
        }
    }
    let Some(root) = dirs.first().cloned() else { return Ok(None) };
    let mini_fat_len = u32_at(bytes, 64) as usize;
    // Where each byte of the mini stream lies in the file, by main sector.
    let mut ms_sectors: Vec<usize> = Vec::new();
    let (mini_fats, ministream) = if mini_fat_len > 0 {
        let mut ms = Vec::new();
        for id in chain(root.1, &fats, size, root.2, "mini stream")? {
            ms.extend_from_slice(sector(id)?);
            ms_sectors.push((id as usize + 1) * size);
        }
        ms.truncate(root.2);
        let mf = chain(u32_at(bytes, 60), &fats, size, mini_fat_len.saturating_mul(size), "mini FAT")?;
        let mut table = Vec::new();
        for id in mf {
            table.extend(words(sector(id)?));
        }
        (table, ms)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut workbook = None;
    for name in ["Workbook", "Book", "\u{5}SummaryInformation", "\u{5}DocumentSummaryInformation"] {
        let Some(d) = dirs.iter().find(|d| d.0.eq_ignore_ascii_case(name)) else { continue };
        let mut data = Vec::new();
        let mut at_file = Vec::new();
        let unit = if d.2 < 4096 { 64 } else { size };
        if d.2 < 4096 {
            for id in chain(d.1, &mini_fats, 64, d.2, "mini")? {
                let at = id as usize * 64;
                match ministream.get(at..at + 64) {
                    Some(m) => data.extend_from_slice(m),
                    None => return Err(damaged(format!("mini sector {id} lies past the mini stream"))),
                }
                at_file.push(ms_sectors.get(at / size).map_or(0, |s| s + at % size));
            }
        } else {
            for id in chain(d.1, &fats, size, d.2, "stream")? {
                data.extend_from_slice(sector(id)?);
                at_file.push((id as usize + 1) * size);
            }
        }
        data.truncate(d.2);
        if workbook.is_none() && (name == "Workbook" || name == "Book") {
            workbook = Some(Stream { data, unit, at_file });
        }
    }
    Ok(workbook)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_error_cells_are_found_with_their_reference() {
        let mut s = XmlScan::default();
        let xml = br#"<row r="3"><c r="A3" t="inlineStr"><is><t>x</t></is></c><c r="B3" t="e"><v>#SPILL!</v></c><c r="C3" t="e"><v>#N/A</v></c></row>"#;
        // Fed in small pieces, as a stream would be.
        for chunk in xml.chunks(7) {
            s.feed(chunk, true);
        }
        assert_eq!(s.unknown_errors, vec![("B3".to_string(), "#SPILL!".to_string())]);
        assert!(s.longest < 40);
    }

    #[test]
    fn an_ole2_chain_that_loops_is_refused_before_calamine_follows_it() {
        // Header: sector shift 9 (512), the FAT in sector 0, the directory
        // chain starting at sector 1, whose FAT entry points at itself.
        let mut b = vec![0u8; 512 * 3];
        b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        b[26] = 3;
        b[30] = 9;
        b[32] = 6;
        b[44] = 1; // one FAT sector
        b[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory at sector 1
        b[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        b[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        b[76..80].copy_from_slice(&0u32.to_le_bytes()); // DIFAT[0] = sector 0
        for i in 1..109 {
            b[76 + i * 4..80 + i * 4].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        let fat = 512;
        b[fat..fat + 4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
        b[fat + 4..fat + 8].copy_from_slice(&1u32.to_le_bytes()); // 1 → 1 → 1 …
        let e = check_cfb(&b).unwrap_err();
        assert!(e.contains("directory chain comes back on itself"), "{e}");
        // Ended properly, it is followed.
        b[fat + 4..fat + 8].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        assert!(check_cfb(&b).is_ok());
    }

    #[test]
    fn xls_sheets_are_checked_where_calamine_reads_them() {
        let rec = |typ: u16, data: &[u8]| {
            let mut r = typ.to_le_bytes().to_vec();
            r.extend_from_slice(&(data.len() as u16).to_le_bytes());
            r.extend_from_slice(data);
            r
        };
        let cell =
            |row: u16, col: u16| rec(0x0203, &[row.to_le_bytes(), col.to_le_bytes(), [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]].concat());
        let globals = |pos: u32| {
            [rec(0x0809, &[0; 16]), rec(0x0085, &[&pos.to_le_bytes()[..], &[0, 0, 1, 0, b'S']].concat()), rec(0x000A, &[])].concat()
        };
        let g = globals(0).len() as u32;
        let sheet = |cells: Vec<Vec<u8>>| [vec![rec(0x0809, &[0; 16])], cells, vec![rec(0x000A, &[])]].concat().concat();
        // A sheet of two cells reads.
        let ok = [globals(g), sheet(vec![cell(0, 0), cell(5, 3)])].concat();
        assert_eq!(check_biff(&ok, &mut Vec::new()), Ok(()));
        // A BoundSheet8 pointing past the stream made calamine panic.
        let past = [globals(1 << 24), sheet(vec![cell(0, 0)])].concat();
        assert!(check_biff(&past, &mut Vec::new()).unwrap_err().contains("points past the end of the workbook stream"));
        // Cells at A1 and at the far corner would be a dense range of 4 billion cells.
        let far = [globals(g), sheet(vec![cell(0, 0), cell(65535, 255)])].concat();
        assert!(check_biff(&far, &mut Vec::new()).unwrap_err().contains("cells"));
        // An error code calamine does not know is found with its place.
        let err = rec(0x0205, &[2, 0, 1, 0, 0, 0, 0x2C, 1]);
        let with_err = [globals(g), sheet(vec![cell(0, 0), err])].concat();
        let mut found = Vec::new();
        assert_eq!(check_biff(&with_err, &mut found), Ok(()));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].0, found[0].1, found[0].2, found[0].3), (0, 2, 1, 0x2C));
        assert_eq!(with_err[found[0].4[0].0], 0x2C);
        // A shared string whose extension size is cut off at the record's end
        // made calamine index past it.
        let sst = rec(0x00FC, &[2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, b'a', 1, 0, 0x04, 1, 0]);
        let cut = [[rec(0x0809, &[0; 16]), sst].concat(), globals(g + 21)[20..].to_vec(), sheet(vec![cell(0, 0)])].concat();
        assert!(check_biff(&cut, &mut Vec::new()).unwrap_err().contains("shared-string table is damaged"));
        assert_eq!(check_sst(&[1, 0, 0, b'a'], &[]), Ok(()));
        assert_eq!(check_sst(&[2, 0, 1, b'a', 0], &[&[0, b'b']]), Ok(()));
        assert!(check_sst(&[2, 0, 0, b'a'], &[&[]]).is_err());
    }

    #[test]
    fn ods_repeats_are_counted_not_expanded() {
        let ok = br#"<table:table table:name="a"><table:table-row table:number-rows-repeated="1000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="3"/></table:table-row></table:table>"#;
        assert!(ods_cells(&ok[..]).is_ok());
        let bomb = br#"<table:table table:name="a"><table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#;
        let e = ods_cells(&bomb[..]).unwrap_err();
        assert!(e.contains("cells"), "{e}");
        // Cut off inside a table: calamine's read_table waits for its end for ever.
        let cut = br#"<office:body><table:table table:name="a"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
        assert!(ods_cells(&cut[..]).unwrap_err().contains("ends inside a table"));
        let spaces = br#"<table:table><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(ods_cells(&spaces[..]).unwrap_err().contains("65,536"));
    }
}
