//! Dedup and merge: find the records of one customer across every source,
//! merge the sure ones with their evidence logged, send the uncertain ones
//! to review, and keep a golden record per customer.
//!
//! This module only orchestrates. The stages, each in its own file:
//! [`load`] (active records, keys interned, readings learned) → [`block`]
//! (candidate pairs from several blocking keys) → [`compare`] (a level per
//! column; [`names`] for names in one reading space) → [`model`] (m, u and
//! the match rate learned by EM, term frequency) → [`cluster`] (union-find
//! guarded by the hard constraints of [`rules`]) → [`persist`] (merge log,
//! moves, review items) → [`golden`] records. The review room: [`review`]
//! (the report and applying it), [`undo`], [`explain`].
//!
//! Every reason a pair is merged or kept apart is in two files: the learned
//! weights of [`model`] (what each level is worth, shown by `karte
//! explain`) and the table of [`rules`].
//!
//! Deterministic: the same database and settings give the same merges and
//! customer ids. A cluster keeps the smallest customer id among its
//! records, so a nightly run that adds records keeps existing ids.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod config;
pub mod explain;
pub mod golden;
pub mod load;
pub mod model;
pub mod names;
pub mod persist;
pub mod review;
pub mod rules;
pub mod sample;
pub mod undo;

/// The revision of the matching rules. `karte run` dedups again when it
/// changes, though no data did: an upgraded karte that would merge
/// differently applies itself to yesterday's database. Raise it with any
/// change to which pairs merge.
pub const RULES_REVISION: u32 = 7;

use anyhow::Result;
use rusqlite::Connection;
use serde::Serialize;

use self::block::KeyReport;
use self::cluster::Clusters;
use self::compare::Comparison;
use self::config::Config;
use self::load::Loaded;
use self::model::{Evidence, Model, Scored};
use self::rules::Outcome;
use crate::hash::{FastMap, FastSet};

/// What a dedup run did, in counts only (no personal values).
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub run_id: i64,
    pub records: u64,
    pub customers_before: u64,
    pub customers_after: u64,
    pub candidate_pairs: u64,
    pub blocking: Vec<KeyReport>,
    pub auto_merged_pairs: u64,
    pub merges: u64,
    pub records_moved: u64,
    pub sent_to_review: u64,
    /// Review items beyond `max_review_items`, left out of the report (the
    /// likeliest were kept).
    pub review_left_out: u64,
    /// Pairs at or above the merge threshold that a rule sent to review.
    pub refused_conflict: u64,
    pub kept_apart_by_decision: u64,
    /// Duplicates probably left: over the pairs of customers kept apart
    /// that some candidate pair links, the sum of the best pair's match
    /// probability.
    pub duplicates_left_estimate: f64,
    /// Merges probably wrong: the sum of 1 − p over this run's automatic
    /// merges.
    pub wrong_merges_estimate: f64,
    pub golden_updated: u64,
    pub seconds: f64,
    /// Seconds per stage.
    pub stages: Vec<(String, f64)>,
    /// The learned model (for `karte explain`).
    pub model: Option<Model>,
}

/// A merge to write: the survivor and the absorbed customer, the pair that
/// linked them, and the records that move.
pub(crate) struct MergeOp {
    pub survivor: i64,
    pub absorbed: i64,
    pub pair: (u32, u32),
    pub scored: Scored,
    pub cmp: Comparison,
    pub moved: Vec<u32>,
}

/// An uncertain pair sent to review.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewPair {
    pub record_a: i64,
    pub record_b: i64,
    pub customer_a: i64,
    pub customer_b: i64,
    pub score: f64,
    pub probability: f64,
    pub reason: String,
    pub evidence: Vec<Evidence>,
    /// The review item's id once stored.
    pub item_id: i64,
}

/// What the merge log keeps of a pair's decision.
#[derive(Serialize)]
pub struct EvidenceDoc {
    pub rule: Option<&'static str>,
    pub fields: Vec<Evidence>,
}

pub struct Options {
    pub config: Config,
    /// Decide and count, write nothing.
    pub dry_run: bool,
    /// Where to write every candidate pair with its probability (record
    /// ids only): for calibration benchmarks.
    pub pairs_out: Option<std::path::PathBuf>,
}

/// Compares every candidate pair, on all cores.
pub fn compare_all(l: &Loaded, pairs: &[(u32, u32)]) -> Vec<Comparison> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let chunk = pairs.len().div_ceil(threads).max(1);
    let mut out = vec![Comparison::default(); pairs.len()];
    std::thread::scope(|s| {
        for (ps, outs) in pairs.chunks(chunk).zip(out.chunks_mut(chunk)) {
            s.spawn(move || {
                for (p, o) in ps.iter().zip(outs.iter_mut()) {
                    *o = compare::compare(l, &l.recs[p.0 as usize], &l.recs[p.1 as usize]);
                }
            });
        }
    });
    out
}

/// Random pairs compared to learn what strangers show.
const RANDOM_PAIRS: usize = 200_000;

/// Learns the model of the loaded records from their candidate pairs (see
/// [`model`]), and the frequencies its term-frequency adjustment uses,
/// counted per identity ([`identities`]).
pub fn learn(l: &Loaded, config: &Config, comparisons: &[Comparison]) -> Model {
    let random = compare_all(l, &sample::random_pairs(l.recs.len(), RANDOM_PAIRS));
    let mut model = model::train(config, comparisons, &random, l.recs.len());
    model.tf = model::TfTables::build(l, &identities(l, config.max_block));
    model
}

/// Who is one person for counting how common a value is: records joined
/// where they share what only one person has — a mobile, an e-mail
/// address, a source's customer number, or the name and the birth date.
/// Not by the model's own guesses, nor by the customers as the last run
/// left them: counted by what the model merges, two namesakes would make
/// their name look rarer, and the rarer name merge them; counted by last
/// night's customers, the same data would weigh differently tonight. A
/// value on more than `max_block` records (a shop's placeholder) joins no
/// one.
pub fn identities(l: &Loaded, max_block: usize) -> Vec<u32> {
    let n = l.recs.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn root(p: &mut [u32], mut x: u32) -> u32 {
        while p[x as usize] != x {
            p[x as usize] = p[p[x as usize] as usize];
            x = p[x as usize];
        }
        x
    }
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(n * 2);
    for (i, r) in l.recs.iter().enumerate() {
        let i = i as u32;
        let tag = |kind: u64, v: u64| (kind << 56) | (v & ((1 << 56) - 1));
        keys.extend(r.mobiles.iter().map(|&m| (tag(1, m as u64), i)));
        if r.email != 0 {
            keys.push((tag(2, r.email as u64), i));
        }
        if r.number != 0 {
            keys.push((tag(3, ((r.source as u64) << 32) | r.number as u64), i));
        }
        if r.birth != 0 && r.name != 0 {
            keys.push((tag(4, ((r.name as u64) << 27) ^ r.birth as u64), i));
        }
        if r.birth != 0 && r.reading != 0 {
            keys.push((tag(5, ((r.reading as u64) << 27) ^ r.birth as u64), i));
        }
    }
    keys.sort_unstable();
    for group in keys.chunk_by(|a, b| a.0 == b.0) {
        if group.len() < 2 || group.len() > max_block {
            continue;
        }
        for w in group.windows(2) {
            let (ra, rb) = (root(&mut parent, w[0].1), root(&mut parent, w[1].1));
            parent[rb as usize] = ra;
        }
    }
    (0..n as u32).map(|x| root(&mut parent, x)).collect()
}

/// Runs dedup over the database.
pub fn run(conn: &mut Connection, opts: &Options, progress: &dyn Fn(&str)) -> Result<(Summary, Vec<ReviewPair>)> {
    let started = std::time::Instant::now();
    // A large page cache: the merge writes touch records all over the file.
    conn.execute_batch("PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;")?;
    let config = &opts.config;
    let mut sum = Summary::default();
    let mut clock = std::time::Instant::now();
    let mut lap = |sum: &mut Summary, name: &str| {
        sum.stages.push((name.to_string(), clock.elapsed().as_secs_f64()));
        clock = std::time::Instant::now();
    };
    progress("loading records");
    // What the decisions are based on: if another karte command commits
    // while this one thinks, the write refuses rather than apply stale
    // merges (see `persist::write`).
    let version: i64 = crate::store::generation(conn)?;
    let l = load::load(conn)?;
    sum.records = l.recs.len() as u64;
    let index: FastMap<i64, u32> = l.recs.iter().enumerate().map(|(i, r)| (r.id, i as u32)).collect();
    sum.customers_before = l.recs.iter().map(|r| r.customer).collect::<FastSet<_>>().len() as u64;
    lap(&mut sum, "load");

    progress("blocking");
    let cands = block::candidates(&l, &config.blocking, config.max_block);
    sum.candidate_pairs = cands.pairs.len() as u64;
    sum.blocking = cands.per_key.clone();
    lap(&mut sum, "block");

    progress("comparing");
    let comparisons = compare_all(&l, &cands.pairs);
    lap(&mut sum, "compare");
    progress("learning the model");
    let model = learn(&l, config, &comparisons);
    let scored: Vec<Scored> = comparisons.iter().map(|c| model.score(c)).collect();
    lap(&mut sum, "learn");
    if let Some(path) = &opts.pairs_out {
        persist::write_pairs(path, &l, &cands.pairs, &scored)?;
    }

    progress("clustering");
    let mut clusters = Clusters::new(&l);
    let mut decided: FastSet<(u32, u32)> = FastSet::default();
    for (a, b, d) in persist::decisions(conn)? {
        if let (Some(&ia), Some(&ib)) = (index.get(&a), index.get(&b)) {
            decided.insert((ia.min(ib), ia.max(ib)));
            if d == "separate" {
                clusters.add_separate(ia, ib);
            }
        }
    }
    let mut held: FastSet<(u32, u32)> = FastSet::default();
    for (a, b) in persist::held_pairs(conn, config)? {
        if let (Some(&ia), Some(&ib)) = (index.get(&a), index.get(&b)) {
            held.insert((ia.min(ib), ia.max(ib)));
            clusters.add_held(ia, ib);
        }
    }
    // Best first; ties by record order, so the result never depends on
    // anything but the data.
    let mut order: Vec<usize> =
        (0..cands.pairs.len()).filter(|&i| scored[i].probability >= config.review || held.contains(&cands.pairs[i])).collect();
    order.sort_by(|&x, &y| scored[y].score.total_cmp(&scored[x].score).then(cands.pairs[x].cmp(&cands.pairs[y])));

    let mut ops: Vec<MergeOp> = Vec::new();
    let mut to_review: Vec<(usize, String)> = Vec::new();
    for &i in &order {
        let (a, b) = cands.pairs[i];
        if clusters.find(a) == clusters.find(b) || decided.contains(&(a, b)) {
            continue;
        }
        let s = scored[i];
        let merge = s.probability >= config.auto_merge;
        let rule =
            clusters.check(&l, &model, (config.review, config.auto_merge_contradicting.unwrap_or(0.0)), a, b, held.contains(&(a, b)));
        match rule.map(|r| (r, r.outcome)) {
            Some((_, Outcome::KeepApart)) => {
                sum.kept_apart_by_decision += 1;
                continue;
            }
            Some((r, Outcome::Review)) => {
                if merge {
                    sum.refused_conflict += 1;
                }
                to_review.push((i, r.cite()));
                continue;
            }
            None if !merge => {
                to_review.push((i, rules::SCORE_REASON.to_string()));
                continue;
            }
            None => {}
        }
        let (ca, cb) = (clusters.customer(a), clusters.customer(b));
        let (survivor, absorbed, absorbed_rec) = if ca < cb { (ca, cb, b) } else { (cb, ca, a) };
        let moved = clusters.members(absorbed_rec).to_vec();
        clusters.union(a, b);
        sum.auto_merged_pairs += 1;
        sum.wrong_merges_estimate += 1.0 - s.probability;
        ops.push(MergeOp { survivor, absorbed, pair: (a, b), scored: s, cmp: comparisons[i], moved });
    }
    sum.merges = ops.len() as u64;
    sum.records_moved = ops.iter().map(|o| o.moved.len() as u64).sum();

    // Duplicates probably left: each pair of customers still apart that a
    // candidate pair links, counted once at its best pair's probability.
    let mut best: FastMap<(u32, u32), f64> = FastMap::default();
    for (i, &(a, b)) in cands.pairs.iter().enumerate() {
        let (ra, rb) = (clusters.find(a), clusters.find(b));
        if ra != rb {
            let e = best.entry((ra.min(rb), ra.max(rb))).or_insert(0.0);
            *e = e.max(scored[i].probability);
        }
    }
    let mut left: Vec<f64> = best.into_values().collect();
    left.sort_by(f64::total_cmp);
    sum.duplicates_left_estimate = left.iter().sum();

    // Review: pairs still in two clusters, the best pair per two clusters,
    // the likeliest first.
    let mut review: Vec<ReviewPair> = Vec::new();
    let mut seen: FastSet<(u32, u32)> = FastSet::default();
    to_review.sort_by(|x, y| scored[y.0].score.total_cmp(&scored[x.0].score).then(cands.pairs[x.0].cmp(&cands.pairs[y.0])));
    for (i, why) in to_review {
        let (a, b) = cands.pairs[i];
        let (ra, rb) = (clusters.find(a), clusters.find(b));
        if ra == rb || !seen.insert((ra.min(rb), ra.max(rb))) {
            continue;
        }
        if review.len() >= config.max_review_items {
            sum.review_left_out += 1;
            continue;
        }
        let (ca, cb) = (clusters.customer(a), clusters.customer(b));
        review.push(ReviewPair {
            record_a: l.recs[a as usize].id,
            record_b: l.recs[b as usize].id,
            customer_a: ca,
            customer_b: cb,
            score: scored[i].score,
            probability: scored[i].probability,
            reason: why,
            evidence: model.evidence(&comparisons[i]),
            item_id: 0,
        });
    }
    sum.sent_to_review = review.len() as u64;
    sum.customers_after = sum.customers_before - sum.merges;
    lap(&mut sum, "cluster");

    if opts.dry_run {
        sum.seconds = started.elapsed().as_secs_f64();
        sum.model = Some(model);
        return Ok((sum, review));
    }
    progress("writing");
    persist::write(conn, version, &l, config, model, &ops, &mut review, &mut sum, &mut lap, started)?;
    Ok((sum, review))
}
