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

use super::compare::{self, Col};
use super::config::Config;
use super::load::{self, Loaded};
use super::model::{Kind, Model};

/// The model the last dedup run learned (stored with its summary), with
/// value frequencies as the customers stand now; or, when there is none
/// (or it has other levels than this karte's), one learned afresh.
fn model_for(conn: &Connection, l: &Loaded, config: &Config) -> Result<Model> {
    let stored: Option<String> = conn
        .query_row("SELECT summary FROM runs WHERE command = 'dedup' AND status = 'done' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .optional()?
        .flatten();
    let parsed = stored
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|doc| serde_json::from_value::<Model>(doc.get("model")?.clone()).ok())
        .filter(|m| m.probability.iter().all(|p| p.len() == Col::N && Col::ALL.iter().all(|&c| p[c as usize].len() == c.levels().len())));
    if let Some(mut model) = parsed {
        model.tf = super::model::TfTables::build(l, &super::identities(l, config.max_block));
        model.cache_weights();
        return Ok(model);
    }
    let cands = super::block::candidates(l, &config.blocking, config.max_block);
    let cs = super::compare_all(l, &cands.pairs);
    Ok(super::learn(l, config, &cs))
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

/// The values a column's comparison looked at, for display.
fn shown(conn: &Connection, id: i64, c: Col) -> Result<String> {
    let cols = match c {
        Col::Family => "coalesce(family_name, name, '') || CASE WHEN coalesce(family_kana, kana) IS NOT NULL THEN ' (' || coalesce(family_kana, kana) || ')' ELSE '' END",
        Col::Given => "coalesce(given_name, '') || CASE WHEN given_kana IS NOT NULL THEN ' (' || given_kana || ')' ELSE '' END",
        Col::Birth => "coalesce(birth_date, '')",
        Col::Mobile | Col::Landline => "trim(coalesce(phone, '') || ' ' || coalesce(mobile, '') || ' ' || coalesce(phone2, ''))",
        Col::Email => "coalesce(email, '')",
        Col::Address => "trim(coalesce(postal_code, '') || ' ' || coalesce(address, ''))",
        Col::Gender => "coalesce(gender, '')",
        Col::Number => "coalesce(customer_no, '')",
        Col::Staff => "coalesce((SELECT staff FROM events e WHERE e.record_id = records.id AND staff IS NOT NULL GROUP BY staff ORDER BY count(*) DESC, staff LIMIT 1), '')",
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
    let against = s.against;
    let rows: Vec<[String; 11]> = Col::ALL
        .iter()
        .map(|&col| -> Result<[String; 11]> {
            let level = c.get(col);
            let info = col.level(level);
            let none = level == 0;
            let p = |k: Kind| if none { String::new() } else { format!("{:.4}", model.p(k, col, level)) };
            let w = model.weight_against(against, col, &c);
            let tf = w - model.level_weight(against, col, level);
            Ok([
                col.name().to_string(),
                shown(conn, a, col)?,
                shown(conn, b, col)?,
                info.name.to_string(),
                p(Kind::Match),
                p(Kind::Related),
                p(Kind::Contact),
                p(Kind::Namesake),
                p(Kind::Other),
                if none { "0".to_string() } else { format!("{w:+.2}") },
                if none || tf.abs() < 0.005 { String::new() } else { format!("{tf:+.2}") },
            ])
        })
        .collect::<Result<_>>()?;
    let heads =
        ["column", "record A", "record B", "level", "m", "household", "contact", "namesake", "other", "weight", "of which frequency/bound"];
    let width = |i: usize| rows.iter().map(|r| crate::export::width_of(&r[i]) as usize).max().unwrap_or(0).max(heads[i].len());
    let ws: Vec<usize> = (0..11).map(width).collect();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(crate::export::width_of(s) as usize)));
    let line = |r: &[String]| (0..11).map(|i| pad(&r[i], ws[i])).collect::<Vec<_>>().join("  ").trim_end().to_string();
    writeln!(out, "m, household, contact, namesake, other: how often a pair of one person, of a household, of relatives on one phone or e-mail, of namesakes, of other people shows the level")?;
    writeln!(out, "weights against the likelier other kind for this pair: {}", against.name())?;
    writeln!(out, "{}", line(&heads.map(String::from)))?;
    for r in &rows {
        writeln!(out, "{}", line(r))?;
    }
    writeln!(
        out,
        "prior {:+.2} against {}: of the {} candidate pairs, {} ({} EM iterations)",
        model.prior(against),
        against.name(),
        model.pairs,
        Kind::ALL.iter().map(|&k| format!("{:.1} % {}", model.share[k as usize] * 100.0, k.name())).collect::<Vec<_>>().join(", "),
        model.iterations
    )?;
    if c.swapped {
        writeln!(out, "the name's parts are entered the other way round in one record; compared crosswise")?;
    }
    writeln!(out)?;
    let verdict = if s.probability >= config.auto_merge {
        "merge"
    } else if s.probability >= config.review {
        "review"
    } else {
        "separate"
    };
    writeln!(
        out,
        "score {:+.2}, match probability {:.4}: {verdict} by the thresholds (merge at >= {}, review at >= {})",
        s.score, s.probability, config.auto_merge, config.review
    )?;
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

/// The learned model: every column's levels with m, u and weight, and the
/// prior (`karte explain --model`).
pub fn explain_model(conn: &Connection, config: &Config) -> Result<String> {
    let l = load::load(conn)?;
    let model = model_for(conn, &l, config)?;
    let mut out = String::new();
    writeln!(
        out,
        "match model: {} candidate pairs ({} EM iterations): {}",
        model.pairs,
        model.iterations,
        Kind::ALL.iter().map(|&k| format!("{:.2} % {}", model.share[k as usize] * 100.0, k.name())).collect::<Vec<_>>().join(", ")
    )?;
    writeln!(out, "for each level: how often a pair of each kind shows it, and the weight log2(m / p) against each other kind")?;
    writeln!(out, "(against namesakes and other people, agreeing values are further weighed by their frequency among the people)")?;
    for col in Col::ALL {
        writeln!(out)?;
        writeln!(out, "{} ({})", col.name(), col.label_ja())?;
        for (i, info) in col.levels().iter().enumerate().skip(1) {
            let l = i as u8;
            let ps: Vec<String> = Kind::ALL.iter().map(|&k| format!("{:.4}", model.p(k, col, l))).collect();
            let ws: Vec<String> = Kind::OTHERS.iter().map(|&k| format!("{:+6.2}", model.level_weight(k, col, l))).collect();
            writeln!(out, "  {:<46} m/household/contact/namesake/other {}  weight {}", info.name, ps.join(" "), ws.join(" "))?;
        }
    }
    Ok(out)
}

/// The hard constraints, as a table (`karte explain --rules`).
pub fn explain_rules() -> String {
    let mut out = String::from("rules asked before a merge, in order (the first that applies decides):\n");
    for r in super::rules::RULES {
        let outcome = match r.outcome {
            super::rules::Outcome::KeepApart => "kept apart",
            super::rules::Outcome::Review => "sent to review",
        };
        out += &format!("  {:<22} {outcome:<15} {}\n  {:<22} {:<15} {}\n", r.id, r.reason, "", "", r.reason_ja);
    }
    out += "A pair no rule stops is merged at or above auto_merge, sent to review at or above review, and otherwise left apart.\n";
    out
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
