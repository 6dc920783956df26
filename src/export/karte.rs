//! The tables of a karte database for people and CRMs: customers (golden
//! records, Japanese column labels), visits and purchases, notes, and
//! lineage (every source row and the customer it belongs to).

use anyhow::Result;
use rusqlite::Connection;

use super::{Cell, Source};

/// Golden-record columns with their Japanese labels and whether they are
/// dates.
const CUSTOMER_COLUMNS: &[(&str, &str, bool)] = &[
    ("name", "氏名", false),
    ("family_name", "姓", false),
    ("given_name", "名", false),
    ("kana", "フリガナ", false),
    ("family_kana", "セイ", false),
    ("given_kana", "メイ", false),
    ("gender", "性別", false),
    ("birth_date", "生年月日", true),
    ("phone", "電話", false),
    ("mobile", "携帯", false),
    ("phone2", "電話2", false),
    ("email", "メール", false),
    ("postal_code", "郵便番号", false),
    ("prefecture", "都道府県", false),
    ("address", "住所", false),
    ("address2", "建物・部屋", false),
    // The customer's karte number (K and its id), not a golden column.
    ("customer_no", "顧客番号", false),
    ("store", "店舗", false),
    ("first_visit", "初回来店", true),
    ("note", "備考", false),
];

fn text(v: Option<String>) -> Cell {
    v.map(Cell::Text).unwrap_or(Cell::Empty)
}

fn date(v: Option<String>) -> Cell {
    v.map(Cell::Date).unwrap_or(Cell::Empty)
}

/// Runs a query and hands each row, made into cells by `make`, to `f`.
fn stream(
    conn: &Connection,
    sql: &str,
    width: usize,
    make: impl Fn(&rusqlite::Row, &mut Vec<Cell>) -> rusqlite::Result<()>,
    f: &mut dyn FnMut(&[Cell]) -> Result<()>,
) -> Result<()> {
    let mut st = conn.prepare(sql)?;
    let mut rows = st.query([])?;
    let mut cells = Vec::with_capacity(width);
    while let Some(r) = rows.next()? {
        cells.clear();
        make(r, &mut cells)?;
        f(&cells)?;
    }
    Ok(())
}

/// The sources whose records carry customer numbers, by name: each has a
/// column `番号(source)` in the customers table.
fn number_sources(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT DISTINCT i.source FROM imports i
         WHERE EXISTS (SELECT 1 FROM records r WHERE r.import_id = i.id AND r.status = 'active' AND r.customer_no IS NOT NULL)
         ORDER BY i.source",
    )?;
    let rows = st.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// 固定: the fields a person pinned, with the day (`氏名 2026-12-08`).
fn pinned_cell(json: Option<String>) -> Cell {
    let Some(map) = json.and_then(|j| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&j).ok()) else {
        return Cell::Empty;
    };
    let shown: Vec<String> = map
        .iter()
        .map(|(f, at)| {
            let label = CUSTOMER_COLUMNS.iter().find(|(c, _, _)| c == f).map(|(_, l, _)| *l).unwrap_or(f.as_str());
            let at = at.as_str().unwrap_or("");
            format!("{label} {}", at.get(..10).unwrap_or(at))
        })
        .collect();
    if shown.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(format!("{}（手入力で固定）", shown.join(", ")))
    }
}

/// One row per live customer: its golden record, with 顧客番号 the
/// customer's karte number (`K000123`, stable), each source's own numbers
/// under `番号(source)`, and 固定 the fields a person pinned. `ids` collects
/// the customer id of each row, in order (to name a customer in messages).
pub fn customers<'a>(conn: &'a Connection, ids: Option<&'a std::cell::RefCell<Vec<i64>>>) -> Source<'a> {
    let cols: Vec<String> =
        CUSTOMER_COLUMNS.iter().map(|(c, _, _)| if *c == "customer_no" { "c.id".to_string() } else { format!("g.{c}") }).collect();
    // A failure here fails the rows' query too, which says it.
    let sources = number_sources(conn).unwrap_or_default();
    // Each source's numbers, joined by SQLite's JSON functions (a JSON
    // document per customer parsed in Rust cost a third of the CSV export).
    let per_source: String = sources
        .iter()
        .map(|s| {
            format!(
                ", CASE WHEN g.numbers IS NOT NULL THEN (SELECT group_concat(v.value, ', ') FROM json_each(g.numbers) k, json_each(k.value) v WHERE k.key = '{}') END",
                s.replace('\'', "''")
            )
        })
        .collect();
    let sql = format!(
        "SELECT g.customer_id, {}, g.records, g.last_seen, c.id, g.pinned{per_source} FROM golden g JOIN customers c ON c.id = g.customer_id
         WHERE c.merged_into IS NULL ORDER BY g.customer_id",
        cols.join(", ")
    );
    // The columns every export had keep their places; each source's numbers
    // and 固定 come last.
    let mut headers = vec!["顧客ID".to_string()];
    headers.extend(CUSTOMER_COLUMNS.iter().map(|(_, l, _)| l.to_string()));
    headers.extend(["元レコード数".to_string(), "最終来店".to_string()]);
    headers.extend(sources.iter().map(|s| format!("番号({s})")));
    headers.push("固定".to_string());
    let width = headers.len();
    Source {
        sheet: "顧客".to_string(),
        headers,
        rows: Box::new(move |f| {
            if let Some(ids) = ids {
                ids.borrow_mut().clear();
            }
            stream(
                conn,
                &sql,
                width,
                |r, row| {
                    let id: i64 = r.get(0)?;
                    if let Some(ids) = ids {
                        ids.borrow_mut().push(id);
                    }
                    let n = CUSTOMER_COLUMNS.len();
                    row.push(Cell::Int(id));
                    for (i, (c, _, is_date)) in CUSTOMER_COLUMNS.iter().enumerate() {
                        if *c == "customer_no" {
                            row.push(text(r.get::<_, Option<i64>>(1 + i)?.map(crate::store::golden::karte_no_text)));
                            continue;
                        }
                        let v: Option<String> = r.get(1 + i)?;
                        row.push(if *is_date { date(v) } else { text(v) });
                    }
                    row.push(Cell::Int(r.get(1 + n)?));
                    row.push(date(r.get(2 + n)?));
                    for k in 0..sources.len() {
                        row.push(text(r.get(5 + n + k)?));
                    }
                    row.push(pinned_cell(r.get(4 + n)?));
                    Ok(())
                },
                f,
            )
        }),
    }
}

/// One row per visit or purchase, by customer and date.
pub fn events(conn: &Connection) -> Source<'_> {
    let headers = ["顧客ID", "日付", "種別", "伝票番号", "内容", "数量", "金額", "担当", "メモ", "来店記録", "ファイル", "シート", "行"];
    Source {
        sheet: "来店・購入".to_string(),
        headers: headers.map(String::from).to_vec(),
        rows: Box::new(move |f| {
            stream(
                conn,
                "SELECT r.customer_id, e.date, e.kind, e.number, e.item, e.quantity, e.amount, e.staff, e.note, e.line,
                        i.file_name, r.sheet, r.row
                 FROM events e JOIN records r ON r.id = e.record_id JOIN imports i ON i.id = r.import_id
                 WHERE r.status = 'active'
                 ORDER BY r.customer_id, e.date, r.id, e.seq",
                13,
                |r, row| {
                    let kind: String = r.get(2)?;
                    let amount: Option<String> = r.get(6)?;
                    row.extend([
                        Cell::Int(r.get(0)?),
                        date(r.get(1)?),
                        Cell::Text(match kind.as_str() {
                            "visit" => "来店".to_string(),
                            "purchase" => "購入".to_string(),
                            _ => kind,
                        }),
                        text(r.get(3)?),
                        text(r.get(4)?),
                        text(r.get(5)?),
                        match amount.as_deref().map(str::parse::<f64>) {
                            Some(Ok(f)) => Cell::Num(f),
                            _ => text(amount),
                        },
                        text(r.get(7)?),
                        text(r.get(8)?),
                        text(r.get(9)?),
                        Cell::Text(r.get(10)?),
                        Cell::Text(r.get(11)?),
                        Cell::Int(r.get(12)?),
                    ]);
                    Ok(())
                },
                f,
            )
        }),
    }
}

/// Every note of every record, with where it was written.
pub fn notes(conn: &Connection) -> Source<'_> {
    let headers = ["顧客ID", "メモ", "ファイル", "シート", "行"];
    Source {
        sheet: "メモ".to_string(),
        headers: headers.map(String::from).to_vec(),
        rows: Box::new(move |f| {
            stream(
                conn,
                "SELECT r.customer_id, r.note, i.file_name, r.sheet, r.row FROM records r JOIN imports i ON i.id = r.import_id
                 WHERE r.status = 'active' AND r.note IS NOT NULL ORDER BY r.customer_id, r.id",
                5,
                |r, row| {
                    row.extend([
                        Cell::Int(r.get(0)?),
                        Cell::Text(r.get(1)?),
                        Cell::Text(r.get(2)?),
                        Cell::Text(r.get(3)?),
                        Cell::Int(r.get(4)?),
                    ]);
                    Ok(())
                },
                f,
            )
        }),
    }
}

/// Every source row: its customer (none when skipped or rejected), file,
/// sheet, row, source and status (with rows gone from their file marked).
pub fn lineage(conn: &Connection) -> Source<'_> {
    let headers = ["顧客ID", "レコードID", "ファイル", "シート", "行", "ソース", "状態"];
    Source {
        sheet: "出所".to_string(),
        headers: headers.map(String::from).to_vec(),
        rows: Box::new(move |f| {
            stream(
                conn,
                "SELECT customer_id, record_id, source_file, sheet, row, source, status, gone FROM lineage
                 ORDER BY customer_id IS NULL, customer_id, record_id",
                7,
                |r, row| {
                    let status: String = r.get(6)?;
                    let gone: bool = r.get(7)?;
                    let label = match status.as_str() {
                        "active" => "取込",
                        "skipped" => "対象外",
                        "rejected" => "不採用",
                        other => other,
                    };
                    row.extend([
                        r.get::<_, Option<i64>>(0)?.map(Cell::Int).unwrap_or(Cell::Empty),
                        Cell::Int(r.get(1)?),
                        Cell::Text(r.get(2)?),
                        Cell::Text(r.get(3)?),
                        Cell::Int(r.get(4)?),
                        Cell::Text(r.get(5)?),
                        Cell::Text(if gone { format!("{label}（元データから削除）") } else { label.to_string() }),
                    ]);
                    Ok(())
                },
                f,
            )
        }),
    }
}

/// A sheet whose rows are read by another thread, from its own read-only
/// connection to `db`, in batches through a bounded channel (memory stays
/// flat). `shape` gives the sheet's name and headers.
fn ahead<'a>(db: std::path::PathBuf, shape: Source<'_>, make: fn(&Connection) -> Source<'_>) -> Source<'a> {
    let (sheet, headers) = (shape.sheet, shape.headers);
    Source {
        sheet,
        headers,
        rows: Box::new(move |f| {
            let db = db.clone();
            std::thread::scope(|scope| {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<Cell>>>(4);
                let producer = scope.spawn(move || -> Result<()> {
                    let conn = Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
                    conn.busy_timeout(std::time::Duration::from_secs(30))?;
                    let mut src = make(&conn);
                    let mut batch = Vec::with_capacity(1024);
                    (src.rows)(&mut |r: &[Cell]| {
                        batch.push(r.to_vec());
                        if batch.len() == 1024 {
                            tx.send(std::mem::replace(&mut batch, Vec::with_capacity(1024)))
                                .map_err(|_| anyhow::anyhow!("the sheet writer stopped"))?;
                        }
                        Ok(())
                    })?;
                    if !batch.is_empty() {
                        let _ = tx.send(batch);
                    }
                    Ok(())
                });
                let written = (|| -> Result<()> {
                    for batch in rx {
                        for r in &batch {
                            f(r)?;
                        }
                    }
                    Ok(())
                })();
                // The receiver is gone by now: a producer still sending stops.
                let produced = producer.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the sheet reader panicked")));
                written.and(produced)
            })
        }),
    }
}

/// Customers without a golden record: an export would leave them out.
#[derive(Debug, thiserror::Error)]
#[error("{0} customer(s) have no golden record (imported or changed since the last dedup, or never deduplicated)")]
pub struct NoGolden(pub i64);

/// What [`write_all`] wrote.
#[derive(Debug)]
pub struct Written {
    /// "顧客 12, 来店・購入 40, …" (xlsx) or "12 customers" (CSV).
    pub counts: String,
    pub customers: usize,
    /// (customer id, value) for each value CP932 could not hold (folded,
    /// written as 〓, or refused).
    pub unencodable: Vec<(String, super::Unencodable)>,
    /// The CP932 policy was `fail` and a value had a character CP932
    /// cannot hold: nothing was written (the previous file is as it was).
    pub refused: bool,
}

/// Writes the karte export: xlsx with every sheet, or the customers as CSV.
/// Refuses when any customer has no golden record yet (imported since the
/// last dedup): it would be left out.
pub fn write_all(conn: &Connection, out: &std::path::Path, kind: super::Kind) -> Result<Written> {
    let missing: i64 = conn.query_row(
        "SELECT count(DISTINCT customer_id) FROM records r WHERE status = 'active'
           AND NOT EXISTS (SELECT 1 FROM golden g WHERE g.customer_id = r.customer_id)",
        [],
        |r| r.get(0),
    )?;
    if missing > 0 {
        return Err(NoGolden(missing).into());
    }
    let ids = std::cell::RefCell::new(Vec::new());
    if kind == super::Kind::Xlsx {
        // Each sheet's query runs on a thread of its own, a few thousand
        // rows ahead of the xlsx writer (sorting a million visits takes
        // seconds of SQLite's time that the writer need not wait for).
        // An in-memory database has no path to open again: read in line.
        let db = conn.path().filter(|p| !p.is_empty()).map(std::path::PathBuf::from);
        let sheet_of = |make: fn(&Connection) -> Source<'_>| match &db {
            Some(db) => ahead(db.clone(), make(conn), make),
            None => make(conn),
        };
        let mut sources = [sheet_of(|c| customers(c, None)), sheet_of(events), sheet_of(notes), sheet_of(lineage)];
        let (_, counts) = super::write_sources(out, kind, &mut sources)?;
        let shown: Vec<String> = sources.iter().zip(&counts).map(|(s, n)| format!("{} {n}", s.sheet)).collect();
        Ok(Written { counts: shown.join(", "), customers: counts[0] as usize, unencodable: Vec::new(), refused: false })
    } else {
        let mut sources = [customers(conn, Some(&ids))];
        let res = super::write_sources(out, kind, &mut sources);
        drop(sources);
        let (bad, count, refused) = match res {
            Ok((bad, counts)) => (bad, counts[0], false),
            Err(e) => match e.downcast::<super::Refused>() {
                Ok(super::Refused(bad)) => (bad, 0, true),
                Err(e) => return Err(e),
            },
        };
        let ids = ids.into_inner();
        Ok(Written {
            counts: if refused { "not written".to_string() } else { format!("{count} customers") },
            customers: count as usize,
            unencodable: bad.into_iter().map(|b| (ids.get(b.row.wrapping_sub(1)).map(|i| i.to_string()).unwrap_or_default(), b)).collect(),
            refused,
        })
    }
}
