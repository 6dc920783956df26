//! `karte show`: one customer's karte — golden fields, every other value
//! the customer has had, visits and purchases in date order, notes,
//! attachments, and where each came from. This command is for looking at a
//! person's data, so it prints values (the summaries of the other commands
//! print counts only).

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use rusqlite::{Connection, OptionalExtension};

use crate::cleanse::{kana, name};

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The karte database.
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// When another karte command holds the database exclusively (the first
    /// large import into an empty karte), wait up to this many seconds for
    /// it, then exit with code 3. A run in WAL never makes a reader wait.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    wait: u64,
    /// The customer: its karte number (K000042) or customer id.
    #[arg(value_name = "CUSTOMER", required_unless_present_any = ["phone", "name"])]
    id: Option<String>,
    /// Find the customer by a phone number (any format: 03(1234)5678, 09012345678…).
    #[arg(long, value_name = "PHONE")]
    phone: Option<String>,
    /// Find customers by name, in kanji or kana: every customer whose name
    /// (or reading) is it or starts with it (`佐藤` lists every 佐藤…, `サトウ`
    /// every reading サトウ…); close spellings when none does.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

const FIELDS: &[(&str, &str)] = &[
    ("name", "氏名"),
    ("kana", "フリガナ"),
    ("gender", "性別"),
    ("birth_date", "生年月日"),
    ("mobile", "携帯"),
    ("phone", "電話"),
    ("phone2", "電話2"),
    ("email", "メール"),
    ("postal_code", "郵便番号"),
    ("address", "住所"),
    ("address2", "建物・部屋"),
    ("store", "店舗"),
    ("first_visit", "初回来店"),
    ("note", "備考"),
];

pub fn run(a: ShowArgs) -> Result<i32> {
    if !a.db.exists() {
        bail!("there is no karte database {}", a.db.display());
    }
    let store = crate::store::Store::open_read(&a.db, std::time::Duration::from_secs(a.wait))?;
    let conn = &store.conn;
    let ids: Vec<i64> = if let Some(id) = &a.id {
        vec![crate::store::golden::customer_ref(conn, id)?]
    } else if let Some(p) = &a.phone {
        by_phone(conn, p)?
    } else if let Some(n) = &a.name {
        by_name(conn, n)?
    } else {
        unreachable!("clap requires one")
    };
    let mut text = String::new();
    let code = match ids.as_slice() {
        [] => {
            text.push_str("no customer found\n");
            1
        }
        [id] => {
            text = karte(conn, *id)?;
            0
        }
        many => {
            writeln!(text, "{} customers match; show one with: karte show --db {} ID", many.len(), a.db.display())?;
            for id in many.iter().take(LIST) {
                let line = crate::store::lookup::customer_line(conn, *id)?;
                writeln!(text, "  {id}  {}", line.unwrap_or_default())?;
            }
            if many.len() > LIST {
                writeln!(text, "  … and {} more (give more of the name)", many.len() - LIST)?;
            }
            0
        }
    };
    super::emit(&text)?;
    Ok(code)
}

/// How many customers a list shows.
const LIST: usize = 200;

/// Live customers with this phone number in any phone field.
fn by_phone(conn: &Connection, raw: &str) -> Result<Vec<i64>> {
    let ctx = crate::cleanse::Context::default();
    let n = crate::cleanse::normalize(crate::mapping::FieldType::Phone, raw, crate::model::CellKind::Text, &ctx);
    let Some(key) = n.key else {
        bail!("'{raw}' is not a phone number karte can read");
    };
    crate::store::lookup::customers_by_phone_key(conn, &key)
}

fn is_kana(s: &str) -> bool {
    s.chars().all(|c| matches!(c, '\u{3041}'..='\u{30FF}' | '\u{FF66}'..='\u{FF9F}' | ' ' | '\u{3000}'))
}

/// The reading key a name search compares: vowel length kept (ユキ is not
/// ユウキ), widths and hiragana folded (see [`kana::strict_kana_key`]).
fn reading_key(raw: &str) -> String {
    let ctx = crate::cleanse::Context::default();
    let shown =
        crate::cleanse::normalize(crate::mapping::FieldType::Kana, raw, crate::model::CellKind::Text, &ctx).value.unwrap_or_default();
    kana::strict_kana_key(&shown)
}

/// Customers whose name (kanji) or reading (kana) is the one given or
/// starts with it — a surname lists everyone of that surname — on any of
/// their records; a name written in kana counts as a reading. When none
/// does, the close spellings, closest first.
fn by_name(conn: &Connection, raw: &str) -> Result<Vec<i64>> {
    let kana_query = is_kana(raw);
    let want = if kana_query { reading_key(raw) } else { name::name_key(raw) };
    if want.is_empty() {
        bail!("give a name in kanji or kana");
    }
    // (0 exact or 1 starts with, customer), and (similarity, customer).
    let mut hits: Vec<(u8, i64)> = Vec::new();
    let mut close: Vec<(f64, i64)> = Vec::new();
    crate::store::lookup::for_each_name(conn, &mut |r| {
        let keys: Vec<String> = if kana_query {
            let mut k: Vec<String> = r.kana.iter().map(|k| kana::strict_kana_key(k)).collect();
            // A name written in kana (web bookings often are) is a reading too.
            if let Some(n) = r.name.as_deref().filter(|n| is_kana(n)) {
                k.push(reading_key(n));
            }
            k
        } else {
            r.name_key.into_iter().collect()
        };
        for key in keys.into_iter().filter(|k| !k.is_empty()) {
            if key == want {
                hits.push((0, r.customer));
            } else if key.starts_with(&want) {
                hits.push((1, r.customer));
            } else {
                let jw = strsim::jaro_winkler(&key, &want);
                if jw >= 0.88 {
                    close.push((jw, r.customer));
                }
            }
        }
    })?;
    let mut seen = std::collections::HashSet::new();
    if !hits.is_empty() {
        // The exact ones first, then those the name starts, each by id.
        hits.sort_unstable();
        return Ok(hits.into_iter().map(|(_, id)| id).filter(|id| seen.insert(*id)).collect());
    }
    close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(close.into_iter().map(|(_, id)| id).filter(|id| seen.insert(*id)).collect())
}

fn origin(file: &str, sheet: &str, row: i64) -> String {
    if sheet.is_empty() {
        format!("{file} {row}行")
    } else {
        format!("{file} [{sheet}] {row}行")
    }
}

/// A golden record: field values (in [`FIELDS`] order), record count,
/// last visit, sources JSON.
type Golden = (Vec<Option<String>>, i64, Option<String>, String);

/// One customer's karte as text.
fn karte(conn: &Connection, id: i64) -> Result<String> {
    let mut out = String::new();
    let merged: Option<Option<i64>> = conn.query_row("SELECT merged_into FROM customers WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let id = match merged {
        None => bail!("there is no customer {id}"),
        Some(Some(into)) => {
            // Follow the chain to the live customer.
            let mut live = into;
            while let Some(Some(next)) =
                conn.query_row("SELECT merged_into FROM customers WHERE id = ?1", [live], |r| r.get(0)).optional()?
            {
                live = next;
            }
            writeln!(out, "customer {id} was merged into customer {live}")?;
            live
        }
        Some(None) => id,
    };
    let cols: Vec<String> = FIELDS.iter().map(|(f, _)| f.to_string()).collect();
    let golden: Option<Golden> = conn
        .query_row(&format!("SELECT {}, records, last_seen, sources FROM golden WHERE customer_id = ?1", cols.join(", ")), [id], |r| {
            let vals = (0..FIELDS.len()).map(|i| r.get(i)).collect::<Result<Vec<Option<String>>, _>>()?;
            Ok((vals, r.get(FIELDS.len())?, r.get(FIELDS.len() + 1)?, r.get(FIELDS.len() + 2)?))
        })
        .optional()?;
    let Some((vals, records, last_seen, sources)) = golden else {
        bail!("customer {id} has no golden record: run karte dedup first (or the customer has no active records)");
    };
    let sources: serde_json::Value = serde_json::from_str(&sources).unwrap_or_default();
    let karte_no = crate::store::golden::karte_no(conn, id)?;
    writeln!(out, "顧客 {id}  ({records} 件の元レコード{})", last_seen.map(|d| format!(", 最終来店 {d}")).unwrap_or_default())?;
    if let Some(n) = karte_no {
        writeln!(out, "  顧客番号: {}  (カルテ番号)", crate::store::golden::karte_no_text(n))?;
    }
    // Each source's own numbers, under the source's name.
    let mut st = conn.prepare(
        "SELECT i.source, r.customer_no, i.file_name, r.sheet, r.row, count(*) OVER (PARTITION BY i.source, r.customer_no) AS n,
                row_number() OVER (PARTITION BY i.source, r.customer_no ORDER BY r.id) AS k
         FROM records r JOIN imports i ON i.id = r.import_id
         WHERE r.customer_id = ?1 AND r.status = 'active' AND r.customer_no IS NOT NULL ORDER BY i.source, r.id",
    )?;
    let numbers = st
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for (source, no, file, sheet, row, n, k) in numbers {
        if k == 1 {
            let more = if n > 1 { format!(" ほか {} 件", n - 1) } else { String::new() };
            writeln!(out, "  番号({source}): {no}  ← {}{more}", origin(&file, &sheet, row))?;
        }
    }
    let where_from = |field: &str| -> Result<String> {
        if let Some(p) = sources.get(field).filter(|p| p.get("pinned").is_some()) {
            let at = p.get("pinned").and_then(|d| d.as_str()).unwrap_or("");
            let mut s = format!("  ← 手入力で固定 (pinned by a person, {})", at.get(..10).unwrap_or(at));
            for o in p.get("overridden").and_then(|o| o.as_array()).into_iter().flatten() {
                let v = o.get("value").and_then(|v| v.as_str()).unwrap_or("");
                let c = o.get("customer").and_then(|v| v.as_i64()).unwrap_or(0);
                write!(s, " [統合で優先されなかった固定値: {v} (顧客 {c})]")?;
            }
            return Ok(s);
        }
        let src = sources.get(field).or_else(|| sources.get("*"));
        let Some(rec) = src.and_then(|s| s.get("record")).and_then(|r| r.as_i64()) else { return Ok(String::new()) };
        let (file, sheet, row): (String, String, i64) = conn.query_row(
            "SELECT i.file_name, r.sheet, r.row FROM records r JOIN imports i ON i.id = r.import_id WHERE r.id = ?1",
            [rec],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let rule = src.and_then(|s| s.get("rule")).and_then(|r| r.as_str()).unwrap_or("");
        Ok(format!("  ← {} ({rule})", origin(&file, &sheet, row)))
    };
    for ((field, label), v) in FIELDS.iter().zip(&vals) {
        if let Some(v) = v {
            writeln!(out, "  {label}: {v}{}", where_from(field)?)?;
        }
    }
    // Every other value the customer has had.
    let mut st = conn.prepare(
        "SELECT v.field, v.value, i.file_name, v.sheet, v.row FROM customer_values v JOIN imports i ON i.id = v.import_id
         WHERE v.customer_id = ?1 ORDER BY v.field, v.record_id",
    )?;
    let rows = st.query_map([id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?))
    })?;
    // One line per distinct value: where it was first seen, and how many
    // more records carry it. Phones are one pool (a mobile typed in a 電話
    // column is the golden 携帯, not another value).
    let is_phone = |f: &str| matches!(f, "phone" | "mobile" | "phone2");
    let golden_has = |field: &str, value: &str| -> bool {
        FIELDS.iter().zip(&vals).any(|((f, _), v)| (*f == field || (is_phone(f) && is_phone(field))) && v.as_deref() == Some(value))
    };
    let mut others: Vec<(usize, String, String, usize)> = Vec::new();
    for row in rows {
        let (field, value, file, sheet, line) = row?;
        let Some(i) = FIELDS.iter().position(|(f, _)| *f == field) else { continue };
        if golden_has(&field, &value) {
            continue;
        }
        match others.iter_mut().find(|(j, v, _, _)| *j == i && *v == value) {
            Some(o) => o.3 += 1,
            None => others.push((i, value, origin(&file, &sheet, line), 0)),
        }
    }
    // Values a source row had before it was edited (nightly re-imports).
    let mut st = conn.prepare(
        "SELECT h.\"values\", i.file_name, h.sheet, h.row FROM record_history h JOIN records r ON r.id = h.record_id
         JOIN imports i ON i.id = h.import_id WHERE r.customer_id = ?1 AND h.change = 'edited' ORDER BY h.id",
    )?;
    let edits = st
        .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    for (json, file, sheet, line) in edits {
        let old: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        for (i, (field, _)) in FIELDS.iter().enumerate() {
            let Some(value) = old.get(*field).and_then(|v| v.as_str()) else { continue };
            if golden_has(field, value) || others.iter().any(|(j, v, _, _)| *j == i && v == value) {
                continue;
            }
            others.push((i, value.to_string(), format!("{} (変更前の値)", origin(&file, &sheet, line)), 0));
        }
    }
    others.sort_by_key(|o| o.0);
    if !others.is_empty() {
        writeln!(out, "ほかの値 (履歴):")?;
        for (i, value, from, more) in others {
            let more = if more > 0 { format!(" ほか {more} 件") } else { String::new() };
            writeln!(out, "  {}: {value}  ← {from}{more}", FIELDS[i].1)?;
        }
    }
    let mut st = conn.prepare(
        "SELECT e.date, e.kind, coalesce(e.item, ''), coalesce(e.amount, ''), coalesce(e.staff, ''), coalesce(e.line, ''), i.file_name, r.sheet, r.row
         FROM events e JOIN records r ON r.id = e.record_id JOIN imports i ON i.id = r.import_id
         WHERE r.customer_id = ?1 AND r.status = 'active' ORDER BY e.date IS NULL, e.date, r.id, e.seq",
    )?;
    let events = st
        .query_map([id], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    if !events.is_empty() {
        writeln!(out, "来店・購入 ({} 件):", events.len())?;
        for (date, kind, item, amount, staff, line, file, sheet, row) in events {
            let kind = if kind == "visit" { "来店" } else { "購入" };
            let what = if item.is_empty() { line } else { item };
            let amount = if amount.is_empty() { String::new() } else { format!(" ¥{amount}") };
            let staff = if staff.is_empty() { String::new() } else { format!(" 担当 {staff}") };
            writeln!(out, "  {} {kind} {what}{amount}{staff}  ← {}", date.as_deref().unwrap_or("日付なし"), origin(&file, &sheet, row))?;
        }
    }
    let mut st = conn.prepare(
        "SELECT a.path, i.file_name, r.sheet, r.row FROM attachments a JOIN records r ON r.id = a.record_id JOIN imports i ON i.id = r.import_id
         WHERE r.customer_id = ?1 ORDER BY a.id",
    )?;
    let atts = st
        .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    if !atts.is_empty() {
        writeln!(out, "添付 (スキャン・写真):")?;
        for (path, file, sheet, row) in atts {
            writeln!(out, "  {path}  ← {}", origin(&file, &sheet, row))?;
        }
    }
    let mut st = conn.prepare(
        "SELECT l.record_id, l.source_file, l.sheet, l.row, l.gone,
                (SELECT count(*) FROM record_history h WHERE h.record_id = l.record_id AND h.change = 'edited')
         FROM lineage l WHERE l.customer_id = ?1 ORDER BY l.record_id",
    )?;
    let recs = st
        .query_map([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    writeln!(out, "出所 ({} 件):", recs.len())?;
    for (rid, file, sheet, row, gone, edits) in recs {
        let mut notes = Vec::new();
        if gone {
            notes.push("元データから削除（記録は保持）".to_string());
        }
        if edits > 0 {
            notes.push(format!("元データで {edits} 回変更"));
        }
        let notes = if notes.is_empty() { String::new() } else { format!("  [{}]", notes.join(", ")) };
        writeln!(out, "  レコード {rid}: {}{notes}", origin(&file, &sheet, row))?;
    }
    Ok(out)
}
