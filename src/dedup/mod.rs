//! Dedup and merge: find the records of one customer across every source,
//! merge the sure ones with their evidence logged, send the uncertain ones
//! to review, and keep a golden record per customer.
//!
//! The stages: [`load`] (active records, keys interned) → [`block`]
//! (candidate pairs from several blocking keys) → [`compare`] (a level per
//! field) → [`score`] (Fellegi–Sunter weights, term frequency, rules) →
//! [`cluster`] (union-find guarded against chaining) → the database (merge
//! log, moves, review items) → [`golden`] records.
//!
//! Deterministic: the same database and settings give the same merges and
//! customer ids. A cluster keeps the smallest customer id among its
//! records, so a nightly run that adds records keeps existing ids.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod explain;
pub mod golden;
pub mod load;
pub mod review;
pub mod score;
pub mod undo;

/// The revision of the matching rules. `karte run` dedups again when it
/// changes, though no data did: an upgraded karte that would merge
/// differently applies itself to yesterday's database. Raise it with any
/// change to which pairs merge.
pub const RULES_REVISION: u32 = 5;

use std::collections::{HashMap, HashSet};

use anyhow::{bail, Result};
use rusqlite::{params, Connection};
use serde::Serialize;

use self::block::KeyReport;
use self::cluster::{Clusters, Refusal};
use self::compare::{Comparison, F};
use self::load::Loaded;
use self::score::{Config, Model, Scored, Verdict};

/// FxHash (the Rust compiler's hasher): matching hashes millions of small
/// integers and short keys, where SipHash's resistance to crafted input
/// buys nothing and costs a third of the loading time.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.add(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

impl Fx {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

pub type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;
pub type FastSet<K> = HashSet<K, std::hash::BuildHasherDefault<Fx>>;

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
    pub separated_by_rule: u64,
    pub refused_conflict: u64,
    pub kept_apart_by_decision: u64,
    pub golden_updated: u64,
    pub seconds: f64,
    /// Seconds per stage: loading, blocking, comparing (and training),
    /// clustering, writing.
    pub stages: Vec<(String, f64)>,
    /// The weights used: u per field and level, and the prior (for
    /// `karte explain`).
    pub model: Option<ModelDoc>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct ModelDoc {
    pub u: Vec<Vec<f64>>,
    pub prior: f64,
}

/// A merge to write: the survivor and the absorbed customer, the pair that
/// linked them, and the records that move.
struct MergeOp {
    survivor: i64,
    absorbed: i64,
    pair: (u32, u32),
    scored: Scored,
    cmp: Comparison,
    moved: Vec<u32>,
}

/// A small deterministic generator (xorshift64*), for random pairs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Builds the model for the loaded records.
///
/// u comes from random pairs. In a small file, random pairs include a
/// noticeable share of true duplicates (120 people in 450 records: about
/// one random pair in a hundred), which would make agreement look common;
/// so the observed level shares are corrected for the match rate λ:
/// u = (observed − λ·m) / (1 − λ). λ itself starts from the candidate pairs
/// that agree on a name and a personal fact, and is re-estimated from the
/// expected matches among the candidates (a few rounds of EM on λ and u,
/// with m held at the config's values).
pub fn train(l: &Loaded, config: &Config, pairs: &[(u32, u32)], comparisons: Option<&[Comparison]>) -> Model {
    let n = l.recs.len();
    let mut obs: [Vec<f64>; F::N] = F::ALL.map(|f| vec![0.0; f.levels().len()]);
    if n >= 2 {
        let mut rng = Rng::new(0x006b_6172_7465);
        let draws = config.random_pairs.min(n * (n - 1) / 2).max(1);
        for _ in 0..draws {
            let a = rng.below(n);
            let mut b = rng.below(n - 1);
            if b >= a {
                b += 1;
            }
            let c = compare::compare(l, &l.recs[a], &l.recs[b]);
            for f in F::ALL {
                obs[f as usize][c.levels[f as usize] as usize] += 1.0;
            }
        }
    }
    let total = ((n as f64) * (n as f64 - 1.0) / 2.0).max(1.0);
    let sure = match comparisons {
        Some(cs) => cs.iter().filter(|c| is_sure(c)).count(),
        None => pairs.len() / 4,
    };
    let mut lambda = ((sure.max(1) as f64) / total).min(0.5);
    let mut model = model_at(config, &obs, lambda);
    fn root(p: &mut [u32], mut x: u32) -> u32 {
        while p[x as usize] != x {
            p[x as usize] = p[p[x as usize] as usize];
            x = p[x as usize];
        }
        x
    }
    // Provisional clusters, for the frequencies: by customer until the
    // likely matches are known.
    let mut parent: Vec<u32> = (0..n as u32).collect();
    {
        let mut first: FastMap<i64, u32> = FastMap::default();
        for (i, r) in l.recs.iter().enumerate() {
            let f = *first.entry(r.customer).or_insert(i as u32);
            parent[i] = f;
        }
    }
    if let Some(cs) = comparisons {
        // Until the frequencies are known a score depends on the levels
        // only: score each distinct pattern of levels once.
        let mut patterns: HashMap<([u8; F::N], bool), u32> = HashMap::new();
        let pattern_of: Vec<u32> = cs
            .iter()
            .map(|c| {
                let next = patterns.len() as u32;
                *patterns.entry((c.levels, c.given_differs)).or_insert(next)
            })
            .collect();
        let mut by_id: Vec<Comparison> = vec![Comparison::default(); patterns.len()];
        for (&(levels, given_differs), &id) in &patterns {
            by_id[id as usize] = Comparison { levels, given_differs, ..Comparison::default() };
        }
        for _ in 0..6 {
            let likely: Vec<bool> = by_id.iter().map(|c| model.score(c).probability >= 0.5).collect();
            // The pairs one person makes are more than the candidate pairs
            // (a POS customer's rows are chained, not paired all with all):
            // count the pairs inside the clusters the likely matches form.
            parent = (0..n as u32).collect();
            for (&p, &(a, b)) in pattern_of.iter().zip(pairs) {
                if likely[p as usize] {
                    let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                    parent[ra as usize] = rb;
                }
            }
            let mut sizes: Vec<u32> = vec![0; n];
            for x in 0..n as u32 {
                sizes[root(&mut parent, x) as usize] += 1;
            }
            let within: f64 = sizes.iter().map(|&k| k as f64 * (k as f64 - 1.0) / 2.0).sum();
            let next = (within.max(1.0) / total).clamp(1e-12, 0.5);
            if (next / lambda - 1.0).abs() < 0.01 {
                break;
            }
            lambda = next;
            model = model_at(config, &obs, lambda);
        }
    }
    let groups: Vec<u32> = (0..n as u32).map(|x| root(&mut parent, x)).collect();
    model.tf = tf_tables(l, &groups);
    model
}

/// Value frequencies counted once per cluster (`groups[i]` is record i's):
/// one person's many records do not make their own name common.
pub fn tf_tables(l: &Loaded, groups: &[u32]) -> score::TfTables {
    let clusters = {
        let mut g = groups.to_vec();
        g.sort_unstable();
        g.dedup();
        g.len()
    };
    let build = |f: &dyn Fn(&load::Rec, &mut Vec<u32>)| {
        let mut pairs = Vec::with_capacity(l.recs.len());
        let mut buf = Vec::new();
        for (r, &g) in l.recs.iter().zip(groups) {
            buf.clear();
            f(r, &mut buf);
            pairs.extend(buf.iter().map(|&s| (s, g)));
        }
        score::TfTable::build(pairs, clusters)
    };
    score::TfTables {
        names: build(&|r, b| b.push(r.name)),
        readings: build(&|r, b| b.push(r.reading)),
        phones: build(&|r, b| b.extend(r.mobiles.iter().chain(&r.landlines))),
        emails: build(&|r, b| b.push(r.email)),
        addresses: build(&|r, b| b.push(r.address)),
    }
}

fn model_at(config: &Config, obs: &[Vec<f64>; F::N], lambda: f64) -> Model {
    let u: [Vec<f64>; F::N] = std::array::from_fn(|fi| {
        let f = F::ALL[fi];
        let c = &obs[fi];
        let seen: f64 = c[1..].iter().sum();
        let m = config.m_of(f);
        // A level never seen among random pairs is rare, not impossible;
        // and the correction may take at most nine tenths of what was
        // observed (m is a default, not a measurement).
        let floor = 0.5 / (seen + 1.0);
        let mut u: Vec<f64> = (0..c.len())
            .map(|lvl| {
                if lvl == 0 || seen == 0.0 {
                    return 1.0;
                }
                let observed = c[lvl] / seen;
                ((observed - lambda * m[lvl - 1]) / (1.0 - lambda)).max(observed * 0.1).max(floor)
            })
            .collect();
        let sum: f64 = u[1..].iter().sum();
        for x in u[1..].iter_mut() {
            *x /= sum;
        }
        u[0] = 1.0;
        u
    });
    Model { config: config.clone(), u, prior: (lambda / (1.0 - lambda)).log2(), tf: score::TfTables::default() }
}

/// A pair that agrees on the name and on a personal fact (birth date,
/// mobile, e-mail).
fn is_sure(c: &Comparison) -> bool {
    c.levels[F::Name as usize] == 1
        && (c.levels[F::Birth as usize] == 1 || c.levels[F::Phone as usize] == 1 || c.levels[F::Email as usize] == 1)
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

/// The pairs people decided, as record ids.
fn decisions(conn: &Connection) -> Result<Vec<(i64, i64, String)>> {
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
fn held_pairs(conn: &Connection, config: &Config) -> Result<Vec<(i64, i64)>> {
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

/// The reason given to a pair held from the last report.
pub const HELD: &str = "waited in the last review report, and neither record changed since";

pub struct Options {
    pub config: Config,
    /// Decide and count, write nothing.
    pub dry_run: bool,
}

/// Runs dedup over the database.
pub fn run(conn: &mut Connection, opts: &Options, progress: &dyn Fn(&str)) -> Result<(Summary, Vec<ReviewPair>)> {
    let started = std::time::Instant::now();
    // A large page cache: the merge writes touch records all over the file.
    conn.execute_batch("PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;")?;
    let mut sum = Summary::default();
    let mut clock = std::time::Instant::now();
    let mut lap = |sum: &mut Summary, name: &str| {
        sum.stages.push((name.to_string(), clock.elapsed().as_secs_f64()));
        clock = std::time::Instant::now();
    };
    progress("loading records");
    // What the decisions are based on: if another karte command commits
    // while this one thinks, the write below refuses rather than apply
    // stale merges. Every karte command that changes data raises the
    // database's generation in its transaction. (SQLite's data_version is
    // no such witness: it also moves when this process's own connections
    // commit, or the WAL is checkpointed as the journal mode changes, and
    // failed the first `karte run` of a 50,000-person corpus.)
    let version: i64 = crate::store::generation(conn)?;
    let l = load::load(conn)?;
    sum.records = l.recs.len() as u64;
    let index: FastMap<i64, u32> = l.recs.iter().enumerate().map(|(i, r)| (r.id, i as u32)).collect();
    sum.customers_before = l.recs.iter().map(|r| r.customer).collect::<FastSet<_>>().len() as u64;

    lap(&mut sum, "load");
    progress("blocking");
    let cands = block::candidates(&l, &opts.config.blocking, opts.config.max_block);
    sum.candidate_pairs = cands.pairs.len() as u64;
    sum.blocking = cands.per_key.clone();

    lap(&mut sum, "block");
    progress("comparing");
    let comparisons = compare_all(&l, &cands.pairs);
    let model = train(&l, &opts.config, &cands.pairs, Some(&comparisons));
    let scored: Vec<Scored> = comparisons.iter().map(|c| model.score(c)).collect();
    sum.model = Some(ModelDoc { u: model.u.to_vec(), prior: model.prior });

    lap(&mut sum, "compare");
    progress("clustering");
    let mut clusters = Clusters::new(&l);
    let mut decided: FastSet<(u32, u32)> = FastSet::default();
    for (a, b, d) in decisions(conn)? {
        if let (Some(&ia), Some(&ib)) = (index.get(&a), index.get(&b)) {
            decided.insert((ia.min(ib), ia.max(ib)));
            if d == "separate" {
                clusters.add_separate(ia, ib);
            }
        }
    }
    let mut held: FastSet<(u32, u32)> = FastSet::default();
    for (a, b) in held_pairs(conn, &opts.config)? {
        if let (Some(&ia), Some(&ib)) = (index.get(&a), index.get(&b)) {
            held.insert((ia.min(ib), ia.max(ib)));
        }
    }
    // Best first; ties by record order, so the result never depends on
    // anything but the data.
    let mut order: Vec<usize> =
        (0..cands.pairs.len()).filter(|&i| scored[i].verdict != Verdict::Separate || held.contains(&cands.pairs[i])).collect();
    order.sort_by(|&x, &y| scored[y].score.total_cmp(&scored[x].score).then(cands.pairs[x].cmp(&cands.pairs[y])));
    sum.separated_by_rule = scored.iter().filter(|s| s.rule.is_some() && s.verdict == Verdict::Separate).count() as u64;

    let mut ops: Vec<MergeOp> = Vec::new();
    let mut to_review: Vec<(usize, &'static str)> = Vec::new();
    for &i in &order {
        let (a, b) = cands.pairs[i];
        if clusters.find(a) == clusters.find(b) || decided.contains(&(a, b)) {
            continue;
        }
        let s = &scored[i];
        match clusters.check(&l, a, b) {
            Err(Refusal::Separated) => {
                sum.kept_apart_by_decision += 1;
                continue;
            }
            Err(Refusal::Conflict(why)) => {
                if s.verdict == Verdict::Merge {
                    sum.refused_conflict += 1;
                }
                to_review.push((i, why));
                continue;
            }
            Ok(()) => {}
        }
        // A pair held from the last report keeps its own reason when it has
        // one (a family's warning must reach the person).
        if s.verdict == Verdict::Review {
            to_review.push((i, s.rule.unwrap_or("score between the review and merge thresholds")));
            continue;
        }
        if held.contains(&(a, b)) {
            to_review.push((i, HELD));
            continue;
        }
        let (ca, cb) = (clusters.customer(a), clusters.customer(b));
        let (survivor, absorbed, absorbed_rec) = if ca < cb { (ca, cb, b) } else { (cb, ca, a) };
        let moved = clusters.members(absorbed_rec).to_vec();
        clusters.union(&l.tables, a, b);
        sum.auto_merged_pairs += 1;
        ops.push(MergeOp { survivor, absorbed, pair: (a, b), scored: s.clone(), cmp: comparisons[i], moved });
    }
    sum.merges = ops.len() as u64;
    sum.records_moved = ops.iter().map(|o| o.moved.len() as u64).sum();

    // Review: pairs still in two clusters, the best pair per two clusters.
    let mut review: Vec<ReviewPair> = Vec::new();
    let mut seen: FastSet<(u32, u32)> = FastSet::default();
    for (i, why) in to_review {
        let (a, b) = cands.pairs[i];
        let (ra, rb) = (clusters.find(a), clusters.find(b));
        if ra == rb || !seen.insert((ra.min(rb), ra.max(rb))) {
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
            reason: why.to_string(),
            evidence: model.evidence(&comparisons[i]),
            item_id: 0,
        });
    }
    sum.sent_to_review = review.len() as u64;
    sum.customers_after = sum.customers_before - sum.merges;

    if opts.dry_run {
        sum.seconds = started.elapsed().as_secs_f64();
        return Ok((sum, review));
    }
    lap(&mut sum, "cluster");
    progress("writing");
    // Many merges: write under a rollback journal, as a large import does
    // (WAL would write every new page twice); atomic all the same, and
    // back to WAL afterwards whatever happens.
    let bulk = ops.len() >= 10_000 && {
        let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        mode == "delete"
    };
    // Every id written below comes from the database itself, in the same
    // transaction: checking hundreds of thousands of foreign keys one by one
    // proves nothing and costs seconds. Checks are back on right after.
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = write(conn, version, &l, &model, &ops, &mut review, &mut sum, &mut lap, started);
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    if bulk {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if mode != "wal" {
            anyhow::bail!("could not switch the database back to WAL (journal mode is {mode})");
        }
    }
    result?;
    Ok((sum, review))
}

/// Writes a dedup run's decisions in one transaction.
#[allow(clippy::too_many_arguments)]
fn write(
    conn: &mut Connection,
    version: i64,
    l: &Loaded,
    model: &Model,
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
            let fields: Vec<score::Evidence> = model
                .evidence(&op.cmp)
                .into_iter()
                .filter(|e| e.level != "missing" && e.level != "not comparable")
                .map(|e| score::Evidence { weight: (e.weight * 100.0).round() / 100.0, ..e })
                .collect();
            let evidence = serde_json::to_string(&EvidenceDoc { rule: op.scored.rule, fields })?;
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
    crate::store::meta_set(&tx, "dedup_rules", &rules_stamp(&model.config))?;
    crate::fault::point("dedup:before-commit");
    tx.commit()?;
    crate::fault::point("dedup:after-commit");
    Ok(())
}

#[derive(Serialize)]
pub struct EvidenceDoc {
    pub rule: Option<&'static str>,
    pub fields: Vec<score::Evidence>,
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
    pub evidence: Vec<score::Evidence>,
    /// The review item's id once stored.
    pub item_id: i64,
}
