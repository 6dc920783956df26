//! Unmerge: undo merges exactly, from the merge log.
//!
//! `unmerge C` undoes every merge into customer C (automatic or reviewed),
//! latest first: each moved record goes back to the customer it came
//! from, the absorbed customers come back to life with their ids, and the
//! linking pair is remembered as "separate" so that no later run merges
//! them again. `unmerge C --record R` takes one record out: it goes back to
//! the customer it was imported as (or, when C is that customer, to a new
//! one), and is remembered as separate from every record left in C.
//! `unmerge C --merge M` undoes that one merge of the log and nothing else:
//! the records it moved go back to the customer it absorbed (with that
//! customer's own earlier merges intact), and the linking pair is
//! remembered as separate. `review forget A B` takes back a person's
//! decision about two records: a 別人 is forgotten, a 統合 is undone like
//! one merge, and the pair may be proposed again.

use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Undone {
    pub merges_undone: u64,
    pub records_moved: u64,
    /// The customers that now hold the records taken out.
    pub customers: Vec<i64>,
}

pub fn unmerge(conn: &mut Connection, customer: i64, record: Option<i64>) -> Result<Undone> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let merged_into: Option<Option<i64>> =
        tx.query_row("SELECT merged_into FROM customers WHERE id = ?1", [customer], |r| r.get(0)).optional()?;
    match merged_into {
        None => bail!("there is no customer {customer}"),
        Some(Some(into)) => bail!("customer {customer} was merged into customer {into}; unmerge {into} instead"),
        Some(None) => {}
    }
    let now = crate::store::now();
    let mut out = Undone::default();
    match record {
        None => {
            let merges: Vec<i64> = {
                let mut st =
                    tx.prepare("SELECT id FROM merges WHERE customer_id = ?1 AND kind = 'merge' AND undone_at IS NULL ORDER BY id DESC")?;
                let rows = st.query_map([customer], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?;
                rows
            };
            if merges.is_empty() {
                bail!("customer {customer} has no merges to undo (it is one source record, or its merges were undone already)");
            }
            let mut restored: Vec<i64> = Vec::new();
            for id in merges {
                let u = undo_one(&tx, id, Some(customer), &now)?;
                // The absorbed customer comes back only if it got records
                // back (its records may have been taken out one by one).
                if u.moved > 0 {
                    restored.push(u.absorbed);
                }
                if let Some((a, b)) = u.link {
                    separate(&tx, a, b, &now)?;
                }
                out.merges_undone += 1;
                out.records_moved += u.moved;
            }
            // Every customer that comes out is remembered as separate from
            // every other (one record each: a separate decision holds through
            // whole customers), so that no chain through other records
            // merges them again.
            let mut parts = vec![customer];
            parts.extend(&restored);
            let mut reps: Vec<i64> = Vec::new();
            for c in &parts {
                let rep: Option<i64> =
                    tx.query_row("SELECT min(id) FROM records WHERE customer_id = ?1 AND status = 'active'", [c], |r| r.get(0))?;
                reps.extend(rep);
            }
            for i in 0..reps.len() {
                for j in i + 1..reps.len() {
                    separate(&tx, reps[i], reps[j], &now)?;
                }
            }
            out.customers = restored;
        }
        Some(r) => {
            let (owner, import): (Option<i64>, i64) = tx
                .query_row("SELECT customer_id, import_id FROM records WHERE id = ?1", [r], |x| Ok((x.get(0)?, x.get(1)?)))
                .optional()?
                .unwrap_or((None, 0));
            if owner != Some(customer) {
                bail!("record {r} does not belong to customer {customer}");
            }
            let others: Vec<i64> = {
                let mut st = tx.prepare("SELECT id FROM records WHERE customer_id = ?1 AND id <> ?2 ORDER BY id")?;
                let rows = st.query_map(params![customer, r], |x| x.get(0))?.collect::<Result<Vec<_>, _>>()?;
                rows
            };
            if others.is_empty() {
                bail!("record {r} is the only record of customer {customer}: there is nothing to take it out of");
            }
            // The customer the record was imported as.
            let origin: Option<i64> = tx
                .query_row("SELECT from_customer FROM merge_moves WHERE record_id = ?1 ORDER BY rowid LIMIT 1", [r], |x| x.get(0))
                .optional()?;
            // Back to the customer it was imported as, when that customer
            // was absorbed into this one and holds nothing else; otherwise
            // a new customer.
            let origin_free = match origin {
                Some(o) if o != customer => {
                    let into: Option<i64> = tx.query_row("SELECT merged_into FROM customers WHERE id = ?1", [o], |x| x.get(0))?;
                    let busy: i64 = tx.query_row(
                        "SELECT (SELECT count(*) FROM records WHERE customer_id = ?1)
                              + (SELECT count(*) FROM merges WHERE customer_id = ?1 AND kind = 'merge' AND undone_at IS NULL)",
                        [o],
                        |x| x.get(0),
                    )?;
                    into == Some(customer) && busy == 0
                }
                _ => false,
            };
            let target = match origin {
                Some(o) if origin_free => {
                    tx.execute("UPDATE customers SET merged_into = NULL WHERE id = ?1", [o])?;
                    o
                }
                _ => {
                    tx.execute("INSERT INTO customers (created_import) VALUES (?1)", [import])?;
                    tx.last_insert_rowid()
                }
            };
            tx.execute(
                "INSERT INTO merges (kind, customer_id, other_id, record_a, decided_by, decided_at) VALUES ('split', ?1, ?2, ?3, 'unmerge', ?4)",
                params![customer, target, r, now],
            )?;
            let split = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO merge_moves (merge_id, record_id, from_customer, to_customer) VALUES (?1, ?2, ?3, ?4)",
                params![split, r, customer, target],
            )?;
            tx.execute("UPDATE records SET customer_id = ?1 WHERE id = ?2", params![target, r])?;
            for o in others {
                separate(&tx, r, o, &now)?;
            }
            out.records_moved = 1;
            out.customers.push(target);
        }
    }
    let mut touched = out.customers.clone();
    touched.push(customer);
    super::golden::update(&tx, &touched, false)?;
    crate::store::bump_generation(&tx)?;
    tx.commit()?;
    Ok(out)
}

/// What undoing one merge did.
struct Undid {
    /// The customer the records left.
    holder: i64,
    /// The customer they went back to (the one the merge absorbed).
    absorbed: i64,
    moved: u64,
    /// The pair of records that linked the merge.
    link: Option<(i64, i64)>,
}

/// Undoes merge `merge` alone: the records it moved that are still in one
/// customer together (`within`, when the caller knows it) go back to the
/// customer it absorbed, which comes back with its id (when it gets
/// records back).
fn undo_one(tx: &rusqlite::Transaction, merge: i64, within: Option<i64>, now: &str) -> Result<Undid> {
    type Logged = (String, i64, Option<i64>, Option<i64>, Option<String>);
    let row: Option<Logged> = tx
        .query_row("SELECT kind, other_id, record_a, record_b, undone_at FROM merges WHERE id = ?1", [merge], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((kind, absorbed, a, b, undone)) = row else { bail!("there is no merge {merge} in the merge log") };
    if kind != "merge" {
        bail!("merge {merge} of the log is a split (an earlier unmerge), not a merge");
    }
    if undone.is_some() {
        bail!("merge {merge} was undone already");
    }
    let holder = match within {
        Some(c) => c,
        None => {
            // Where the moved records are now: later merges may have
            // carried the survivor into another customer.
            let now_in: Vec<i64> = {
                let mut st = tx.prepare(
                    "SELECT DISTINCT r.customer_id FROM merge_moves m JOIN records r ON r.id = m.record_id
                     WHERE m.merge_id = ?1 AND r.customer_id IS NOT NULL ORDER BY 1",
                )?;
                let rows = st.query_map([merge], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?;
                rows
            };
            match now_in.as_slice() {
                [c] if *c != absorbed => *c,
                [] | [_] => {
                    bail!("the records merge {merge} moved are no longer together in another customer (taken out since): nothing to undo")
                }
                _ => bail!(
                    "the records merge {merge} moved are now in customers {}: some were taken out since; unmerge those customers instead",
                    now_in.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
                ),
            }
        }
    };
    // A later merge made through a record this one brought in would be cut
    // in two, its log and any 統合 decision left standing: that one first.
    let later: Option<(i64, i64, i64)> = tx
        .query_row(
            "SELECT n.id, n.record_a, n.record_b FROM merges n
             WHERE n.kind = 'merge' AND n.undone_at IS NULL AND n.id > ?1 AND n.record_a IS NOT NULL AND n.record_b IS NOT NULL
               AND ((n.record_a IN (SELECT record_id FROM merge_moves WHERE merge_id = ?1))
                    <> (n.record_b IN (SELECT record_id FROM merge_moves WHERE merge_id = ?1)))
               AND (SELECT customer_id FROM records WHERE id = n.record_a) = ?2
               AND (SELECT customer_id FROM records WHERE id = n.record_b) = ?2
             ORDER BY n.id DESC LIMIT 1",
            params![merge, holder],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((n, x, y)) = later {
        bail!(
            "merge {n} (records {x} and {y}) was made later through a record merge {merge} brought in; undo merge {n} first (karte unmerge --db DB {holder} --merge {n}, or karte review forget --db DB {x} {y} if a person decided it); nothing was undone"
        );
    }
    tx.execute(
        "INSERT INTO merges (kind, customer_id, other_id, record_a, record_b, decided_by, decided_at) VALUES ('split', ?1, ?2, ?3, ?4, 'unmerge', ?5)",
        params![holder, absorbed, a, b, now],
    )?;
    let split = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO merge_moves (merge_id, record_id, from_customer, to_customer)
         SELECT ?1, m.record_id, ?2, ?3 FROM merge_moves m JOIN records r ON r.id = m.record_id
         WHERE m.merge_id = ?4 AND r.customer_id = ?2",
        params![split, holder, absorbed, merge],
    )?;
    let moved = tx.execute(
        "UPDATE records SET customer_id = ?1 WHERE customer_id = ?2 AND id IN (SELECT record_id FROM merge_moves WHERE merge_id = ?3)",
        params![absorbed, holder, merge],
    )? as u64;
    if moved > 0 {
        tx.execute("UPDATE customers SET merged_into = NULL WHERE id = ?1", [absorbed])?;
    }
    tx.execute("UPDATE merges SET undone_at = ?1, undone_by = ?2 WHERE id = ?3", params![now, split, merge])?;
    Ok(Undid { holder, absorbed, moved, link: a.zip(b) })
}

/// `karte unmerge C --merge M`: merge M alone, which must have joined
/// something into customer C (or into a customer C absorbed later); the
/// linking pair is remembered as separate.
pub fn unmerge_one(conn: &mut Connection, customer: i64, merge: i64) -> Result<Undone> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let now = crate::store::now();
    let u = undo_one(&tx, merge, None, &now)?;
    if u.holder != customer {
        bail!("merge {merge} joined records that are now in customer {}, not {customer}; nothing was undone", u.holder);
    }
    if let Some((a, b)) = u.link {
        separate(&tx, a, b, &now)?;
    }
    super::golden::update(&tx, &[u.holder, u.absorbed], false)?;
    crate::store::bump_generation(&tx)?;
    tx.commit()?;
    Ok(Undone { merges_undone: 1, records_moved: u.moved, customers: vec![u.absorbed] })
}

/// What `review forget` took back.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Forgotten {
    /// The decision that was taken back: "merge" or "separate".
    pub decision: String,
    /// For a 統合: the customers the two records are in now.
    pub customers: Vec<i64>,
    pub records_moved: u64,
}

/// `karte review forget A B`: takes back the decision about records A and
/// B, whether a person made it in a review report or `unmerge` recorded
/// it. A 別人 is deleted; a 統合 is undone as one merge (the two customers
/// it joined come apart again, each with its own earlier merges), with no
/// decision left in its place: the next dedup may ask about the pair again.
pub fn forget(conn: &mut Connection, a: i64, b: i64) -> Result<Forgotten> {
    let (a, b) = (a.min(b), a.max(b));
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let decision: Option<String> =
        tx.query_row("SELECT decision FROM pair_decisions WHERE record_a = ?1 AND record_b = ?2", [a, b], |r| r.get(0)).optional()?;
    let Some(decision) = decision else {
        bail!("no decision about records {a} and {b} is stored (karte explain --db DB {a} {b} shows how dedup sees them)");
    };
    let now = crate::store::now();
    let mut out = Forgotten { decision: decision.clone(), customers: Vec::new(), records_moved: 0 };
    if decision == "merge" {
        let merge: Option<i64> = tx
            .query_row(
                "SELECT id FROM merges WHERE kind = 'merge' AND decided_by = 'review' AND undone_at IS NULL
                 AND ((record_a = ?1 AND record_b = ?2) OR (record_a = ?2 AND record_b = ?1)) ORDER BY id DESC LIMIT 1",
                [a, b],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(m) = merge {
            let u = undo_one(&tx, m, None, &now)?;
            super::golden::update(&tx, &[u.holder, u.absorbed], false)?;
            out.customers = vec![u.holder, u.absorbed];
            out.records_moved = u.moved;
        }
    }
    // The review item the decision closed is done with: the report that
    // carried the decision is out of date (applying it again, or the next
    // karte run finding it, must not make the same decision again). The
    // next dedup asks about the pair afresh if it still looks uncertain.
    tx.execute(
        "UPDATE review_items SET status = 'superseded', decided_at = ?3
         WHERE id = (SELECT review_item FROM pair_decisions WHERE record_a = ?1 AND record_b = ?2) AND status IN ('merged', 'separated')",
        params![a, b, now],
    )?;
    tx.execute("DELETE FROM pair_decisions WHERE record_a = ?1 AND record_b = ?2", [a, b])?;
    crate::store::bump_generation(&tx)?;
    tx.commit()?;
    Ok(out)
}

fn separate(tx: &rusqlite::Transaction, a: i64, b: i64, now: &str) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO pair_decisions (record_a, record_b, decision, decided_by, decided_at) VALUES (?1, ?2, 'separate', 'unmerge', ?3)",
        params![a.min(b), a.max(b), now],
    )?;
    Ok(())
}
