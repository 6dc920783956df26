//! `karte explain`: why two records are one customer, or why not.
//!
//! Prints both records with their origin, each field's level and weight,
//! the prior, the score and probability, the verdict and the rule that
//! decided it, the blocking keys the two share (none: they were never
//! compared), and what actually happened to them: the merge that joined
//! them, a person's decision, or the reason they stayed apart.

use std::fmt::Write as _;

use anyhow::{bail, Result};
use rusqlite::{Connection, OptionalExtension};

use super::compare::{self, F};
use super::load::{self, Loaded};
use super::score::{Config, Model, Verdict};

/// The model a dedup run used (stored with its summary), or a fresh one.
fn model_for(conn: &Connection, l: &Loaded, config: &Config) -> Result<Model> {
    let stored: Option<String> = conn
        .query_row("SELECT summary FROM runs WHERE command = 'dedup' AND status = 'done' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .optional()?
        .flatten();
    if let Some(doc) = stored.and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()) {
        if let (Some(u), Some(prior)) =
            (doc.get("model").and_then(|m| m.get("u")), doc.get("model").and_then(|m| m.get("prior")).and_then(|p| p.as_f64()))
        {
            if let Ok(u) = serde_json::from_value::<Vec<Vec<f64>>>(u.clone()) {
                // A summary from another karte version may have other
                // levels: then the weights are learned afresh.
                if u.len() == F::N && u.iter().zip(F::ALL).all(|(x, f)| x.len() == f.levels().len()) {
                    let u: [Vec<f64>; F::N] = std::array::from_fn(|i| u[i].clone());
                    // Frequencies as the customers stand now.
                    let mut first: std::collections::HashMap<i64, u32> = std::collections::HashMap::new();
                    let groups: Vec<u32> = l.recs.iter().enumerate().map(|(i, r)| *first.entry(r.customer).or_insert(i as u32)).collect();
                    let tf = super::tf_tables(l, &groups);
                    return Ok(Model { config: config.clone(), u, prior, tf });
                }
            }
        }
    }
    let cands = super::block::candidates(l, &config.blocking, config.max_block);
    let cs = super::compare_all(l, &cands.pairs);
    Ok(super::train(l, config, &cands.pairs, Some(&cs)))
}

fn origin(conn: &Connection, id: i64) -> Result<String> {
    let (file, sheet, row): (String, String, i64) = conn
        .query_row("SELECT i.file_name, r.sheet, r.row FROM records r JOIN imports i ON i.id = r.import_id WHERE r.id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or_else(|| anyhow::anyhow!("there is no record {id}"))?;
    Ok(if sheet.is_empty() { format!("{file} row {row}") } else { format!("{file} sheet {sheet} row {row}") })
}

/// The values a field's comparison looked at, for display.
fn shown(conn: &Connection, id: i64, f: F) -> Result<String> {
    let cols = match f {
        F::Name => "coalesce(name, '') || CASE WHEN kana IS NOT NULL THEN ' (' || kana || ')' ELSE '' END",
        F::Birth => "coalesce(birth_date, '')",
        F::Phone => "trim(coalesce(phone, '') || ' ' || coalesce(mobile, '') || ' ' || coalesce(phone2, ''))",
        F::Email => "coalesce(email, '')",
        F::Address => "trim(coalesce(postal_code, '') || ' ' || coalesce(address, ''))",
        F::Gender => "coalesce(gender, '')",
        F::Number => "coalesce(customer_no, '')",
    };
    Ok(conn.query_row(&format!("SELECT {cols} FROM records WHERE id = ?1"), [id], |r| r.get(0))?)
}

/// Explains a pair of records.
pub fn explain_records(conn: &Connection, config: &Config, a: i64, b: i64) -> Result<String> {
    if a == b {
        bail!("give two different records");
    }
    let l = load::load(conn)?;
    let find = |id: i64| -> Result<usize> {
        l.recs.iter().position(|r| r.id == id).ok_or_else(|| {
            let exists: bool =
                conn.query_row("SELECT count(*) FROM records WHERE id = ?1", [id], |r| r.get::<_, i64>(0)).map(|n| n > 0).unwrap_or(false);
            if exists {
                anyhow::anyhow!("record {id} is not active (rejected or skipped at import): it takes no part in dedup")
            } else {
                anyhow::anyhow!("there is no record {id}")
            }
        })
    };
    let (ia, ib) = (find(a)?, find(b)?);
    let model = model_for(conn, &l, config)?;
    let (ra, rb) = (&l.recs[ia], &l.recs[ib]);
    let c = compare::compare(&l, ra, rb);
    let s = model.score(&c);
    let mut out = String::new();
    writeln!(out, "record {a}: {}, customer {}", origin(conn, a)?, ra.customer)?;
    writeln!(out, "record {b}: {}, customer {}", origin(conn, b)?, rb.customer)?;
    writeln!(out)?;
    let rows: Vec<[String; 5]> = F::ALL
        .iter()
        .map(|&f| -> Result<[String; 5]> {
            let w = model.weight(f, &c);
            Ok([
                f.name().to_string(),
                shown(conn, a, f)?,
                shown(conn, b, f)?,
                f.levels()[c.levels[f as usize] as usize].to_string(),
                if c.levels[f as usize] == 0 { "0".to_string() } else { format!("{w:+.2}") },
            ])
        })
        .collect::<Result<_>>()?;
    let width = |i: usize, head: &str| rows.iter().map(|r| crate::export::width_of(&r[i]) as usize).max().unwrap_or(0).max(head.len());
    let heads = ["field", "record A", "record B", "level", "weight"];
    let ws: Vec<usize> = (0..5).map(|i| width(i, heads[i])).collect();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(crate::export::width_of(s) as usize)));
    writeln!(out, "{}", (0..5).map(|i| pad(heads[i], ws[i])).collect::<Vec<_>>().join("  "))?;
    for r in &rows {
        writeln!(out, "{}", (0..5).map(|i| pad(&r[i], ws[i])).collect::<Vec<_>>().join("  "))?;
    }
    writeln!(out, "{}  {:+.2}", pad("prior (how rare a match is among all pairs)", ws[0] + ws[1] + ws[2] + ws[3] + 6), model.prior)?;
    writeln!(out)?;
    writeln!(
        out,
        "score {:+.2}, match probability {:.4}: {} (merge at >= {}, review at >= {})",
        s.score,
        s.probability,
        match s.verdict {
            Verdict::Merge => "merge",
            Verdict::Review => "review",
            Verdict::Separate => "separate",
        },
        config.auto_merge,
        config.review
    )?;
    if let Some(rule) = s.rule {
        writeln!(out, "rule: {rule}")?;
    }
    if c.levels[F::Name as usize] == 1 && c.alone_in_shop && s.rule.is_none() && s.verdict != Verdict::Merge {
        // The rare-name rule was in reach: say why it did not decide.
        let limit = super::score::rare_name_limit(&c);
        let staff = if c.same_staff { ", one stylist on both" } else { "" };
        let why = if c.namesakes >= limit { "too common" } else { "but a field is against (see the levels above)" };
        writeln!(
            out,
            "rare name in one shop: {:.2} namesakes expected by chance (the rule needs under {limit}{staff}), {why}",
            c.namesakes
        )?;
    }
    let keys = super::block::shared_keys(&config.blocking, ra, rb);
    if keys.is_empty() {
        writeln!(out, "blocking: the two share no blocking key, so dedup never compares them")?;
    } else {
        // Sharing a key is not always being paired by it: a customer
        // number's rows are linked in file order, each to the two before it,
        // and the other keys take one row per customer number.
        writeln!(out, "blocking: they share {}", keys.join(", "))?;
        if keys.iter().any(|k| k == "customer_no") {
            writeln!(out, "  (rows of one customer number are compared in file order, each with the two rows before it)")?;
        }
    }
    // What happened.
    let (lo, hi) = (a.min(b), a.max(b));
    let decision: Option<(String, String)> = conn
        .query_row("SELECT decision, decided_by FROM pair_decisions WHERE record_a = ?1 AND record_b = ?2", [lo, hi], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if let Some((d, by)) = decision {
        writeln!(out, "decision: a person decided '{d}' ({by})")?;
    }
    if ra.customer == rb.customer {
        writeln!(out, "outcome: both are customer {}", ra.customer)?;
        let mut st = conn.prepare(
            "SELECT m.id, m.decided_by, m.record_a, m.record_b, m.score, m.probability, m.decided_at FROM merges m
             WHERE m.kind = 'merge' AND m.undone_at IS NULL AND m.customer_id = ?1 AND m.id IN (
                SELECT merge_id FROM merge_moves WHERE record_id IN (?2, ?3)) ORDER BY m.id",
        )?;
        let rows = st.query_map(rusqlite::params![ra.customer, a, b], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<f64>>(4)?,
                r.get::<_, Option<f64>>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        for row in rows {
            let (id, by, x, y, score, p, at) = row?;
            writeln!(
                out,
                "  merge {id} ({by}, {at}): linked by records {} and {}, score {:+.2}, probability {:.4}",
                x.unwrap_or(0),
                y.unwrap_or(0),
                score.unwrap_or(0.0),
                p.unwrap_or(0.0)
            )?;
        }
    } else {
        writeln!(out, "outcome: different customers ({} and {})", ra.customer, rb.customer)?;
        // The reason the run gave, which may be the cluster guard's (the
        // pair alone would merge, but its customers together would not be
        // one person).
        let open: Option<(i64, String)> = conn
            .query_row("SELECT id, reason FROM review_items WHERE record_a = ?1 AND record_b = ?2 AND status = 'open'", [lo, hi], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((item, reason)) = open {
            writeln!(out, "  the pair waits in the review report (item {item}): {reason}")?;
        }
    }
    Ok(out)
}

/// Explains a customer: its records and the merges that made it.
pub fn explain_customer(conn: &Connection, customer: i64) -> Result<String> {
    let mut out = String::new();
    let merged_into: Option<Option<i64>> =
        conn.query_row("SELECT merged_into FROM customers WHERE id = ?1", [customer], |r| r.get(0)).optional()?;
    match merged_into {
        None => bail!("there is no customer {customer}"),
        Some(Some(into)) => writeln!(out, "customer {customer} was merged into customer {into}")?,
        Some(None) => {}
    }
    let mut st = conn.prepare("SELECT record_id, source_file, sheet, row FROM lineage WHERE customer_id = ?1 ORDER BY record_id")?;
    let recs = st
        .query_map([customer], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    writeln!(out, "customer {customer}: {} record(s)", recs.len())?;
    for (id, file, sheet, row) in &recs {
        if sheet.is_empty() {
            writeln!(out, "  record {id}: {file} row {row}")?;
        } else {
            writeln!(out, "  record {id}: {file} sheet {sheet} row {row}")?;
        }
    }
    let mut st = conn.prepare(
        "SELECT id, kind, other_id, record_a, record_b, score, probability, evidence, decided_by, decided_at, undone_at
         FROM merges WHERE customer_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([customer], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, Option<f64>>(5)?,
            r.get::<_, Option<f64>>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, String>(8)?,
            r.get::<_, String>(9)?,
            r.get::<_, Option<String>>(10)?,
        ))
    })?;
    writeln!(out, "merge log:")?;
    let mut any = false;
    for row in rows {
        any = true;
        let (id, kind, other, a, b, score, p, evidence, by, at, undone) = row?;
        let undone = undone.map(|u| format!(" (undone {u})")).unwrap_or_default();
        if kind == "merge" {
            writeln!(
                out,
                "  merge {id}: customer {other} joined ({by}, {at}){undone}: records {} and {}, score {:+.2}, probability {:.4}",
                a.unwrap_or(0),
                b.unwrap_or(0),
                score.unwrap_or(0.0),
                p.unwrap_or(0.0)
            )?;
            if let Some(ev) = evidence.and_then(|e| serde_json::from_str::<serde_json::Value>(&e).ok()) {
                if let Some(fields) = ev.get("fields").and_then(|f| f.as_array()) {
                    let parts: Vec<String> = fields
                        .iter()
                        .filter(|f| f.get("level").and_then(|l| l.as_str()).is_some_and(|l| l != "missing" && l != "not comparable"))
                        .map(|f| {
                            format!(
                                "{} {} {:+.1}",
                                f.get("field").and_then(|x| x.as_str()).unwrap_or(""),
                                f.get("level").and_then(|x| x.as_str()).unwrap_or(""),
                                f.get("weight").and_then(|x| x.as_f64()).unwrap_or(0.0)
                            )
                        })
                        .collect();
                    writeln!(out, "    evidence: {}", parts.join("; "))?;
                }
            }
        } else {
            writeln!(out, "  split {id}: customer {other} taken out ({by}, {at})")?;
        }
    }
    if !any {
        writeln!(out, "  (none: this customer was never merged)")?;
    }
    Ok(out)
}
