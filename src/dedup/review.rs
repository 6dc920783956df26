//! The review report: uncertain pairs for a person to decide in Excel, and
//! applying what comes back.
//!
//! Each pair is a block of three rows on the sheet `レビュー`: record A,
//! record B (the fields that differ highlighted), and the evidence (each
//! field's weight and level). The decision cell on the first row has a
//! drop-down: 統合 (merge), 別人 (separate), 保留 (undecided). A hidden
//! column carries the item's key (`karte:RUN:ITEM:A:B`), which `review
//! apply` checks against the database: an unknown key, a row from an
//! older run, an unknown decision or a pair decided otherwise before is
//! reported with its row, and then nothing at all is applied.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use rust_xlsxwriter::{DataValidation, Format, Workbook};

use super::ReviewPair;
use crate::export::width_of;

pub const SHEET: &str = "レビュー";
pub const DECISIONS: [&str; 3] = ["統合", "別人", "保留"];

/// The record columns shown, with their labels.
const SHOWN: &[(&str, &str)] = &[
    ("name", "氏名"),
    ("kana", "フリガナ"),
    ("birth_date", "生年月日"),
    ("gender", "性別"),
    ("phone", "電話"),
    ("mobile", "携帯"),
    ("phone2", "電話2"),
    ("email", "メール"),
    ("postal_code", "〒"),
    ("address", "住所"),
    ("address2", "建物・部屋"),
    ("customer_no", "顧客番号"),
];

/// Which evidence columns explain which shown column.
fn evidence_fields(col: &str) -> &'static [&'static str] {
    match col {
        "name" => &["family_name", "given_name"],
        "birth_date" => &["birth_date"],
        "gender" => &["gender"],
        "phone" => &["landline"],
        "mobile" => &["mobile"],
        "email" => &["email"],
        "address" => &["address"],
        "customer_no" => &["customer_no"],
        _ => &[],
    }
}

/// The level of an evidence entry in Japanese, and the column's label.
fn level_ja(field: &str, level: &str) -> (String, String) {
    use super::compare::Col;
    match Col::ALL.iter().find(|c| c.name() == field) {
        Some(c) => {
            let ja = c.levels().iter().find(|l| l.name == level).map_or(level, |l| l.ja);
            (c.label_ja().to_string(), ja.to_string())
        }
        None => (field.to_string(), level.to_string()),
    }
}

/// The evidence shown under a record column: each explaining column's
/// weight and level (`姓 +2.1 一致 / 名 -6.3 不一致`).
fn evidence_text(col: &str, evidence: &[super::model::Evidence]) -> String {
    let fields = evidence_fields(col);
    let parts: Vec<String> = fields
        .iter()
        .filter_map(|f| evidence.iter().find(|e| e.field == *f))
        .filter(|e| e.level != "missing" && e.level != "not comparable")
        .map(|e| {
            let (label, level) = level_ja(&e.field, &e.level);
            if fields.len() > 1 {
                format!("{label} {:+.1} {level}", e.weight)
            } else {
                format!("{:+.1} {level}", e.weight)
            }
        })
        .collect();
    parts.join(" / ")
}

/// Stores a run's review items (older open items are superseded) and
/// gives each pair its item id.
pub fn store_items(tx: &Transaction, run_id: i64, items: &mut [ReviewPair], now: &str) -> Result<()> {
    tx.execute("UPDATE review_items SET status = 'superseded', decided_at = ?1 WHERE status IN ('open', 'undecided')", [now])?;
    let mut st = tx.prepare(
        "INSERT INTO review_items (run_id, record_a, record_b, customer_a, customer_b, score, probability, reason, evidence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for it in items.iter_mut() {
        let (a, b) = (it.record_a.min(it.record_b), it.record_a.max(it.record_b));
        st.execute(params![
            run_id,
            a,
            b,
            it.customer_a,
            it.customer_b,
            it.score,
            it.probability,
            it.reason,
            serde_json::to_string(&it.evidence)?
        ])?;
        it.item_id = tx.last_insert_rowid();
    }
    Ok(())
}

/// The review items still waiting for a person (open or 保留), as the last
/// dedup stored them: to write the report again when it went missing (a
/// run killed between the merges and the report, a deleted file).
/// Returns the run they belong to and the items.
pub fn pending(conn: &Connection) -> Result<Option<(i64, Vec<ReviewPair>)>> {
    let run: Option<i64> =
        conn.query_row("SELECT max(run_id) FROM review_items WHERE status IN ('open', 'undecided')", [], |r| r.get(0))?;
    let Some(run) = run else { return Ok(None) };
    let mut st = conn.prepare(
        "SELECT id, record_a, record_b, customer_a, customer_b, score, probability, reason, evidence FROM review_items
         WHERE run_id = ?1 AND status IN ('open', 'undecided') ORDER BY id",
    )?;
    let rows = st
        .query_map([run], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, f64>(5)?,
                r.get::<_, f64>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut items = Vec::with_capacity(rows.len());
    for (item_id, a, b, ca, cb, score, probability, reason, evidence) in rows {
        // Field and level names are karte's own; an older run's names are
        // shown as they were stored.
        let evidence: Vec<super::model::Evidence> =
            serde_json::from_str(&evidence).with_context(|| format!("review item {item_id}: its evidence"))?;
        items.push(ReviewPair { record_a: a, record_b: b, customer_a: ca, customer_b: cb, score, probability, reason, evidence, item_id });
    }
    Ok(Some((run, items)))
}

/// One record's shown values and where it came from.
fn record_view(conn: &Connection, id: i64) -> Result<(String, HashMap<&'static str, String>)> {
    let cols: Vec<&str> = SHOWN.iter().map(|(c, _)| *c).collect();
    let sql = format!(
        "SELECT i.file_name, r.sheet, r.row, {} FROM records r JOIN imports i ON i.id = r.import_id WHERE r.id = ?1",
        cols.iter().map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ")
    );
    conn.query_row(&sql, [id], |r| {
        let file: String = r.get(0)?;
        let sheet: String = r.get(1)?;
        let row: i64 = r.get(2)?;
        let origin = if sheet.is_empty() { format!("{file} {row}行") } else { format!("{file} [{sheet}] {row}行") };
        let mut values = HashMap::new();
        for (i, (c, _)) in SHOWN.iter().enumerate() {
            if let Some(v) = r.get::<_, Option<String>>(3 + i)? {
                values.insert(*c, v);
            }
        }
        Ok((origin, values))
    })
    .with_context(|| format!("record {id} is not in the database"))
}

/// The review report is an Excel workbook (staff decide in Excel, and
/// `review apply` reads the workbook back): a path that names another
/// kind of file (`review.csv`) is refused before anything is decided,
/// rather than given a workbook under a name that says otherwise.
pub fn check_report_path(path: &Path) -> Result<()> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("xlsx") => Ok(()),
        other => anyhow::bail!(
            "the review report {} must be an Excel workbook named *.xlsx (it is written and read back as one){}",
            path.display(),
            other.map(|e| format!("; .{e} is not one")).unwrap_or_default()
        ),
    }
}

/// Writes the review report for stored items.
pub fn write_report(conn: &Connection, run_id: i64, items: &[ReviewPair], path: &Path) -> Result<()> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let head = Format::new().set_bold().set_background_color("D9E1F2").set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let diff = Format::new().set_background_color("FFF2CC");
    let evid = Format::new().set_font_color("595959").set_italic();
    let first = Format::new().set_border_top(rust_xlsxwriter::FormatBorder::Thin);
    let percent = Format::new().set_num_format("0.0%").set_border_top(rust_xlsxwriter::FormatBorder::Thin);
    let decision = Format::new().set_background_color("E2EFDA").set_bold().set_border_top(rust_xlsxwriter::FormatBorder::Thin);
    let mut headers: Vec<&str> = vec!["番号", "判定", "確率", "理由", "行", "顧客ID", "出所"];
    headers.extend(SHOWN.iter().map(|(_, l)| *l));
    headers.push("照合キー");
    let key_col = (headers.len() - 1) as u16;
    let mut widths: Vec<f64> = headers.iter().map(|h| width_of(h) + 4.0).collect();
    for (j, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, *h, &head)?;
    }
    let mut row: u32 = 1;
    for (n, it) in items.iter().enumerate() {
        let (oa, va) = record_view(conn, it.record_a)?;
        let (ob, vb) = record_view(conn, it.record_b)?;
        let number = (n + 1) as f64;
        // The pair's number is in the key too: a sort that leaves the
        // hidden key column behind is caught when the report comes back.
        let key = format!("karte:{run_id}:{}:{}:{}:{}", it.item_id, it.record_a, it.record_b, n + 1);
        for (k, (label, origin, customer, vals)) in
            [("A", &oa, it.customer_a, Some(&va)), ("B", &ob, it.customer_b, Some(&vb)), ("根拠", &String::new(), 0, None)]
                .into_iter()
                .enumerate()
        {
            let r = row + k as u32;
            let top = if k == 0 { Some(&first) } else { None };
            let put = |ws: &mut rust_xlsxwriter::Worksheet, col: u16, s: &str, f: Option<&Format>| -> Result<()> {
                match f {
                    Some(f) => ws.write_string_with_format(r, col, s, f)?,
                    None => ws.write_string(r, col, s)?,
                };
                Ok(())
            };
            match top {
                Some(f) => ws.write_number_with_format(r, 0, number, f)?,
                None => ws.write_number(r, 0, number)?,
            };
            if k == 0 {
                ws.write_string_with_format(r, 1, "", &decision)?;
                ws.write_number_with_format(r, 2, (it.probability * 1000.0).floor() / 1000.0, &percent)?;
                let reason = super::rules::reason_ja(&it.reason);
                let reason = reason.as_str();
                put(ws, 3, reason, top)?;
                widths[3] = widths[3].max(width_of(reason).min(40.0));
            }
            put(ws, 4, label, top)?;
            if customer != 0 {
                match top {
                    Some(f) => ws.write_number_with_format(r, 5, customer as f64, f)?,
                    None => ws.write_number(r, 5, customer as f64)?,
                };
            }
            put(ws, 6, origin, top)?;
            widths[6] = widths[6].max(width_of(origin) + 2.0);
            for (j, (c, _)) in SHOWN.iter().enumerate() {
                let col = (7 + j) as u16;
                let text = match vals {
                    Some(v) => v.get(c).cloned().unwrap_or_default(),
                    None => evidence_text(c, &it.evidence),
                };
                let differs = vals.is_some() && {
                    let (x, y) = (va.get(c), vb.get(c));
                    x.is_some() && y.is_some() && x != y
                };
                let f = if differs {
                    Some(&diff)
                } else if vals.is_none() {
                    Some(&evid)
                } else {
                    top
                };
                put(ws, col, &text, f)?;
                widths[7 + j] = widths[7 + j].max(width_of(&text) + 2.0);
            }
            put(ws, key_col, &key, top)?;
        }
        row += 3;
    }
    for (j, w) in widths.iter().enumerate() {
        ws.set_column_width(j as u16, w.clamp(6.0, 50.0))?;
    }
    ws.set_column_hidden(key_col)?;
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), key_col)?;
    if !items.is_empty() {
        let dv = DataValidation::new()
            .allow_list_strings(&DECISIONS)?
            .set_input_title("判定")?
            .set_input_message("統合 = 同一人物としてまとめる / 別人 = 別の人 / 保留 = あとで")?
            .set_error_title("判定")?
            .set_error_message("統合・別人・保留 のどれかを選んでください")?;
        ws.add_data_validation(1, 1, row - 1, 1, &dv)?;
    }
    let help = wb.add_worksheet();
    help.set_name("使い方")?;
    let lines = [
        "karte 重複レビュー",
        "各ペアは3行です: A と B のレコード、根拠 (項目ごとの重み)。黄色は A と B で値が異なる項目です。",
        "判定の列で 統合 (同一人物) / 別人 (別の人) / 保留 を選び、保存してください。",
        "反映: karte review apply --db karte.db このファイル.xlsx",
        "別人 と判定したペアは、今後の重複検出で再び提案されず、他のレコード経由でも統合されません。",
        &format!("作成: dedup run {run_id}, {} ペア", items.len()),
    ];
    for (i, l) in lines.iter().enumerate() {
        help.write_string(i as u32, 0, *l)?;
    }
    help.set_column_width(0, 100)?;
    crate::export::atomic(path, |tmp| wb.save(tmp).with_context(|| format!("cannot write {}", path.display())))?;
    Ok(())
}

/// A decision read from the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Merge,
    Separate,
    Undecided,
}

impl Decision {
    fn label(self) -> &'static str {
        match self {
            Decision::Merge => "統合",
            Decision::Separate => "別人",
            Decision::Undecided => "保留",
        }
    }
}

fn parse_decision(s: &str) -> Option<Decision> {
    // ＭＥＲＧＥ typed with the IME on is merge, " 別人 " is 別人.
    match crate::cleanse::label_key(s).as_str() {
        "統合" | "merge" | "同一" | "同一人物" => Some(Decision::Merge),
        "別人" | "separate" | "別" => Some(Decision::Separate),
        "保留" | "undecided" | "" => Some(Decision::Undecided),
        _ => None,
    }
}

/// What applying a report did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Applied {
    pub merged: u64,
    pub separated: u64,
    pub undecided: u64,
    pub already_applied: u64,
    pub records_moved: u64,
}

struct Row {
    /// The sheet row that carries the decision (else the pair's first row).
    line: u32,
    /// The pair's number (番号) in the report.
    number: Option<i64>,
    run: i64,
    item: i64,
    a: i64,
    b: i64,
    /// The decision typed on one of the pair's rows; none when all are blank.
    typed: Option<Decision>,
}

impl Row {
    /// Blank is 保留.
    fn decision(&self) -> Decision {
        self.typed.unwrap_or(Decision::Undecided)
    }

    /// "row 5 (pair 2)".
    fn place(&self) -> String {
        match self.number {
            Some(n) => format!("row {} (pair {n})", self.line),
            None => format!("row {}", self.line),
        }
    }

    fn at(&self, file: &str) -> String {
        format!("{file} sheet {SHEET} {}", self.place())
    }
}

/// How far down the header row of a report may be (a note typed above it).
const HEADER_SEARCH: usize = 10;

/// Reads the decisions of a report; every problem found, with its row.
///
/// A pair is three rows (A, B, 根拠) that share a hidden key; its decision
/// may be typed on any of them (the drop-down is on the A row, but a
/// person looking at the B row types there, or fills a column down), and
/// two different decisions on one pair's rows are a problem. Rows are
/// matched by key, not by order, so a sheet sorted or filtered whole reads
/// the same; a sort that left the hidden key column behind is caught by the
/// pair number (番号) the key repeats.
fn read_report(path: &Path) -> Result<(Vec<Row>, Vec<String>)> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path).with_context(|| {
        format!("cannot read the review report {} (save it from Excel or LibreOffice as .xlsx or .ods)", path.display())
    })?;
    let range = wb.worksheet_range(SHEET).map_err(|_| {
        anyhow::anyhow!(
            "{} has no sheet '{SHEET}': is it a karte review report? (its sheets: {})",
            path.display(),
            wb.sheet_names().join(", ")
        )
    })?;
    let text = |d: &Data| -> String {
        match d {
            Data::String(s) => s.clone(),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Empty => String::new(),
            other => other.to_string(),
        }
    };
    let (start_row, start_col) = range.start().unwrap_or((0, 0));
    let all: Vec<&[Data]> = range.rows().collect();
    let head_at = all.iter().take(HEADER_SEARCH).position(|r| {
        let cells: Vec<String> = r.iter().map(text).collect();
        cells.iter().any(|c| c.trim() == "判定") && cells.iter().any(|c| c.trim() == "照合キー")
    });
    let Some(head_at) = head_at else {
        bail!(
            "{}: sheet '{SHEET}' has no header row with the columns '判定' and '照合キー' (the hidden key) in its first {HEADER_SEARCH} rows (were columns deleted?)",
            path.display()
        );
    };
    let header: Vec<String> = all[head_at].iter().map(|c| text(c).trim().to_string()).collect();
    let find = |name: &str| header.iter().position(|h| h == name);
    let (dcol, kcol) = (find("判定").unwrap_or(0), find("照合キー").unwrap_or(0));
    let ncol = find("番号");
    let mut out: Vec<Row> = Vec::new();
    let mut errors = Vec::new();
    let file = crate::import::file_name(path);
    let column = |c: usize| crate::model::column_letter(start_col as usize + c);
    for (i, r) in all.iter().enumerate().skip(head_at + 1) {
        let line = start_row + i as u32 + 1;
        let key = r.get(kcol).map(text).unwrap_or_default();
        let dec = r.get(dcol).map(text).unwrap_or_default();
        if key.trim().is_empty() {
            if !dec.trim().is_empty() {
                errors.push(format!("{file} sheet {SHEET} row {line}: a decision '{dec}' on a row without a review key (照合キー)"));
            }
            continue;
        }
        let parts: Vec<&str> = key.trim().split(':').collect();
        let num = |i: usize| parts.get(i).and_then(|p| p.parse::<i64>().ok());
        let parsed = (matches!(parts.len(), 5 | 6) && parts[0] == "karte")
            .then(|| Some((num(1)?, num(2)?, num(3)?, num(4)?, if parts.len() == 6 { Some(num(5)?) } else { None })))
            .flatten();
        let Some((run, item, a, b, number)) = parsed else {
            errors.push(format!("{file} sheet {SHEET} row {line}: the review key '{key}' is not one karte wrote"));
            continue;
        };
        // The pair number shown must be the key's: otherwise the visible
        // columns were sorted apart from the hidden key, and the decision
        // typed here belongs to another pair.
        if let (Some(want), Some(c)) = (number, ncol) {
            let shown = r.get(c).map(text).unwrap_or_default();
            if shown.trim().parse::<f64>().ok() != Some(want as f64) {
                errors.push(format!(
                    "{file} sheet {SHEET} row {line} column {}: the 番号 here is '{shown}', but the row's hidden review key (照合キー, column {}) belongs to pair {want}: the rows were sorted without the hidden column. Undo the sort, or sort the whole sheet (all columns) so that each row keeps its key",
                    column(c),
                    column(kcol)
                ));
                continue;
            }
        }
        let decision = if dec.trim().is_empty() {
            None
        } else {
            match parse_decision(&dec) {
                Some(d) => Some(d),
                None => {
                    errors.push(format!(
                        "{file} sheet {SHEET} row {line} column {} (判定): unknown decision '{dec}'; expected 統合, 別人 or 保留",
                        column(dcol)
                    ));
                    continue;
                }
            }
        };
        match out.iter_mut().find(|p| p.item == item) {
            Some(p) => {
                if p.run != run || (p.a, p.b) != (a, b) {
                    errors.push(format!("{file} sheet {SHEET} rows {} and {line}: two different review keys for item {item}", p.line));
                    continue;
                }
                match (p.typed, decision) {
                    (None, Some(d)) => (p.typed, p.line) = (Some(d), line),
                    (Some(x), Some(d)) if x != d => errors.push(format!(
                        "{file} sheet {SHEET} rows {} and {line}: two different decisions for one pair ({} and {})",
                        p.line,
                        x.label(),
                        d.label()
                    )),
                    _ => {}
                }
            }
            None => out.push(Row { line, number, run, item, a, b, typed: decision }),
        }
    }
    Ok((out, errors))
}

/// The review item a report's row decides now: the item itself while it
/// waits for a person, or, when a later dedup stored the same pair of
/// records again (a report decided while dedup ran once more), that
/// newer item.
fn live_item(conn: &Connection, item: i64, a: i64, b: i64) -> Result<Option<i64>> {
    let (a, b) = (a.min(b), a.max(b));
    Ok(conn
        .query_row(
            "SELECT id FROM review_items WHERE record_a = ?2 AND record_b = ?3 AND status IN ('open', 'undecided')
               AND (id = ?1 OR run_id > (SELECT run_id FROM review_items WHERE id = ?1))
             ORDER BY id = ?1 DESC, run_id DESC LIMIT 1",
            params![item, a, b],
            |r| r.get(0),
        )
        .optional()?)
}

/// What a review report holds that karte must not write over: how many
/// decisions (統合 or 別人) on pairs that still wait for a person; or, as
/// an error, why the file cannot be read as a report or which of its rows
/// are wrong (a person's typing, which writing a new report would lose).
pub fn unapplied(conn: &Connection, path: &Path) -> Result<u64> {
    let (rows, errors) = read_report(path)?;
    if !errors.is_empty() {
        bail!("{} problem(s) in it:\n  {}", errors.len(), errors.join("\n  "));
    }
    let mut n = 0;
    for r in rows.iter().filter(|r| r.decision() != Decision::Undecided) {
        if live_item(conn, r.item, r.a, r.b)?.is_some() {
            n += 1;
        }
    }
    Ok(n)
}

/// Applies a review report: all of it, or (on any problem) nothing.
pub fn apply(conn: &mut Connection, path: &Path) -> Result<Applied> {
    let (rows, mut errors) = read_report(path)?;
    let file = crate::import::file_name(path);
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let latest_run: Option<i64> = tx.query_row("SELECT max(run_id) FROM review_items", [], |r| r.get(0))?;
    // (row, record a, record b, decision wanted, the item it decides)
    let mut todo: Vec<(&Row, i64, i64, Option<&str>, i64)> = Vec::new();
    for row in &rows {
        let item: Option<(i64, i64, i64)> = tx
            .query_row("SELECT run_id, record_a, record_b FROM review_items WHERE id = ?1", [row.item], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let at = row.at(&file);
        let Some((run, a, b)) = item else {
            errors.push(format!("{at}: review item {} is not in this database (a report from another database?)", row.item));
            continue;
        };
        if (a, b) != (row.a.min(row.b), row.a.max(row.b)) || row.run != run {
            errors.push(format!(
                "{at}: the hidden review key does not match review item {} of this database (a report from another database?)",
                row.item
            ));
            continue;
        }
        let earlier: Option<String> =
            tx.query_row("SELECT decision FROM pair_decisions WHERE record_a = ?1 AND record_b = ?2", [a, b], |r| r.get(0)).optional()?;
        let wanted = match row.decision() {
            Decision::Merge => Some("merge"),
            Decision::Separate => Some("separate"),
            Decision::Undecided => None,
        };
        match (&earlier, wanted) {
            (Some(e), Some(w)) if e == w => {
                todo.push((row, a, b, None, row.item));
                continue;
            }
            (Some(e), Some(_)) => {
                let was = if e == "merge" { "統合" } else { "別人" };
                errors.push(format!(
                    "{at}: this pair was already decided {was} (records {a} and {b}); to change a decision, undo it first: karte review forget --db DB {a} {b}"
                ));
                continue;
            }
            _ => {}
        }
        // A pair dedup stored again in a later run is decided through its
        // newer item; a pair no later run proposes cannot be.
        let Some(live) = live_item(&tx, row.item, a, b)? else {
            if wanted.is_some() {
                let latest = latest_run.unwrap_or(run);
                errors.push(if latest > run {
                    format!(
                        "{at}: this pair comes from dedup run {run}, and a later run (run {latest}) no longer asks about it (the records were merged or kept apart since); apply the newer report instead"
                    )
                } else {
                    format!(
                        "{at}: this pair no longer asks for a decision (its decision was taken back with karte review forget); the next dedup (or karte run) asks about it again in a new report"
                    )
                });
            }
            continue;
        };
        // 保留 (or a blank) in an older report leaves the newer item alone.
        if wanted.is_none() && live != row.item {
            continue;
        }
        todo.push((row, a, b, wanted, live));
    }
    // Decisions that contradict one another inside the report, or earlier
    // decisions: 統合 rows join customers, and a 別人 pair (in the report
    // or decided before) must not end up in one.
    let mut dsu: HashMap<i64, i64> = HashMap::new();
    fn root(d: &mut HashMap<i64, i64>, x: i64) -> i64 {
        let p = *d.get(&x).unwrap_or(&x);
        if p == x {
            x
        } else {
            let r = root(d, p);
            d.insert(x, r);
            r
        }
    }
    let customer = |id: i64| -> Result<i64> { Ok(tx.query_row("SELECT customer_id FROM records WHERE id = ?1", [id], |r| r.get(0))?) };
    let mut merges: Vec<(&Row, i64)> = Vec::new();
    for t in todo.iter().filter(|t| t.3 == Some("merge")) {
        let (ca, cb) = (customer(t.1)?, customer(t.2)?);
        let (ra, rb) = (root(&mut dsu, ca), root(&mut dsu, cb));
        dsu.insert(ra, rb);
        merges.push((t.0, ca));
    }
    // The 統合 rows whose customers end up with customer `c`.
    let joined_by = |dsu: &mut HashMap<i64, i64>, c: i64| -> String {
        let r = root(dsu, c);
        merges.iter().filter(|(_, mc)| root(dsu, *mc) == r).map(|(row, _)| row.place()).collect::<Vec<_>>().join(", ")
    };
    for t in todo.iter().filter(|t| t.3 == Some("separate")) {
        let (ca, cb) = (customer(t.1)?, customer(t.2)?);
        if ca == cb || root(&mut dsu, ca) == root(&mut dsu, cb) {
            let by = joined_by(&mut dsu, ca);
            let by =
                if by.is_empty() { "they are already one customer".to_string() } else { format!("the 統合 decisions on {by} join them") };
            errors.push(format!("{}: 別人 for these two records, but {by}; one of these decisions must change", t.0.at(&file)));
        }
    }
    // Earlier 別人 decisions hold through every record: no 統合 here may
    // join two customers that hold a separated pair.
    if !dsu.is_empty() {
        let mut st = tx.prepare(
            "SELECT p.record_a, p.record_b, ra.customer_id, rb.customer_id FROM pair_decisions p
             JOIN records ra ON ra.id = p.record_a JOIN records rb ON rb.id = p.record_b WHERE p.decision = 'separate'",
        )?;
        let stored = st
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<i64>>(2)?, r.get::<_, Option<i64>>(3)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        for (a, b, ca, cb) in stored {
            let (Some(ca), Some(cb)) = (ca, cb) else { continue };
            if ca != cb && root(&mut dsu, ca) == root(&mut dsu, cb) {
                errors.push(format!(
                    "{file} sheet {SHEET}: the 統合 decisions on {} would put records {a} and {b} in one customer (customers {ca} and {cb}), but those two were decided 別人 before (karte explain --db DB {a} {b} shows them; karte review forget undoes that decision)",
                    joined_by(&mut dsu, ca),
                ));
            }
        }
    }
    if !errors.is_empty() {
        let n = errors.len();
        bail!("{} problem(s) in the review report; nothing was applied:\n  {}", n, errors.join("\n  "));
    }
    let now = crate::store::now();
    tx.execute(
        "INSERT INTO runs (command, started_at, karte_version) VALUES ('review apply', ?1, ?2)",
        params![now, env!("CARGO_PKG_VERSION")],
    )?;
    let run_id = tx.last_insert_rowid();
    let mut applied = Applied::default();
    let mut touched = Vec::new();
    for (row, a, b, wanted, item) in todo {
        let status = match (wanted, row.decision()) {
            (None, Decision::Undecided) => {
                applied.undecided += 1;
                "undecided"
            }
            (None, _) => {
                applied.already_applied += 1;
                continue;
            }
            (Some("merge"), _) => {
                let (survivor, absorbed, moved) = merge_customers(&tx, run_id, a, b, item, &now)?;
                applied.merged += 1;
                applied.records_moved += moved;
                touched.extend([survivor, absorbed]);
                "merged"
            }
            _ => {
                applied.separated += 1;
                "separated"
            }
        };
        if let Some(w) = wanted {
            tx.execute(
                "INSERT INTO pair_decisions (record_a, record_b, decision, decided_by, review_item, run_id, decided_at) VALUES (?1, ?2, ?3, 'review', ?4, ?5, ?6)",
                params![a, b, w, item, run_id, now],
            )?;
        }
        // 保留 leaves a later run's items alone; a decision closes the item.
        tx.execute(
            "UPDATE review_items SET status = ?1, decided_at = ?2 WHERE id = ?3 AND (?1 <> 'undecided' OR status = 'open')",
            params![status, now, item],
        )?;
    }
    super::golden::update(&tx, &touched, false)?;
    tx.execute(
        "UPDATE runs SET finished_at = ?1, status = 'done', summary = ?2 WHERE id = ?3",
        params![crate::store::now(), serde_json::to_string(&applied)?, run_id],
    )?;
    crate::store::bump_generation(&tx)?;
    tx.commit()?;
    Ok(applied)
}

/// Joins the customers of two records (a reviewed merge); returns the
/// surviving customer and how many records moved.
fn merge_customers(tx: &Transaction, run_id: i64, a: i64, b: i64, item: i64, now: &str) -> Result<(i64, i64, u64)> {
    let ca: i64 = tx.query_row("SELECT customer_id FROM records WHERE id = ?1", [a], |r| r.get(0))?;
    let cb: i64 = tx.query_row("SELECT customer_id FROM records WHERE id = ?1", [b], |r| r.get(0))?;
    if ca == cb {
        return Ok((ca, cb, 0));
    }
    let (survivor, absorbed) = (ca.min(cb), ca.max(cb));
    let (score, probability, evidence): (f64, f64, String) =
        tx.query_row("SELECT score, probability, evidence FROM review_items WHERE id = ?1", [item], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    tx.execute(
        "INSERT INTO merges (run_id, kind, customer_id, other_id, record_a, record_b, score, probability, evidence, decided_by, decided_at)
         VALUES (?1, 'merge', ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'review', ?9)",
        params![
            run_id,
            survivor,
            absorbed,
            a,
            b,
            score,
            probability,
            format!("{{\"rule\":\"review item {item}\",\"fields\":{evidence}}}"),
            now
        ],
    )?;
    let merge_id = tx.last_insert_rowid();
    let moved = tx.execute(
        "INSERT INTO merge_moves (merge_id, record_id, from_customer, to_customer)
         SELECT ?1, id, customer_id, ?2 FROM records WHERE customer_id = ?3",
        params![merge_id, survivor, absorbed],
    )?;
    tx.execute("UPDATE records SET customer_id = ?1 WHERE customer_id = ?2", params![survivor, absorbed])?;
    tx.execute("UPDATE customers SET merged_into = ?1 WHERE id = ?2", params![survivor, absorbed])?;
    Ok((survivor, absorbed, moved as u64))
}
