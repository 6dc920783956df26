//! What a dedup run reads of people's decisions and writes of its own:
//! the pairs people decided, the pairs the last report still waits on, and
//! one run's merges, moves and review items in one transaction.

use anyhow::{bail, Result};
use rusqlite::{params, Connection};

use super::config::Config;
use super::load::Loaded;
use super::model::{Model, Scored};
use super::{golden, review, EvidenceDoc, MergeOp, ReviewPair, Summary, RULES_REVISION};
use crate::hash::FastMap;

/// The pairs people decided, as record ids.
pub(crate) fn decisions(conn: &Connection) -> Result<Vec<(i64, i64, String)>> {
    let mut st = conn.prepare("SELECT record_a, record_b, decision FROM pair_decisions")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// What the matching was decided under: the rules revision and the
/// settings. Yesterday's review items are held for a person only when
/// tonight's dedup decides under the same.
fn rules_stamp(config: &Config) -> String {
    format!("{RULES_REVISION} {}", serde_json::to_string(config).unwrap_or_default())
}

/// The pairs the last dedup left for a person (open or 保留) whose two
/// records have not changed since, as record ids, when the last dedup
/// decided under the same rules and settings: tonight's run asks about
/// them again whatever the re-estimated weights now say, rather than drop
/// them from the report or merge them with no one deciding (an import
/// changes only what it changed).
pub(crate) fn held_pairs(conn: &Connection, config: &Config) -> Result<Vec<(i64, i64)>> {
    if crate::store::meta_get(conn, "dedup_rules")?.as_deref() != Some(rules_stamp(config).as_str()) {
        return Ok(Vec::new());
    }
    let mut st = conn.prepare(
        "SELECT i.record_a, i.record_b FROM review_items i JOIN runs r ON r.id = i.run_id
         WHERE i.status IN ('open', 'undecided') AND i.run_id = (SELECT max(run_id) FROM review_items)
           AND NOT EXISTS (SELECT 1 FROM record_history h WHERE h.record_id IN (i.record_a, i.record_b)
                           AND julianday(h.changed_at) >= julianday(r.started_at))",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Writes a dedup run's decisions in one transaction, under a rollback
/// journal when there are many merges (WAL would write every new page twice;
/// atomic all the same, and back to WAL afterwards whatever happens), with
/// the per-row foreign-key checks off: every id written comes from the
/// database itself, in the same transaction, and checking hundreds of
/// thousands of them one by one proves nothing and costs seconds.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write(
    conn: &mut Connection,
    version: i64,
    l: &Loaded,
    config: &Config,
    model: Model,
    ops: &[MergeOp],
    review: &mut [ReviewPair],
    sum: &mut Summary,
    lap: &mut dyn FnMut(&mut Summary, &str),
    started: std::time::Instant,
) -> Result<()> {
    let bulk = ops.len() >= 10_000 && {
        let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        mode == "delete"
    };
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = write_tx(conn, version, l, config, model, ops, review, sum, lap, started);
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    if bulk {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if mode != "wal" {
            bail!("could not switch the database back to WAL (journal mode is {mode})");
        }
    }
    result
}

/// The transaction of [`write`].
#[allow(clippy::too_many_arguments)]
fn write_tx(
    conn: &mut Connection,
    version: i64,
    l: &Loaded,
    config: &Config,
    model: Model,
    ops: &[MergeOp],
    review: &mut [ReviewPair],
    sum: &mut Summary,
    lap: &mut dyn FnMut(&mut Summary, &str),
    started: std::time::Instant,
) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let now_version: i64 = crate::store::generation(&tx)?;
    if now_version != version {
        bail!(
            "the database changed while dedup was deciding (another karte command wrote to it); nothing was written: run karte dedup again"
        );
    }
    let run_id = {
        tx.execute(
            "INSERT INTO runs (command, started_at, karte_version) VALUES ('dedup', ?1, ?2)",
            params![crate::store::now(), env!("CARGO_PKG_VERSION")],
        )?;
        tx.last_insert_rowid()
    };
    sum.run_id = run_id;
    let now = crate::store::now();
    let mut touched: Vec<i64> = Vec::new();
    {
        let mut merge_st = tx.prepare(
            "INSERT INTO merges (run_id, kind, customer_id, other_id, record_a, record_b, score, probability, evidence, decided_by, decided_at)
             VALUES (?1, 'merge', ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'auto', ?9)",
        )?;
        let mut move_st =
            tx.prepare("INSERT INTO merge_moves (merge_id, record_id, from_customer, to_customer) VALUES (?1, ?2, ?3, ?4)")?;
        let mut rec_st = tx.prepare("UPDATE records SET customer_id = ?1 WHERE id = ?2")?;
        // Each record's final customer, written once, in record order (the
        // pages of the records table are then read and written once each).
        let mut last: FastMap<u32, i64> = FastMap::default();
        for op in ops {
            let fields: Vec<super::model::Evidence> = model
                .evidence(&op.cmp)
                .into_iter()
                .filter(|e| e.level != "missing" && e.level != "not comparable")
                .map(|e| super::model::Evidence { weight: (e.weight * 100.0).round() / 100.0, ..e })
                .collect();
            let evidence = serde_json::to_string(&EvidenceDoc { rule: None, fields })?;
            merge_st.execute(params![
                run_id,
                op.survivor,
                op.absorbed,
                l.recs[op.pair.0 as usize].id,
                l.recs[op.pair.1 as usize].id,
                op.scored.score,
                op.scored.probability,
                evidence,
                now
            ])?;
            let merge_id = tx.last_insert_rowid();
            for &m in &op.moved {
                let id = l.recs[m as usize].id;
                move_st.execute(params![merge_id, id, op.absorbed, op.survivor])?;
                last.insert(m, op.survivor);
            }
            touched.push(op.survivor);
        }
        // Absorbed customers point at the customer that took them in.
        tx.execute(
            "UPDATE customers SET merged_into = m.customer_id FROM merges m
             WHERE m.run_id = ?1 AND m.kind = 'merge' AND m.other_id = customers.id",
            [run_id],
        )?;
        let mut finals: Vec<(i64, i64)> = last.into_iter().map(|(m, c)| (l.recs[m as usize].id, c)).collect();
        finals.sort_unstable();
        for (id, c) in finals {
            rec_st.execute(params![c, id])?;
        }
    }
    review::store_items(&tx, run_id, review, &now)?;
    touched.sort_unstable();
    touched.dedup();
    lap(sum, "write");
    sum.golden_updated = golden::update(&tx, &touched, true)?;
    lap(sum, "golden");
    sum.seconds = started.elapsed().as_secs_f64();
    tx.execute(
        "UPDATE runs SET finished_at = ?1, status = 'done', summary = ?2 WHERE id = ?3",
        params![crate::store::now(), serde_json::to_string(&*sum)?, run_id],
    )?;
    let generation = crate::store::bump_generation(&tx)?;
    crate::store::meta_set(&tx, "dedup_generation", &generation.to_string())?;
    crate::store::meta_set(&tx, "dedup_rules", &rules_stamp(config))?;
    crate::fault::point("dedup:before-commit");
    tx.commit()?;
    crate::fault::point("dedup:after-commit");
    Ok(())
}

/// Writes every candidate pair with its match probability, by record id
/// (no personal values): `record_a,record_b,probability`.
pub(crate) fn write_pairs(path: &std::path::Path, l: &Loaded, pairs: &[(u32, u32)], scored: &[Scored]) -> Result<()> {
    use std::io::Write;
    let file = crate::fsx::create(path).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    writeln!(w, "record_a,record_b,probability")?;
    for (&(a, b), s) in pairs.iter().zip(scored) {
        writeln!(w, "{},{},{:.6}", l.recs[a as usize].id, l.recs[b as usize].id, s.probability)?;
    }
    w.flush()?;
    Ok(())
}
