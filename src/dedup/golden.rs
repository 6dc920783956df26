//! Golden records: one per live customer, each field chosen from the
//! customer's records by a documented survivorship rule. Nothing is
//! dropped: every other value stays on its record, and the
//! `customer_values` view lists them all (old addresses, former surnames,
//! every phone).
//!
//! Rules (a record's *date* is its latest visit or purchase, its first-visit
//! date, or the day a re-import last found its cleansed values changed
//! (staff correcting a phone is news; a file saved again with the same
//! values is not), whichever is latest; *priority* is its source's
//! `priority` in the mapping). 最終来店 (`last_seen`) is the latest visit,
//! purchase or first visit only, never an import's day:
//!
//! | fields | rule |
//! | --- | --- |
//! | name, family_name, given_name (together) | most complete (a kanji name, split into surname and given name), then most recent; among spellings that differ only by variant kanji (髙橋 / 高橋), the one the most sources write, then the more specific form (髙, not the 高 a POS falls back to), then the most records |
//! | kana, family_kana, given_kana (together) | most complete (split), then most recent |
//! | postal_code, prefecture, address, address2 (together) | most recent, then most complete; a postal code or prefecture alone (most recent) only when no record has an address |
//! | mobile, phone, phone2 | by kind, from any phone column: 携帯 the most recent mobile number, 電話 the most recent other number, 電話2 the most recent left; never one number twice |
//! | email, note | most recent |
//! | birth_date, gender, store | most frequent |
//! | customer_no | source priority, then the oldest record (never the most recent: an edit elsewhere must not change it) |
//! | first_visit | earliest |
//!
//! Ties always fall to the higher source priority, then the more recent
//! record, then the later record id. A customer with one record takes all
//! of it (`sources` says `{"*": {"record": id, "rule": "the only record"}}`).
//!
//! Beside the fields, `numbers` keeps every source's own customer numbers
//! under the source's name (`{"sakura_pos": ["C0004"], "ledger": ["1003"]}`);
//! the customer's own number is its karte number (`K` and its customer id,
//! see [`crate::store::golden`]). Values a
//! person pinned (`karte golden set`) are written over the chosen ones last,
//! on every update ([`crate::store::golden::apply_pins`]).

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::Transaction;

use crate::mapping::Field;
use crate::store::RECORD_FIELDS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    CompleteRecent,
    RecentComplete,
    Recent,
    Frequent,
    Priority,
    Earliest,
}

impl Rule {
    fn label(self) -> &'static str {
        match self {
            Rule::CompleteRecent => "most complete, then most recent",
            Rule::RecentComplete => "most recent, then most complete",
            Rule::Recent => "most recent",
            Rule::Frequent => "most frequent",
            Rule::Priority => "source priority",
            Rule::Earliest => "earliest",
        }
    }
}

/// Field groups chosen from one record together, with their rule; the
/// first field of a group must have a value for a record to be chosen.
fn groups() -> Vec<(Vec<Field>, Rule)> {
    use Field as F;
    vec![
        (vec![F::Name, F::FamilyName, F::GivenName], Rule::CompleteRecent),
        (vec![F::Kana, F::FamilyKana, F::GivenKana], Rule::CompleteRecent),
        (vec![F::Address, F::PostalCode, F::Prefecture, F::Address2], Rule::RecentComplete),
        (vec![F::PostalCode], Rule::Recent),
        (vec![F::Prefecture], Rule::Recent),
        (vec![F::Email], Rule::Recent),
        (vec![F::Note], Rule::Recent),
        (vec![F::BirthDate], Rule::Frequent),
        (vec![F::Gender], Rule::Frequent),
        (vec![F::Store], Rule::Frequent),
        (vec![F::CustomerNo], Rule::Priority),
        (vec![F::FirstVisit], Rule::Earliest),
    ]
}

struct Row {
    id: i64,
    priority: i64,
    /// Its source's name.
    source: std::rc::Rc<str>,
    /// How recent the record is: its latest visit or purchase, its first
    /// visit, or the day a re-import changed its values.
    date: String,
    /// Its latest visit or purchase, or its first visit (最終来店).
    seen: String,
    values: Vec<Option<String>>,
}

fn col(f: Field) -> usize {
    RECORD_FIELDS.iter().position(|g| *g == f).expect("a record field")
}

/// How complete a record is for a group: kanji beats kana-only for names,
/// every filled field counts.
fn completeness(r: &Row, fields: &[Field]) -> i64 {
    let mut c: i64 = fields.iter().filter(|f| r.values[col(**f)].is_some()).count() as i64;
    if fields[0] == Field::Name {
        if let Some(n) = &r.values[col(Field::Name)] {
            if n.chars().any(|ch| ('\u{4E00}'..='\u{9FFF}').contains(&ch) || ('\u{3400}'..='\u{4DBF}').contains(&ch)) {
                c += 10;
            }
        }
    }
    c
}

/// Orders two records for a rule: Greater = `a` wins.
fn better(rule: Rule, fields: &[Field], a: &Row, b: &Row, freq: &HashMap<&str, usize>) -> std::cmp::Ordering {
    let recent = |x: &Row, y: &Row| x.date.cmp(&y.date);
    let prio = |x: &Row, y: &Row| x.priority.cmp(&y.priority);
    let tie = |x: &Row, y: &Row| prio(x, y).then(recent(x, y)).then(x.id.cmp(&y.id));
    fn first(x: &Row, f: Field) -> &str {
        x.values[col(f)].as_deref().unwrap_or("")
    }
    match rule {
        Rule::CompleteRecent => completeness(a, fields).cmp(&completeness(b, fields)).then(recent(a, b)).then(tie(a, b)),
        Rule::RecentComplete => recent(a, b).then(completeness(a, fields).cmp(&completeness(b, fields))).then(tie(a, b)),
        Rule::Recent => recent(a, b).then(tie(a, b)),
        Rule::Frequent => freq.get(first(a, fields[0])).cmp(&freq.get(first(b, fields[0]))).then(tie(a, b)),
        // The oldest record: a customer number does not move because
        // another source's row was edited (an edit makes a record recent).
        Rule::Priority => prio(a, b).then(b.id.cmp(&a.id)),
        // The earliest value wins: reverse the value order.
        Rule::Earliest => first(b, fields[0]).cmp(first(a, fields[0])).then(tie(a, b)),
    }
}

/// A name as spelled, spaces aside (髙橋 誠 and 髙橋誠 are one spelling).
fn spelling(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

/// How many of a name's characters are the specific (variant) form of a
/// kanji: 髙 in 髙橋 is, 高 is not. A POS that cannot type 髙 writes 高; nobody
/// writes 髙 by accident.
fn specificity(name: &str) -> usize {
    let mut buf = [0u8; 4];
    name.chars().filter(|c| crate::cleanse::itaiji::fold_variants(c.encode_utf8(&mut buf)) != c.to_string()).count()
}

/// The name among spellings that differ only by variant kanji: `best` is
/// the record the name rule chose; its variants (the same name once 髙 →
/// 高, 﨑 → 崎 are folded) vote by spelling — the most sources, then the
/// more specific form, then the most records; within the spelling that
/// wins, the most complete and then most recent record. Returns the record
/// and, when spellings competed, the rule that decided.
fn name_spelling<'a>(batch: &'a [Row], best: &'a Row, freq: &HashMap<&str, usize>) -> (&'a Row, Option<String>) {
    let fields = [Field::Name, Field::FamilyName, Field::GivenName];
    let Some(name) = best.values[col(Field::Name)].as_deref() else { return (best, None) };
    // Most customers' records spell the name one way: nothing to count.
    if batch.iter().all(|r| r.values[col(Field::Name)].as_deref().is_none_or(|n| n == name)) {
        return (best, None);
    }
    let family = crate::cleanse::itaiji::fold_variants(&spelling(name));
    // spelling → (sources, records, best record)
    let mut by: Vec<(String, Vec<std::rc::Rc<str>>, usize, &Row)> = Vec::new();
    for r in batch {
        let Some(n) = r.values[col(Field::Name)].as_deref() else { continue };
        let sp = spelling(n);
        if crate::cleanse::itaiji::fold_variants(&sp) != family {
            continue;
        }
        match by.iter_mut().find(|(s, _, _, _)| *s == sp) {
            Some((_, sources, records, rep)) => {
                if !sources.contains(&r.source) {
                    sources.push(r.source.clone());
                }
                *records += 1;
                if better(Rule::CompleteRecent, &fields, r, rep, freq).is_gt() {
                    *rep = r;
                }
            }
            None => by.push((sp, vec![r.source.clone()], 1, r)),
        }
    }
    if by.len() < 2 {
        return (best, None);
    }
    let (_, sources, _, rep) = by
        .iter()
        .max_by(|a, b| {
            a.1.len().cmp(&b.1.len()).then(specificity(&a.0).cmp(&specificity(&b.0))).then(a.2.cmp(&b.2)).then(better(
                Rule::CompleteRecent,
                &fields,
                a.3,
                b.3,
                freq,
            ))
        })
        .expect("two spellings");
    let mut all: Vec<&std::rc::Rc<str>> = by.iter().flat_map(|b| b.1.iter()).collect();
    all.sort();
    all.dedup();
    (rep, Some(format!("the spelling most sources write ({} of {} sources), then most complete", sources.len(), all.len())))
}

// The same rule as [`phones`] for a customer with one record, in SQL: a
// mobile number (070/080/090 and 11 digits) is 携帯 whatever its column.
const MOBILE_SQL: &str = concat!(
    "CASE WHEN (length(r.mobile_key) = 11 AND substr(r.mobile_key, 1, 3) IN ('070', '080', '090')) THEN r.mobile ",
    "WHEN (length(r.phone_key) = 11 AND substr(r.phone_key, 1, 3) IN ('070', '080', '090')) THEN r.phone ",
    "WHEN (length(r.phone2_key) = 11 AND substr(r.phone2_key, 1, 3) IN ('070', '080', '090')) THEN r.phone2 END"
);
const PHONE_SQL: &str = concat!(
    "CASE WHEN r.phone IS NOT NULL AND NOT (length(r.phone_key) = 11 AND substr(r.phone_key, 1, 3) IN ('070', '080', '090')) THEN r.phone ",
    "WHEN r.phone2 IS NOT NULL AND NOT (length(r.phone2_key) = 11 AND substr(r.phone2_key, 1, 3) IN ('070', '080', '090')) THEN r.phone2 ",
    "WHEN r.mobile IS NOT NULL AND NOT (length(r.mobile_key) = 11 AND substr(r.mobile_key, 1, 3) IN ('070', '080', '090')) THEN r.mobile END"
);

fn phone2_sql() -> String {
    // Whatever number is left: a second mobile, or a second landline.
    format!(
        "CASE WHEN r.phone2 IS NOT NULL AND r.phone2 IS NOT ({m}) AND r.phone2 IS NOT ({p}) THEN r.phone2 \
         WHEN r.phone IS NOT NULL AND r.phone IS NOT ({m}) AND r.phone IS NOT ({p}) THEN r.phone \
         WHEN r.mobile IS NOT NULL AND r.mobile IS NOT ({m}) AND r.mobile IS NOT ({p}) THEN r.mobile END",
        m = MOBILE_SQL,
        p = PHONE_SQL
    )
}

/// Phones by kind, whatever column they came in (a POS's 電話番号 often
/// holds a mobile): 携帯 is the most recent mobile number, 電話 the most
/// recent other number (a landline, an IP phone), 電話2 the most recent
/// number left; never one number twice.
fn phones(batch: &[Row], out: &mut [Option<String>], sources: &mut serde_json::Map<String, serde_json::Value>) {
    let mut order: Vec<&Row> = batch.iter().collect();
    order.sort_by(|a, b| b.date.cmp(&a.date).then(b.priority.cmp(&a.priority)).then(b.id.cmp(&a.id)));
    let mut seen: Vec<(&str, i64, bool)> = Vec::new();
    for r in &order {
        for f in [Field::Mobile, Field::Phone, Field::Phone2] {
            if let Some(v) = r.values[col(f)].as_deref() {
                if !seen.iter().any(|(x, _, _)| *x == v) {
                    seen.push((v, r.id, crate::cleanse::phone::kind_of(v) == Some("mobile")));
                }
            }
        }
    }
    let mut taken: Vec<&str> = Vec::new();
    let mut pick =
        |field: Field, want: Option<bool>, out: &mut [Option<String>], sources: &mut serde_json::Map<String, serde_json::Value>| {
            if let Some((v, id, _)) = seen.iter().find(|(v, _, m)| !taken.contains(v) && want.is_none_or(|w| *m == w)) {
                taken.push(v);
                out[col(field)] = Some(v.to_string());
                sources.insert(field.name().to_string(), serde_json::json!({"record": id, "rule": "most recent of its kind"}));
            } else {
                out[col(field)] = None;
            }
        };
    pick(Field::Mobile, Some(true), out, sources);
    pick(Field::Phone, Some(false), out, sources);
    pick(Field::Phone2, None, out, sources);
}

/// Recomputes the golden records of `customers`, of every customer that
/// has none yet, and drops those of customers merged away. Returns how
/// many were written.
pub fn update(tx: &Transaction, customers: &[i64], full: bool) -> Result<u64> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS golden_todo (customer_id INTEGER PRIMARY KEY);
         DELETE FROM golden_todo;",
    )?;
    {
        let mut st = tx.prepare("INSERT OR IGNORE INTO golden_todo VALUES (?1)")?;
        for c in customers {
            st.execute([c])?;
        }
    }
    if full {
        // After a dedup run: every customer is looked at.
        tx.execute_batch(
            "DELETE FROM golden WHERE customer_id IN (SELECT id FROM customers WHERE merged_into IS NOT NULL)
                OR customer_id NOT IN (SELECT customer_id FROM records WHERE status = 'active' AND customer_id IS NOT NULL);
             INSERT OR IGNORE INTO golden_todo
                SELECT DISTINCT customer_id FROM records r WHERE status = 'active' AND customer_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM golden g WHERE g.customer_id = r.customer_id);",
        )?;
    } else {
        // After an unmerge or a review: only the customers it touched.
        tx.execute_batch(
            "DELETE FROM golden WHERE customer_id IN (SELECT customer_id FROM golden_todo)
                AND (customer_id IN (SELECT id FROM customers WHERE merged_into IS NOT NULL)
                     OR NOT EXISTS (SELECT 1 FROM records r WHERE r.customer_id = golden.customer_id AND r.status = 'active'));",
        )?;
    }
    // Customers with one record (most of them, before and after a merge)
    // are that record: written by SQLite alone, in record order.
    let names: Vec<&str> = RECORD_FIELDS.iter().map(|f| f.name()).collect();
    let single = format!(
        "CREATE TEMP TABLE IF NOT EXISTS golden_single (customer_id INTEGER PRIMARY KEY, record_id INTEGER NOT NULL);
         DELETE FROM golden_single;
         INSERT INTO golden_single
            SELECT r.customer_id, min(r.id) FROM records r
            WHERE r.status = 'active' AND {plus}r.customer_id IN (SELECT customer_id FROM golden_todo)
            GROUP BY {plus}r.customer_id HAVING count(*) = 1;
         INSERT OR REPLACE INTO golden (customer_id, {cols}, records, last_seen, sources, numbers)
            SELECT r.customer_id, {rcols}, 1,
                   nullif(max(coalesce((SELECT max(date) FROM events e WHERE e.record_id = r.id), ''), coalesce(r.first_visit, '')), ''),
                   json_object('*', json_object('record', r.id, 'rule', 'the only record')),
                   CASE WHEN r.customer_no IS NOT NULL THEN json_object(i.source, json_array(r.customer_no)) END
            FROM golden_single s JOIN records r ON r.id = s.record_id JOIN imports i ON i.id = r.import_id ORDER BY s.record_id;
         DELETE FROM golden_todo WHERE customer_id IN (SELECT customer_id FROM golden_single);",
        cols = names.join(", "),
        rcols = names
            .iter()
            .map(|n| match *n {
                "mobile" => MOBILE_SQL.to_string(),
                "phone" => PHONE_SQL.to_string(),
                "phone2" => phone2_sql(),
                n => format!("r.{n}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        // `+` keeps SQLite off the customer index for a whole-table pass.
        plus = if full { "+" } else { "" }
    );
    tx.execute_batch(&single)?;
    let singles: i64 = tx.query_row("SELECT count(*) FROM golden_single", [], |r| r.get(0))?;
    // Source priority per import.
    let mut priority: HashMap<i64, i64> = HashMap::new();
    let mut source_of: HashMap<i64, std::rc::Rc<str>> = HashMap::new();
    {
        let mut st = tx.prepare("SELECT id, source FROM imports")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        let mut by_source: HashMap<String, i64> = HashMap::new();
        for (id, source) in rows {
            let p = *by_source.entry(source.clone()).or_insert_with(|| super::load::source_priority(tx, &source));
            priority.insert(id, p);
            source_of.insert(id, std::rc::Rc::from(source.as_str()));
        }
    }
    let cols: Vec<String> = RECORD_FIELDS.iter().map(|f| format!("r.{}", f.name())).collect();
    let todo: i64 = tx.query_row("SELECT count(*) FROM golden_todo", [], |r| r.get(0))?;
    let live: i64 = tx.query_row("SELECT count(*) FROM customers WHERE merged_into IS NULL", [], |r| r.get(0))?;
    // A few customers: through the customer index. Many: one pass over the
    // records table in file order, sorted afterwards (`+` keeps SQLite off
    // the index, whose order would read the table's pages at random).
    let sql = if todo * 20 < live {
        format!(
            "SELECT r.customer_id, r.id, r.import_id,
                    max(coalesce((SELECT max(date) FROM events e WHERE e.record_id = r.id), ''), coalesce(r.first_visit, '')),
                    coalesce(r.edited_at, ''),
                    {}
             FROM golden_todo t JOIN records r ON r.customer_id = t.customer_id
             WHERE r.status = 'active' ORDER BY r.customer_id, r.id",
            cols.join(", ")
        )
    } else {
        format!(
            "SELECT r.customer_id, r.id, r.import_id,
                    max(coalesce((SELECT max(date) FROM events e WHERE e.record_id = r.id), ''), coalesce(r.first_visit, '')),
                    coalesce(r.edited_at, ''),
                    {}
             FROM records r
             WHERE r.status = 'active' AND +r.customer_id IN (SELECT customer_id FROM golden_todo)
             ORDER BY +r.customer_id, r.id",
            cols.join(", ")
        )
    };
    let insert = format!(
        "INSERT OR REPLACE INTO golden (customer_id, {}, records, last_seen, sources, numbers) VALUES (?1, {}, ?{}, ?{}, ?{}, ?{})",
        names.join(", "),
        (2..2 + names.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", "),
        2 + names.len(),
        3 + names.len(),
        4 + names.len(),
        5 + names.len()
    );
    let mut ins = tx.prepare(&insert)?;
    let mut st = tx.prepare(&sql)?;
    let mut rows = st.query([])?;
    let mut written = singles as u64;
    let mut current: Option<i64> = None;
    let mut batch: Vec<Row> = Vec::new();
    let groups = groups();
    let mut flush = |customer: i64, batch: &mut Vec<Row>| -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut out: Vec<Option<String>> = vec![None; RECORD_FIELDS.len()];
        let mut sources = serde_json::Map::new();
        for (fields, rule) in &groups {
            if out[col(fields[0])].is_some() {
                continue;
            }
            // A postal code or prefecture alone only when no record has an
            // address: never one record's address with another's 〒.
            if fields.len() == 1 && matches!(fields[0], Field::PostalCode | Field::Prefecture) && out[col(Field::Address)].is_some() {
                continue;
            }
            let mut freq: HashMap<&str, usize> = HashMap::new();
            if *rule == Rule::Frequent {
                for r in batch.iter() {
                    if let Some(v) = &r.values[col(fields[0])] {
                        *freq.entry(v.as_str()).or_default() += 1;
                    }
                }
            }
            let mut best = batch.iter().filter(|r| r.values[col(fields[0])].is_some()).max_by(|a, b| better(*rule, fields, a, b, &freq));
            let mut label = rule.label().to_string();
            if let (Some(b), Field::Name) = (best, fields[0]) {
                let (r, voted) = name_spelling(batch, b, &freq);
                best = Some(r);
                if let Some(v) = voted {
                    label = v;
                }
            }
            if let Some(r) = best {
                for f in fields {
                    if out[col(*f)].is_none() && r.values[col(*f)].is_some() {
                        out[col(*f)] = r.values[col(*f)].clone();
                        sources.insert(f.name().to_string(), serde_json::json!({"record": r.id, "rule": label}));
                    }
                }
            }
        }
        phones(batch, &mut out, &mut sources);
        let last_seen = batch.iter().map(|r| r.seen.as_str()).max().filter(|d| !d.is_empty()).map(str::to_string);
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&customer];
        values.extend(out.iter().map(|v| v as &dyn rusqlite::ToSql));
        let n = batch.len() as i64;
        let sources = serde_json::Value::Object(sources).to_string();
        // Each source's own numbers, in record order.
        let mut numbers: Vec<(&str, Vec<&str>)> = Vec::new();
        for r in batch.iter() {
            let Some(no) = r.values[col(Field::CustomerNo)].as_deref() else { continue };
            match numbers.iter_mut().find(|(s, _)| *s == &*r.source) {
                Some((_, nos)) => {
                    if !nos.contains(&no) {
                        nos.push(no);
                    }
                }
                None => numbers.push((&r.source, vec![no])),
            }
        }
        numbers.sort_by(|a, b| a.0.cmp(b.0));
        let numbers = (!numbers.is_empty()).then(|| {
            serde_json::Value::Object(numbers.into_iter().map(|(s, n)| (s.to_string(), serde_json::json!(n))).collect()).to_string()
        });
        values.push(&n);
        values.push(&last_seen);
        values.push(&sources);
        values.push(&numbers);
        ins.execute(values.as_slice())?;
        written += 1;
        batch.clear();
        Ok(())
    };
    while let Some(r) = rows.next()? {
        let customer: i64 = r.get(0)?;
        if current != Some(customer) {
            if let Some(c) = current {
                flush(c, &mut batch)?;
            }
            current = Some(customer);
        }
        let import: i64 = r.get(2)?;
        let (seen, edited): (String, String) = (r.get(3)?, r.get(4)?);
        batch.push(Row {
            id: r.get(1)?,
            priority: priority.get(&import).copied().unwrap_or(0),
            source: source_of.get(&import).cloned().unwrap_or_else(|| std::rc::Rc::from("")),
            date: seen.clone().max(edited),
            seen,
            values: (0..RECORD_FIELDS.len()).map(|i| r.get(5 + i)).collect::<Result<_, _>>()?,
        });
    }
    if let Some(c) = current {
        flush(c, &mut batch)?;
    }
    drop(rows);
    drop(st);
    drop(ins);
    crate::store::golden::apply_pins(tx)?;
    Ok(written)
}
