//! What golden records keep beyond the survivorship rules: each
//! customer's karte number (`K000123`) and the values a person pinned
//! (`karte golden set`). The SQL for both lives here; the rules that choose
//! a golden value from records are in `dedup::golden`.
//!
//! **Karte numbers** are the customer id written `K000123`: given once,
//! when the customer is created (customers are never deleted, so a number
//! is never reused), never changed by an edit or another night, and free
//! (no column to fill for a million customers). A merge keeps the
//! surviving customer's number (the survivor is the customer with the
//! smallest id: the oldest, lowest number); the absorbed customer keeps its
//! own, which [`customer_ref`] and `karte show` follow to the customer it
//! went into. An unmerge brings an absorbed customer back with its old
//! number; a record split off alone is a new customer and gets a new one.
//!
//! **Pins** are stored per customer and field. A customer's golden record
//! takes its own pins, then those of the customers merged into it for
//! fields it has no pin of its own for (the oldest such customer's first);
//! a pin that lost is kept, and written under the field in `sources`
//! (`overridden`). An unmerge therefore gives each customer its own pins
//! back with nothing to undo.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::mapping::Field;

/// `K000123`: the karte number as people read it.
pub fn karte_no_text(n: i64) -> String {
    format!("K{n:06}")
}

/// Parses `K000123` (any width, `k`, full-width digits) into its number.
fn parse_karte_no(s: &str) -> Option<i64> {
    let s: String =
        s.trim().chars().map(|c| if ('０'..='９').contains(&c) { char::from(b'0' + (c as u32 - '０' as u32) as u8) } else { c }).collect();
    let rest = s.strip_prefix(['K', 'k', 'Ｋ'])?;
    rest.parse().ok()
}

/// The live customer a customer id went into (itself when live); `None`
/// when there is no such customer.
pub fn live_customer(conn: &Connection, id: i64) -> Result<Option<i64>> {
    let mut cur = id;
    for _ in 0..1_000_000 {
        let next: Option<Option<i64>> =
            conn.query_row("SELECT merged_into FROM customers WHERE id = ?1", [cur], |r| r.get(0)).optional()?;
        match next {
            None => return Ok(None),
            Some(None) => return Ok(Some(cur)),
            Some(Some(n)) => cur = n,
        }
    }
    bail!("customer {id}: the merge chain does not end")
}

/// A customer as a person names it: a karte number (`K000123`) or a
/// customer id (`42`). Returns the customer's id (not followed through
/// merges).
pub fn customer_ref(conn: &Connection, s: &str) -> Result<i64> {
    if let Some(n) = parse_karte_no(s) {
        return conn
            .query_row("SELECT id FROM customers WHERE id = ?1", [n], |r| r.get(0))
            .optional()?
            .ok_or_else(|| anyhow::anyhow!("there is no customer with karte number {}", karte_no_text(n)));
    }
    match s.trim().parse::<i64>() {
        Ok(id) => Ok(id),
        Err(_) => bail!("'{s}' is neither a customer id (42) nor a karte number (K000042)"),
    }
}

/// A customer's karte number (its id), when there is such a customer.
pub fn karte_no(conn: &Connection, id: i64) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT id FROM customers WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

/// A pin as stored.
#[derive(Debug, Clone)]
pub struct Pin {
    pub customer: i64,
    pub field: String,
    pub value: String,
    pub raw: String,
    /// Other golden columns the value implies (a name's surname and given
    /// name), as JSON.
    pub derived: Option<String>,
    pub pinned_at: String,
}

/// Pins `value` (already normalised) on `customer`'s `field`, replacing a
/// pin it had there; logged in `pin_log`.
pub fn set_pin(tx: &Transaction, customer: i64, field: Field, value: &str, raw: &str, derived: Option<&str>) -> Result<()> {
    let at = super::now();
    tx.execute(
        "INSERT INTO pins (customer_id, field, value, raw, derived, pinned_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (customer_id, field) DO UPDATE SET value = excluded.value, raw = excluded.raw,
             derived = excluded.derived, pinned_at = excluded.pinned_at",
        params![customer, field.name(), value, raw, derived, at],
    )?;
    tx.execute(
        "INSERT INTO pin_log (customer_id, field, value, action, at) VALUES (?1, ?2, ?3, 'set', ?4)",
        params![customer, field.name(), value, at],
    )?;
    Ok(())
}

/// Takes back every pin of `field` that applies to the live customer
/// `live` (its own, and those of customers merged into it). Returns how
/// many there were.
pub fn unset_pin(tx: &Transaction, live: i64, field: Field) -> Result<usize> {
    let at = super::now();
    let mut n = 0;
    for p in pins(tx)? {
        if p.field == field.name() && live_customer(tx, p.customer)? == Some(live) {
            tx.execute("DELETE FROM pins WHERE customer_id = ?1 AND field = ?2", params![p.customer, p.field])?;
            tx.execute(
                "INSERT INTO pin_log (customer_id, field, value, action, at) VALUES (?1, ?2, NULL, 'unset', ?3)",
                params![p.customer, p.field, at],
            )?;
            n += 1;
        }
    }
    Ok(n)
}

/// Every pin, by customer and field.
pub fn pins(conn: &Connection) -> Result<Vec<Pin>> {
    let mut st = conn.prepare("SELECT customer_id, field, value, raw, derived, pinned_at FROM pins ORDER BY customer_id, field")?;
    let rows = st.query_map([], |r| {
        Ok(Pin { customer: r.get(0)?, field: r.get(1)?, value: r.get(2)?, raw: r.get(3)?, derived: r.get(4)?, pinned_at: r.get(5)? })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The pins live customers' golden records take: (live customer, field)
/// → the winning pin and those it overrode (customers merged into it that
/// had pinned the same field otherwise).
pub type EffectivePins = BTreeMap<(i64, String), (Pin, Vec<Pin>)>;

/// The pins each live customer's golden record takes, by field.
pub fn effective_pins(conn: &Connection) -> Result<EffectivePins> {
    let mut out: EffectivePins = BTreeMap::new();
    // Pins come by customer id: a live customer's own pin is taken first
    // whatever its id, then the oldest merged-in customer's.
    let mut all = pins(conn)?;
    let mut live = Vec::with_capacity(all.len());
    for p in &all {
        live.push(live_customer(conn, p.customer)?);
    }
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| (live[i] != Some(all[i].customer), all[i].customer));
    let mut taken: Vec<Option<Pin>> = all.drain(..).map(Some).collect();
    for i in order {
        let Some(root) = live[i] else { continue };
        let p = taken[i].take().expect("each pin once");
        match out.get_mut(&(root, p.field.clone())) {
            Some((_, lost)) => lost.push(p),
            None => {
                out.insert((root, p.field.clone()), (p, Vec::new()));
            }
        }
    }
    Ok(out)
}

/// Writes every pin over the golden record of the live customer it
/// applies to: the value (and the columns it implies), `sources` (the
/// field → `{"pinned": date}`, with any pin it overrode), and `pinned`.
/// Customers without a golden record are left alone (the next dedup
/// writes theirs, and calls this again).
pub fn apply_pins(tx: &Transaction) -> Result<()> {
    let eff = effective_pins(tx)?;
    let mut pinned: BTreeMap<i64, serde_json::Map<String, serde_json::Value>> = BTreeMap::new();
    for ((root, field), (pin, lost)) in &eff {
        // The column name comes from the field list, never from the data.
        let Some(f) = Field::parse(field).filter(|f| crate::store::RECORD_FIELDS.contains(f)) else { continue };
        let mut source =
            serde_json::json!({"pinned": pin.pinned_at, "customer": pin.customer, "raw": pin.raw, "rule": "pinned by a person"});
        if !lost.is_empty() {
            source["overridden"] =
                lost.iter().map(|l| serde_json::json!({"customer": l.customer, "value": l.value, "pinned": l.pinned_at})).collect();
        }
        let n = tx.execute(
            &format!(
                "UPDATE golden SET {col} = ?2, sources = json_set(sources, '$.{col}', json(?3)) WHERE customer_id = ?1",
                col = f.name()
            ),
            params![root, pin.value, source.to_string()],
        )?;
        if n == 0 {
            continue;
        }
        let derived: serde_json::Map<String, serde_json::Value> =
            pin.derived.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default();
        for (col, v) in derived {
            let Some(g) = Field::parse(&col).filter(|g| crate::store::RECORD_FIELDS.contains(g) && *g != f) else { continue };
            tx.execute(
                &format!("UPDATE golden SET {c} = ?2, sources = json_set(sources, '$.{c}', json(?3)) WHERE customer_id = ?1", c = g.name()),
                params![root, v.as_str(), source.to_string()],
            )?;
        }
        pinned.entry(*root).or_default().insert(f.name().to_string(), serde_json::json!(pin.pinned_at));
    }
    for (root, fields) in pinned {
        tx.execute("UPDATE golden SET pinned = ?2 WHERE customer_id = ?1", params![root, serde_json::Value::Object(fields).to_string()])?;
    }
    Ok(())
}
