//! Paper-card transcriptions: kartes typed up from scans.
//!
//! The format (documented in README):
//!
//! ```text
//! # 美容室さくら 紙カルテ転記 2024年スキャン分      ← a comment line
//! カルテNo：K-0012
//! 氏名：山田　太郎 様
//! 来店履歴：2019.4.5 カット ¥4,400 担当:佐藤      ← a key may repeat
//! 来店履歴：2019.6.1 カラー ¥6,600
//! メモ：頭皮が敏感。
//! 　カラー剤はノンジアミン希望。                    ← indented: continues メモ
//! 画像：scan_0012.jpg
//! ----------                                      ← ends the card
//! ```
//!
//! One card per block; blocks are separated by a line of three or more
//! dashes (`-`, `－`, `ー`, `―`, `=`). A line `key：value` (full-width or
//! ASCII colon) starts a value; an indented line continues it. Blank lines
//! are ignored. A line that is neither is kept as a continuation of the
//! previous value, with a warning. Each card becomes one source row whose
//! row number is the line its first key is on.

use super::{SourceFile, SourceRow, Table};
use crate::model::{CellValue, Location, Problem, Severity};

/// The column that holds lines with no key before any key of a card.
pub const NO_KEY: &str = "(キーなし)";

fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() >= 3 && t.chars().all(|c| matches!(c, '-' | '－' | 'ー' | '―' | '─' | '━' | '=' | '＝' | '‐' | '−'))
}

/// Splits `key：value`; `None` when the line is not a key line.
fn split_key(line: &str) -> Option<(&str, &str)> {
    if line.starts_with(|c: char| c.is_whitespace() || c == '\u{3000}') {
        return None;
    }
    let (idx, colon) = line.char_indices().find(|&(_, c)| c == ':' || c == '：')?;
    let key = line[..idx].trim_end();
    if key.is_empty() || key.chars().count() > 24 || key.chars().any(|c| c.is_whitespace() || c == '\u{3000}') {
        return None;
    }
    // `10:30` or a URL is not a key.
    if key.chars().all(|c| c.is_ascii_digit()) || key.contains("//") || key.contains(',') || key.contains('\t') {
        return None;
    }
    let value = &line[idx + colon.len_utf8()..];
    Some((key, value.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')))
}

/// Whether a decoded text file looks like card transcriptions rather than
/// a table.
pub fn looks_like_cards(text: &str) -> bool {
    let mut keys = 0usize;
    let mut delimited = 0usize;
    let mut separators = 0usize;
    for line in text.lines().take(400) {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if is_separator(line) {
            separators += 1;
        } else if split_key(line).is_some() {
            keys += 1;
        }
        if line.contains(',') || line.contains('\t') {
            delimited += 1;
        }
    }
    keys >= 2 && keys > delimited && (separators > 0 || keys >= 3)
}

pub(super) fn read(file: &mut SourceFile, text: String) {
    let mut columns: Vec<String> = Vec::new();
    let mut cards: Vec<SourceRow> = Vec::new();
    // The card being read, with the keys it has had so far.
    let mut current: Option<(SourceRow, Vec<usize>)> = None;
    // Where the last value went: its column, and whether it is a repeat.
    let mut last_col: Option<(usize, bool)> = None;
    let col_index = |columns: &mut Vec<String>, key: &str| -> usize {
        match columns.iter().position(|c| c == key) {
            Some(i) => i,
            None => {
                columns.push(key.to_string());
                columns.len() - 1
            }
        }
    };
    for (i, raw_line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        let line = raw_line.trim_end_matches('\r');
        if line.starts_with('#') {
            continue;
        }
        if is_separator(line) {
            cards.extend(current.take().map(|c| c.0));
            last_col = None;
            continue;
        }
        if line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}').is_empty() {
            continue;
        }
        let (card, seen) = current.get_or_insert_with(|| (SourceRow { row: line_no, ..SourceRow::default() }, Vec::new()));
        if let Some((key, value)) = split_key(line) {
            let ci = col_index(&mut columns, key);
            let v = if value.is_empty() { CellValue::Empty } else { CellValue::Text(value.to_string()) };
            if card.cells.len() <= ci {
                card.cells.resize(ci + 1, CellValue::Empty);
            }
            if seen.contains(&ci) {
                card.repeats.push((ci, v));
                last_col = Some((ci, true));
            } else {
                seen.push(ci);
                card.cells[ci] = v;
                last_col = Some((ci, false));
            }
            continue;
        }
        // A continuation line (indented), or a stray line.
        let content = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        let indented = line.starts_with(|c: char| c.is_whitespace() || c == '\u{3000}');
        let (ci, in_repeats) = match last_col {
            Some(l) => l,
            None => {
                let ci = col_index(&mut columns, NO_KEY);
                if card.cells.len() <= ci {
                    card.cells.resize(ci + 1, CellValue::Empty);
                }
                seen.push(ci);
                last_col = Some((ci, false));
                (ci, false)
            }
        };
        let slot = if in_repeats { &mut card.repeats.last_mut().expect("repeat pushed").1 } else { &mut card.cells[ci] };
        append(slot, content);
        if !indented {
            card.problems.push(Problem::new(
                Severity::Warning,
                "card_line_without_key",
                Location { file: file.name.clone(), sheet: String::new(), row: line_no, column: Some(columns[ci].clone()) },
                format!("line {line_no} has no key and is not indented; it was kept with the value of '{}'", columns[ci]),
            ));
        }
    }
    cards.extend(current.take().map(|c| c.0));
    for c in &mut cards {
        c.cells.resize(columns.len(), CellValue::Empty);
    }
    file.tables.push(Table { sheet: String::new(), header_row: None, columns, title_rows: Vec::new(), body: super::Body::Cards(cards) });
}

fn append(slot: &mut CellValue, content: &str) {
    match slot {
        CellValue::Text(s) => {
            s.push('\n');
            s.push_str(content);
        }
        other => *other = CellValue::Text(content.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<String>, Vec<SourceRow>) {
        let mut f = SourceFile {
            name: "cards.txt".into(),
            path: "cards.txt".into(),
            size: 0,
            hash: String::new(),
            format: super::super::Format::Cards,
            encoding: None,
            delimiter: None,
            problems: vec![],
            tables: vec![],
        };
        read(&mut f, text.to_string());
        let t = f.tables.pop().unwrap();
        let cols = t.columns.clone();
        let mut rows = vec![];
        t.for_each_row(&Location::default(), |r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
        (cols, rows)
    }

    #[test]
    fn cards_with_repeats_and_continuations() {
        let text = "# comment\n\nカルテNo：K-1\n氏名：山田　太郎 様\n来店履歴：2019.4.5 カット\n来店履歴: 2019.6.1 カラー\nメモ：頭皮が敏感。\n　ノンジアミン希望。\n----------\n氏名：鈴木 花子\n時間 10:30\n";
        let (cols, rows) = parse(text);
        assert_eq!(cols, vec!["カルテNo", "氏名", "来店履歴", "メモ"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 3);
        assert_eq!(rows[0].cells[1], CellValue::Text("山田　太郎 様".into()));
        let visits: Vec<String> = rows[0].values(2).map(|v| v.text()).collect();
        assert_eq!(visits, vec!["2019.4.5 カット", "2019.6.1 カラー"]);
        assert_eq!(rows[0].cells[3].text(), "頭皮が敏感。\nノンジアミン希望。");
        assert_eq!(rows[1].row, 10);
        // "時間 10:30" has a space in its key part, so it joins 氏名 with a warning.
        assert_eq!(rows[1].problems.len(), 1);
    }

    #[test]
    fn detects_cards() {
        assert!(looks_like_cards("氏名：山田\n電話：03\n-----\n氏名：鈴木\n"));
        assert!(!looks_like_cards("氏名,電話\n山田,03\n鈴木,04\n"));
    }
}
