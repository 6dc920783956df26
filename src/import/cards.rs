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
//! row number is the line its first key is on. Lines end in LF, CRLF or CR
//! alone (a classic Mac editor).
//!
//! Cards separated only by blank lines are still cards: the key a card
//! began with (カルテNo) appearing again starts a new card, and so does a
//! key that belongs once to a card ([`ONCE_PER_CARD`]: 氏名, 生年月日 …)
//! after a blank line. Anywhere else such a key is kept as a second value,
//! with a warning naming the line.

use super::{SourceFile, SourceRow, Table};
use crate::model::{CellValue, Location, Problem, Severity};

/// The column that holds lines with no key before any key of a card.
pub const NO_KEY: &str = "(キーなし)";

/// Keys a card has once: one of them again, after a blank line, is the
/// next card.
pub const ONCE_PER_CARD: [&str; 16] = [
    "カルテNo",
    "カルテNO",
    "カルテno",
    "カルテ番号",
    "顧客No",
    "顧客NO",
    "顧客番号",
    "会員番号",
    "氏名",
    "名前",
    "お名前",
    "フリガナ",
    "ふりがな",
    "ﾌﾘｶﾞﾅ",
    "生年月日",
    "誕生日",
];

/// Keys that list items, one a line (visits, treatments, contacts): a key
/// whose name contains one of these. A line under such a key that has no
/// key of its own is the key's next item, indented or not — typed cards
/// put visit lines under 来店履歴 on their own lines.
pub const LIST_KEYS: [&str; 7] = ["履歴", "来店記録", "来店日", "施術記録", "施術内容", "記録", "問い合わせ"];

/// Whether a card key lists items (see [`LIST_KEYS`]).
pub fn is_list_key(key: &str) -> bool {
    let k = crate::cleanse::label_key(key);
    LIST_KEYS.iter().any(|p| k.contains(p))
}

/// Whether a line starts like a dated item (`2019.4.5 カット`, `R1.5.3 …`,
/// `２０１９/４/５`): its first word begins with a digit or an era and holds
/// a digit.
pub fn starts_with_date(line: &str) -> bool {
    let first = line.split(|c: char| c.is_whitespace() || c == '\u{3000}').find(|t| !t.is_empty()).unwrap_or("");
    first.chars().next().is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || "明大昭平令MTSHRＭＴＳＨＲ".contains(c))
        && first.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        && first.chars().filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).count() < first.chars().count()
}

/// Whether a word is a date and nothing else (`2019/4/5`, `R1.5.3`,
/// `令和元年5月3日`, `２０１９．４．５`).
fn is_date_word(w: &str) -> bool {
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    w.chars().any(digit)
        && w.chars().next().is_some_and(|c| digit(c) || "明大昭平令MTSHRＭＴＳＨＲ".contains(c))
        && w.chars().all(|c| digit(c) || "./-年月日／．－・明治大正昭和平成令和元MTSHRＭＴＳＨＲ".contains(c))
}

/// Physical lines, ending in LF, CRLF or a lone CR.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match rest.find(['\n', '\r']) {
            Some(i) => {
                let line = &rest[..i];
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
                Some(line)
            }
            None => {
                let line = rest;
                rest = "";
                Some(line)
            }
        }
    })
}

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
    // `10:30` or a URL is not a key, nor is a date (`2019/4/5：カット`, a
    // visit line typed with a colon).
    if key.chars().all(|c| c.is_ascii_digit()) || key.contains("//") || key.contains(',') || key.contains('\t') || is_date_word(key) {
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
    for line in lines(text).take(400) {
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
    // Whether a blank line came since the card's last line.
    let mut blank = false;
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
    for (i, line) in lines(&text).enumerate() {
        let line_no = i as u64 + 1;
        if line.starts_with('#') {
            continue;
        }
        if is_separator(line) {
            cards.extend(current.take().map(|c| c.0));
            last_col = None;
            continue;
        }
        if line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}').is_empty() {
            blank = current.is_some();
            continue;
        }
        let after_blank = std::mem::take(&mut blank);
        // A key the card already has that a card has once: the next card
        // (see the module's header).
        if let (Some((key, _)), Some((card, seen))) = (split_key(line), current.as_mut()) {
            if let Some(ci) = columns.iter().position(|c| c == key).filter(|ci| seen.contains(ci)) {
                let first_key = seen.first() == Some(&ci);
                let once = ONCE_PER_CARD.contains(&key);
                if (first_key && (once || after_blank)) || (once && after_blank) {
                    if !after_blank {
                        card.problems.push(Problem::new(
                            Severity::Warning,
                            "card_without_separator",
                            Location { file: file.name.clone(), sheet: String::new(), row: line_no, column: Some(key.to_string()) },
                            format!(
                                "line {line_no} repeats '{key}', which the card that starts on line {} already has: read as the start of the next card (put a line of dashes between cards)",
                                card.row
                            ),
                        ));
                    }
                    cards.extend(current.take().map(|c| c.0));
                    last_col = None;
                } else if once {
                    card.problems.push(Problem::new(
                        Severity::Warning,
                        "card_key_repeated",
                        Location { file: file.name.clone(), sheet: String::new(), row: line_no, column: Some(key.to_string()) },
                        format!(
                            "line {line_no} gives '{key}' a second time in the card that starts on line {}; kept as a second value (is a line of dashes missing before it?)",
                            card.row
                        ),
                    ));
                }
            }
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
        // A continuation line (indented), a list's next item, or a stray line.
        let content = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        let indented = line.starts_with(|c: char| c.is_whitespace() || c == '\u{3000}');
        if let Some((ci, in_repeats)) = last_col {
            // Under a key that lists items (来店履歴), or a key the card
            // repeats with dated values, a line of its own is the next item:
            // unindented, or indented and starting with a date.
            let repeated_dates =
                in_repeats && starts_with_date(content) && card.repeats.last().is_some_and(|r| starts_with_date(&r.1.text()));
            let list = is_list_key(&columns[ci]) || repeated_dates;
            if list && (!indented || starts_with_date(content)) {
                let v = CellValue::Text(content.to_string());
                if !in_repeats && card.cells[ci].is_empty() {
                    card.cells[ci] = v;
                } else {
                    card.repeats.push((ci, v));
                    last_col = Some((ci, true));
                }
                continue;
            }
        }
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
    fn cards_separated_by_blank_lines_only_are_cards() {
        let text = "カルテNo：1\n氏名：山田\n来店履歴：a\n来店履歴：b\n\nカルテNo：2\n氏名：佐藤\n\n氏名：鈴木\n電話：03\n";
        let (_, rows) = parse(text);
        assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), vec![1, 6, 9]);
        assert_eq!(rows[0].values(2).count(), 2, "来店履歴 still repeats within a card");
        assert!(rows.iter().all(|r| r.problems.is_empty()));
        // Without a blank line, the card's first key again is the next card, with a warning.
        let (_, rows) = parse("カルテNo：1\n氏名：山田\nカルテNo：2\n氏名：佐藤\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].problems[0].code, "card_without_separator");
        assert_eq!(rows[0].problems[0].location.row, 3);
        // Another once-per-card key again in the middle of a card: kept, warned.
        let (_, rows) = parse("カルテNo：1\n氏名：山田\n氏名：佐藤\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].problems[0].code, "card_key_repeated");
        assert_eq!(rows[0].problems[0].location.row, 3);
    }

    #[test]
    fn lines_under_a_list_key_are_its_items() {
        let text = "カルテNo：1\n来店履歴：\n2019.4.5 カット ¥4,400\n2019.6.1 カラー\n　R1.7.3 パーマ\n　（パーマ液は弱め）\nメモ：よろしく\nお願いします\n";
        let (cols, rows) = parse(text);
        let visits: Vec<String> = rows[0].values(1).map(|v| v.text()).collect();
        assert_eq!(visits, vec!["2019.4.5 カット ¥4,400", "2019.6.1 カラー", "R1.7.3 パーマ\n（パーマ液は弱め）"]);
        // Only the stray line under メモ (not a list) is warned.
        assert_eq!(rows[0].problems.len(), 1, "{:?}", rows[0].problems);
        assert_eq!(rows[0].problems[0].code, "card_line_without_key");
        assert_eq!(rows[0].problems[0].location.column.as_deref(), Some("メモ"));
        assert_eq!(cols[2], "メモ");
        // A key the card repeats with dated values lists them too.
        let (_, rows) = parse("氏名：山田\n来店：2019.4.5 カット\n来店：2019.5.5 カット\n2019.6.5 カラー\n");
        assert_eq!(rows[0].values(1).count(), 3);
        assert!(rows[0].problems.is_empty());
        assert!(is_list_key("施術履歴") && is_list_key("来店記録") && !is_list_key("連絡先") && !is_list_key("メモ"));
        assert!(starts_with_date("2019.4.5 カット") && starts_with_date("Ｒ１.５.３") && starts_with_date("令和元年5月3日"));
        assert!(!starts_with_date("カット") && !starts_with_date("12345"));
        // A visit typed with a colon after its date is an item, not a key.
        let (cols, rows) = parse("氏名：山田\n来店履歴：\n2019/4/5：カット\nR1.5.3:カラー\n");
        assert_eq!(cols, ["氏名", "来店履歴"]);
        assert_eq!(rows[0].values(1).map(|v| v.text()).collect::<Vec<_>>(), ["2019/4/5：カット", "R1.5.3:カラー"]);
        assert!(rows[0].problems.is_empty());
        assert!(split_key("生年月日：1990/1/1").is_some() && split_key("Tel:03").is_some());
    }

    #[test]
    fn lines_end_in_lf_crlf_or_cr() {
        assert_eq!(lines("a\rb\r\nc\n\rd").collect::<Vec<_>>(), vec!["a", "b", "c", "", "d"]);
        let (_, rows) = parse("カルテNo：1\r氏名：山田\r----\rカルテNo：2\r氏名：佐藤\r");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].row, 4);
        assert!(looks_like_cards("カルテNo：1\r氏名：山田\r----\rカルテNo：2\r"));
    }

    #[test]
    fn detects_cards() {
        assert!(looks_like_cards("氏名：山田\n電話：03\n-----\n氏名：鈴木\n"));
        assert!(!looks_like_cards("氏名,電話\n山田,03\n鈴木,04\n"));
    }
}
