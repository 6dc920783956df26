//! The match model, learned from the data it is given.
//!
//! A candidate pair is one of five kinds: one person (M); two related
//! people who share a place (a household — one surname, one address, one
//! landline — or twins); relatives on one phone or e-mail (a parent's
//! mobile on a child's booking); namesakes (one name, two people); other
//! people (strangers who share a block key: a postal code and a birth
//! date). Each kind has its own probability for every level of every column
//! (`compare::Col::levels`), and its share of the candidate pairs; all of
//! them are estimated from the data by expectation–maximisation, each
//! distinct pattern of levels once with its count.
//!
//! Why not two kinds: counted as independent facts, a household's shared
//! surname, address and landline add up to more than a person's own name
//! and birth date, and a two-kind model merges families (what Splink does
//! to them). Within each kind the columns are much closer to independent:
//! relatives share a place and differ in given name and birth date;
//! namesakes share a name and little else; others share what brought them
//! together. A data set without households (FEBRL) simply learns related
//! kinds that almost never occur.
//!
//! A pair's match probability is P(M | levels) = 1 / (1 + Σ_K 2^-odds(M
//! against K)). Its evidence, column by column, is the weight log2(m / p_K)
//! against the likelier other kind — additive, so `explain`, the merge log
//! and the review report can show it. Against other people a level's
//! weight is bounded by its polarity (agreement never counts against a
//! match, disagreement never for it); against namesakes it is not (an
//! agreeing common name is what namesakes have), and against relatives it
//! is as learned.
//!
//! Training starts from an anchor: first, as Splink does, the other kinds
//! are taken to look like random pairs of records (strangers) and the match
//! rate is a share of all pairs of records; m is estimated with that held,
//! which fixes which kind is the matches whatever their share of the
//! candidate pairs (FEBRL's are most; a store's a third). Priors (the level
//! tables' m, and what the anchor took for the other kinds) weigh as a
//! number of pairs, so a store of a few hundred records leans on them and a
//! large one on its own data.
//!
//! Term frequency: against the other kind, an agreeing value's weight is
//! scaled by how common the value is among the data's people (佐藤 says
//! less than 勅使河原, a shop's own phone number nothing), counted once per
//! provisional person so that one customer's forty receipts do not make
//! their own name common. Against relatives it is not: a family shares its
//! surname and address however rare they are.
//!
//! Deterministic: patterns are processed in sorted order, so the same data
//! gives the same weights to the last bit.

use serde::{Deserialize, Serialize};

use super::compare::{Col, Comparison, NumberLevel, Polarity, Tf, READING_TAG};
use super::config::Config;
use super::load::{Loaded, Rec};
use super::names::NameLevel;
use crate::hash::FastMap;

/// The kinds of candidate pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Match = 0,
    /// A household: one surname, one address or landline.
    Related = 1,
    /// A parent's mobile or e-mail on a child's booking (or a spouse's):
    /// relatives who share a way to be reached, not a place.
    Contact = 2,
    Namesake = 3,
    Other = 4,
}

/// How many kinds of pair.
pub const KINDS: usize = 5;

impl Kind {
    pub const ALL: [Kind; KINDS] = [Kind::Match, Kind::Related, Kind::Contact, Kind::Namesake, Kind::Other];
    /// The kinds a match is weighed against.
    pub const OTHERS: [Kind; KINDS - 1] = [Kind::Related, Kind::Contact, Kind::Namesake, Kind::Other];
    pub fn name(self) -> &'static str {
        match self {
            Kind::Match => "one person",
            Kind::Related => "related people (a household, twins)",
            Kind::Contact => "relatives on one phone or e-mail (a parent's on a child's booking)",
            Kind::Namesake => "namesakes (one name, two people)",
            Kind::Other => "other people (strangers who share a block key)",
        }
    }
    pub fn name_ja(self) -> &'static str {
        match self {
            Kind::Match => "同一人物",
            Kind::Related => "家族・同居人",
            Kind::Contact => "家族の連絡先（親の携帯で子の予約など）",
            Kind::Namesake => "同姓同名の別人",
            Kind::Other => "その他の別人",
        }
    }
}

/// A learned model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// The share of each kind among the candidate pairs.
    pub share: [f64; KINDS],
    /// probability[kind][column][level]; level 0 unused.
    pub probability: [Vec<Vec<f64>>; KINDS],
    /// EM iterations until the estimates settled.
    pub iterations: u32,
    /// Candidate pairs the model was trained on.
    pub pairs: u64,
    /// Value frequencies for the term-frequency adjustment.
    #[serde(skip)]
    pub tf: TfTables,
    /// log2(m / p) per kind, column and level ([`Model::cache_weights`]):
    /// scoring millions of pairs takes no logarithm.
    #[serde(skip)]
    weights: Vec<f64>,
}

/// Levels per column at most (the weight cache's stride).
const MAX_LEVELS: usize = 10;

/// One column's contribution to a score.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evidence {
    pub field: String,
    pub level: String,
    pub weight: f64,
}

/// A pair's score.
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    /// log2 odds of one person.
    pub score: f64,
    pub probability: f64,
    /// The likelier of the two other kinds: the evidence is weighed
    /// against it.
    pub against: Kind,
}

/// The most a value's frequency moves a weight, in bits (a value carried
/// by one person among many common ones, or by half the shop).
const TF_MAX_UP: f64 = 8.0;
const TF_MAX_DOWN: f64 = 12.0;

fn bound(polarity: Polarity, w: f64) -> f64 {
    match polarity {
        Polarity::Agree => w.max(0.0),
        Polarity::Disagree => w.min(0.0),
        Polarity::None => 0.0,
    }
}

impl Model {
    /// m: how often one person's two records show the level.
    pub fn m(&self, c: Col, level: u8) -> f64 {
        self.probability[0][c as usize][level as usize]
    }

    /// How often a pair of the kind shows the level.
    pub fn p(&self, k: Kind, c: Col, level: u8) -> f64 {
        self.probability[k as usize][c as usize][level as usize]
    }

    /// The share of matches among the candidate pairs.
    pub fn lambda(&self) -> f64 {
        self.share[0]
    }

    /// log2 prior odds of one person against the kind.
    pub fn prior(&self, against: Kind) -> f64 {
        (self.share[0] / self.share[against as usize]).log2()
    }

    /// log2(m / p_kind) of a level, before term frequency and the polarity
    /// bound (0 for a missing value: nothing compared, no evidence).
    pub fn level_weight(&self, against: Kind, c: Col, level: u8) -> f64 {
        if level == 0 {
            return 0.0;
        }
        if let Some(w) = self.weights.get(((against as usize * Col::N) + c as usize) * MAX_LEVELS + level as usize) {
            return *w;
        }
        (self.m(c, level) / self.p(against, c, level)).log2()
    }

    /// Computes every level's weight once (after training, or after a
    /// stored model is read).
    pub fn cache_weights(&mut self) {
        self.weights = vec![0.0; KINDS * Col::N * MAX_LEVELS];
        for k in Kind::ALL {
            for c in Col::ALL {
                for l in 1..c.levels().len() {
                    self.weights[((k as usize * Col::N) + c as usize) * MAX_LEVELS + l] =
                        (self.m(c, l as u8) / self.p(k, c, l as u8)).log2();
                }
            }
        }
    }

    /// The weight of one column of a comparison against a kind: the level's
    /// weight, scaled (against other people) by the agreeing value's
    /// frequency, bounded by the level's polarity.
    pub fn weight_against(&self, against: Kind, c: Col, cmp: &Comparison) -> f64 {
        let level = cmp.get(c);
        let info = c.level(level);
        let mut w = self.level_weight(against, c, level);
        let sym = cmp.tf[c as usize];
        if matches!(against, Kind::Related | Kind::Contact) {
            // Against relatives the weights are as learned: a shared
            // landline or address is what a household has more often than
            // a person's two records do (a person's records share a mobile).
            return if info.polarity == Polarity::None { 0.0 } else { w };
        }
        if sym != 0 {
            w += self.tf.adjustment(c, info.tf, sym);
        }
        if against == Kind::Namesake {
            // Namesakes agree on the name by what they are: an agreeing
            // name says "one person" only as far as the name is rare, and
            // a common one, or one written the way namesakes' records are
            // (kana against kanji), counts against. Unbounded, or a common
            // name with nothing else in common is taken for one person
            // three times too often.
            return if info.polarity == Polarity::None { 0.0 } else { w };
        }
        bound(info.polarity, w)
    }

    /// log2 odds of one person against a kind.
    fn odds_against(&self, against: Kind, cmp: &Comparison) -> f64 {
        self.prior(against) + Col::ALL.iter().map(|&c| self.weight_against(against, c, cmp)).sum::<f64>()
    }

    pub fn score(&self, cmp: &Comparison) -> Scored {
        // P(M) = 1 / (1 + Σ K/M) over the other kinds K.
        let mut against = Kind::Other;
        let (mut worst, mut rest) = (f64::INFINITY, 1.0);
        for k in Kind::OTHERS {
            let odds = self.odds_against(k, cmp);
            rest += (-odds).exp2();
            if odds < worst {
                (worst, against) = (odds, k);
            }
        }
        let probability = 1.0 / rest;
        let score = if probability >= 1.0 { worst } else { (probability / (1.0 - probability)).log2().clamp(-1e3, 1e3) };
        Scored { score, probability, against }
    }

    /// The weight of one column against the pair's likelier other kind.
    pub fn weight(&self, c: Col, cmp: &Comparison) -> f64 {
        self.weight_against(self.score(cmp).against, c, cmp)
    }

    /// Each column's level and weight against the pair's likelier other
    /// kind, for the merge log, the review report and `explain`.
    pub fn evidence(&self, cmp: &Comparison) -> Vec<Evidence> {
        let against = self.score(cmp).against;
        Col::ALL
            .iter()
            .map(|&c| Evidence {
                field: c.name().to_string(),
                level: c.level(cmp.get(c)).name.to_string(),
                weight: self.weight_against(against, c, cmp),
            })
            .collect()
    }
}

/// The probability of log2 odds.
pub fn probability(score: f64) -> f64 {
    1.0 / (1.0 + (-score).exp2())
}

/// Distributions over levels: [column][level].
type Dist = Vec<Vec<f64>>;

/// Learns the model from the candidate pairs' comparisons; `random` are
/// comparisons of random pairs of the `records` (strangers, for the
/// anchor).
pub fn train(config: &Config, comparisons: &[Comparison], random: &[Comparison], records: usize) -> Model {
    let patterns = patterns_of(comparisons);
    let debug = std::env::var_os("KARTE_DEBUG_EM").is_some();
    let strangers = shares(random.iter().map(|c| (&c.levels, 1.0)), &uniform());
    let total: f64 = patterns.iter().map(|p| p.1).sum();
    // 1. The anchor: strangers' u, the match rate among all pairs.
    let all_pairs = ((records as f64) * (records as f64 - 1.0) / 2.0).max(total).max(1.0);
    let sure_n: f64 = patterns.iter().filter(|p| sure(&p.0)).map(|p| p.1).sum();
    let prior_m: Dist = Col::ALL.iter().map(|&c| config.m_prior(c)).collect();
    let mut lambda = (sure_n.max(1.0) / all_pairs).clamp(1e-12, 0.5);
    let mut m = prior_m.clone();
    let mut first = 0;
    for it in 0..config.em_iterations {
        first = it + 1;
        let w: Vec<f64> = patterns
            .iter()
            .map(|(p, _)| {
                let odds = (lambda / (1.0 - lambda)).ln() + bounded_sum(&m, &strangers, p);
                1.0 / (1.0 + (-odds).exp())
            })
            .collect();
        let matches: f64 = w.iter().zip(&patterns).map(|(w, p)| w * p.1).sum();
        let next_m = estimate(w.iter().zip(&patterns).map(|(w, (p, n))| (p, w * n)), &prior_m, config.prior_strength);
        let next_lambda = ((matches + 1.0) / (all_pairs + 2.0)).clamp(1e-12, 0.5);
        let change = max_change(&m, &next_m).max((next_lambda - lambda).abs() / lambda);
        (m, lambda) = (next_m, next_lambda);
        if change < 1e-6 {
            break;
        }
    }
    // 2. The three kinds, starting from the anchor's view of each pattern:
    // its match probability, and the rest split between relatives (the
    // surname and a place or contact agree) and others.
    let anchor_w: Vec<f64> =
        patterns.iter().map(|(p, _)| 1.0 / (1.0 + (-((lambda / (1.0 - lambda)).ln() + bounded_sum(&m, &strangers, p))).exp())).collect();
    let mut resp: Vec<[f64; KINDS]> = anchor_w
        .iter()
        .zip(&patterns)
        .map(|(&w, (p, _))| {
            // A given name is a person's own: two that clearly differ start
            // as two people unless the birth dates say one (FEBRL replaces
            // given names; a child's booking on a parent's phone and e-mail
            // carries the child's name). EM moves them where the data says.
            let given_differs = p[Col::Given as usize] == NameLevel::Different as u8 && !matches!(p[Col::Birth as usize], 1 | 2);
            let w = if given_differs { w * 0.05 } else { w };
            // The rest starts as relatives where the surname and a place or
            // contact agree, as namesakes where the whole name agrees, else
            // as other people.
            let mut r = [w, 0.0, 0.0, 0.0, 0.0];
            let k = if looks_contact(p) {
                Kind::Contact
            } else if looks_related(p) {
                Kind::Related
            } else if looks_namesake(p) {
                Kind::Namesake
            } else {
                Kind::Other
            };
            r[k as usize] = (1.0 - w) * 0.9;
            for other in Kind::OTHERS.iter().filter(|&&o| o != k) {
                r[*other as usize] = (1.0 - w) * 0.05;
            }
            r
        })
        .collect();
    let start_kind = |k: Kind| estimate(resp.iter().zip(&patterns).map(|(r, (p, n))| (p, r[k as usize] * n)), &strangers, 1.0);
    let (mut start_r, mut start_c, start_n, start_o) =
        (start_kind(Kind::Related), start_kind(Kind::Contact), start_kind(Kind::Namesake), start_kind(Kind::Other));
    // Related people are two people: whatever else a household shares, its
    // members' given names and birth dates differ (twins share the birth
    // date), and so do their customer numbers (a family card aside). Held
    // firmly (below), so that the related kind cannot become a second kind
    // of match (a person's kana receipts against their kanji ledger).
    // Their two numbers fall into the two kinds of difference as the
    // strangers' numbers do (as the data's sources are made up).
    let diff = &strangers[Col::Number as usize];
    let (rep, once) = (diff[NumberLevel::Different as usize], diff[NumberLevel::DifferentRows as usize]);
    let part = if rep + once > 0.0 { rep / (rep + once) } else { 0.5 };
    let related_number = [RELATED_SAME_NUMBER, (1.0 - RELATED_SAME_NUMBER) * part, (1.0 - RELATED_SAME_NUMBER) * (1.0 - part)];
    for (col, shape) in [(Col::Given, &RELATED_GIVEN[..]), (Col::Birth, &RELATED_BIRTH[..]), (Col::Number, &related_number[..])] {
        start_r[col as usize][1..].copy_from_slice(shape);
        start_c[col as usize][1..].copy_from_slice(shape);
    }
    let priors = [prior_m, start_r, start_c, start_n, start_o];
    let strengths =
        [config.prior_strength, config.u_prior_strength, config.u_prior_strength, config.u_prior_strength, config.u_prior_strength];
    let firm = (total * 0.5).max(config.u_prior_strength);
    let mut model = Model {
        share: [0.0; KINDS],
        probability: [m, priors[1].clone(), priors[2].clone(), priors[3].clone(), priors[4].clone()],
        iterations: 0,
        pairs: comparisons.len() as u64,
        tf: TfTables::default(),
        weights: Vec::new(),
    };
    let mut second = 0;
    for it in 0..config.em_iterations {
        second = it + 1;
        // M step from the responsibilities, then E step.
        let mut share = [0.0; KINDS];
        for (r, (_, n)) in resp.iter().zip(&patterns) {
            for k in 0..KINDS {
                share[k] += r[k] * n;
            }
        }
        // Every kind of two people is given some pairs' worth of share
        // before the data speaks: a small store whose candidate pairs hold
        // no namesakes has not shown that namesakes never occur.
        let pseudo = |k: usize| if k == 0 { 1.0 } else { config.kind_prior_strength };
        let all = total + (0..KINDS).map(pseudo).sum::<f64>();
        let share: [f64; KINDS] = std::array::from_fn(|k| ((share[k] + pseudo(k)) / all).clamp(1e-9, 1.0));
        // Relatives' given names agree as rarely in every script, so the
        // little agreement they show is spread over exact, variant,
        // kana-against-kanji and lent readings as one person's agreement is
        // (a store whose receipts are in kana compares most names across
        // scripts, for relatives as for one person).
        let related_given = related_given_shape(&model.probability[0][Col::Given as usize]);
        let next: [Dist; KINDS] = std::array::from_fn(|k| {
            let mut d = estimate(resp.iter().zip(&patterns).map(|(r, (p, n))| (p, r[k] * n)), &priors[k], strengths[k]);
            // Held firmly: related people's given names and birth dates
            // (they are two people); other people's customer numbers, phones
            // and e-mail addresses, which they share only by chance (a
            // shop's placeholder number is weighed by its frequency). Without
            // that, rows with nothing but a member code to compare are as
            // likely other people as one person, as far as EM can tell.
            let firm_cols: &[Col] = match k {
                // A person's two records name the person: their given names
                // rarely differ clearly. Held firmly, or the matches take in
                // a parent's mobile on each child's receipt (at a million
                // records EM finds that a better fit than relatives who share
                // a phone).
                0 => &[Col::Given],
                1 | 2 => &[Col::Given, Col::Birth, Col::Number],
                // Namesakes and other people share a home and its landline
                // by chance only, whatever brought them together (else EM
                // takes a person's kanji ledger row and kana receipt on one
                // landline for namesakes, and FEBRL's records with a
                // replaced surname, the same given name, birth date and
                // address, for a second kind of strangers: recall 0.79
                // instead of 0.92 on FEBRL3 without soc_sec_id).
                // Namesakes share their birth date by chance too: one name
                // is no reason for one birthday (else EM takes a person who
                // moved and changed phones, name and birth date agreeing, for
                // namesakes, and weighs a birth date against a match).
                3 => &[Col::Number, Col::Mobile, Col::Email, Col::Landline, Col::Address, Col::Birth],
                4 => &[Col::Number, Col::Mobile, Col::Email, Col::Landline, Col::Address],
                _ => &[],
            };
            for &col in firm_cols {
                let prior = match (k, col) {
                    (3 | 4, _) => &strangers[col as usize],
                    (1 | 2, Col::Given) => &related_given,
                    _ => &priors[k][col as usize],
                };
                d[col as usize] = estimate_column(col, resp.iter().zip(&patterns).map(|(r, (p, n))| (p, r[k] * n)), prior, firm);
            }
            if k != 0 {
                // Pairs of two people agree at least as often as strangers
                // do: no agreement is rarer among them than by chance. Save
                // relatives' given names, which agree less often than
                // strangers' (a family does not give two children one
                // name); floored, a kanji ledger row and a kana receipt of
                // one person on one mobile stayed under the merge threshold
                // at 50,000 records.
                for (ci, c) in Col::ALL.iter().enumerate() {
                    if matches!(k, 1 | 2) && *c == Col::Given {
                        continue;
                    }
                    for (l, info) in c.levels().iter().enumerate().skip(1) {
                        if info.polarity == Polarity::Agree {
                            d[ci][l] = d[ci][l].max(strangers[ci][l]);
                        }
                    }
                    normalise(&mut d[ci]);
                }
            }
            d
        });
        let change =
            (0..KINDS).map(|k| max_change(&model.probability[k], &next[k]).max((share[k] - model.share[k]).abs())).fold(0.0, f64::max);
        model.share = share;
        model.probability = next;
        model.cache_weights();
        resp = patterns
            .iter()
            .map(|(p, _)| {
                let cmp = Comparison { levels: *p, ..Comparison::default() };
                // Relative to M: M = 1, K = 2^-odds(M against K).
                let mut r = [1.0; KINDS];
                for k in Kind::OTHERS {
                    r[k as usize] = (-model.odds_against(k, &cmp)).exp2();
                }
                let z: f64 = r.iter().sum();
                r.map(|x| x / z)
            })
            .collect();
        if change < 1e-7 {
            break;
        }
    }
    model.iterations = first + second;
    if debug {
        eprintln!("anchor: λ {lambda:.3e} of all pairs after {first} iterations; kinds after {second}: shares {:?}", model.share);
    }
    model
}

/// Σ over a pattern's columns of log(m/u), each bounded by its polarity.
fn bounded_sum(m: &Dist, u: &Dist, p: &[u8; Col::N]) -> f64 {
    Col::ALL
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let l = p[ci] as usize;
            if l == 0 {
                0.0
            } else {
                bound(c.levels()[l].polarity, (m[ci][l] / u[ci][l]).ln())
            }
        })
        .sum()
}

/// Level shares over weighted patterns, with `prior` as pseudo-counts of
/// total `strength` (plus a hundredth of a pair per level, so that no level
/// is impossible).
fn estimate<'a>(weighted: impl Iterator<Item = (&'a [u8; Col::N], f64)>, prior: &Dist, strength: f64) -> Dist {
    let mut counts: Dist = Col::ALL.iter().map(|&c| vec![0.0; c.levels().len()]).collect();
    for (p, w) in weighted {
        for (ci, &l) in p.iter().enumerate() {
            if l != 0 {
                counts[ci][l as usize] += w;
            }
        }
    }
    for (ci, col) in counts.iter_mut().enumerate() {
        for (l, x) in col.iter_mut().enumerate().skip(1) {
            *x += strength * prior[ci][l] + 0.01;
        }
        normalise(col);
    }
    counts
}

/// One column's level shares over weighted patterns, with a prior of
/// total `strength`.
fn estimate_column<'a>(col: Col, weighted: impl Iterator<Item = (&'a [u8; Col::N], f64)>, prior: &[f64], strength: f64) -> Vec<f64> {
    let ci = col as usize;
    let mut v = vec![0.0; col.levels().len()];
    for (p, w) in weighted {
        if p[ci] != 0 {
            v[p[ci] as usize] += w;
        }
    }
    for (l, x) in v.iter_mut().enumerate().skip(1) {
        *x += strength * prior[l] + 0.01;
    }
    normalise(&mut v);
    v
}

/// The given names of related people (levels after "missing"): different,
/// now and then alike or perhaps sounding alike (美紀/実紀, no readings),
/// rarely one reading written in two spellings (0.4 %: a family does not
/// give two of its members one name), never one name.
const RELATED_GIVEN: [f64; 9] = [0.002, 0.002, 0.002, 0.005, 0.01, 0.004, 0.02, 0.03, 0.925];
/// [`RELATED_GIVEN`] with its kana-against-kanji agreement scaled to its exact agreement as one person's are (`m`): how
/// often a store's comparisons cross scripts is the store's, not a kind's.
fn related_given_shape(m: &[f64]) -> Vec<f64> {
    let mut shape = vec![0.0; NameLevel::ALL.len()];
    shape[1..].copy_from_slice(&RELATED_GIVEN);
    let exact = m.get(NameLevel::Exact as usize).copied().unwrap_or(0.0);
    if exact > 0.0 {
        // (A lent reading is a guess: a brother's kana receipt agrees with
        // it as often as the table says, whatever the script mix.)
        let l = NameLevel::Kana as usize;
        let share = m.get(l).copied().unwrap_or(0.0) / exact;
        shape[l] = (shape[NameLevel::Exact as usize] * share).clamp(1e-6, shape[l]);
    }
    normalise(&mut shape);
    shape
}

/// Their customer numbers in one source: different, rarely one family
/// card (two given names under one number go to a person by the rules
/// table, whatever the weights). At 0.01, a POS row with nothing but a
/// member code fell under the merge threshold wherever households are a
/// third of the candidate pairs.
const RELATED_SAME_NUMBER: f64 = 0.002;
/// Their birth dates: different, the same for twins.
const RELATED_BIRTH: [f64; 4] = [0.03, 0.004, 0.001, 0.965];

/// Level shares of weighted patterns, smoothed by half a pair per level.
fn shares<'a>(weighted: impl Iterator<Item = (&'a [u8; Col::N], f64)>, even: &Dist) -> Dist {
    let mut d = estimate(weighted, even, 0.0);
    for col in d.iter_mut() {
        normalise(col);
    }
    d
}

/// Every level of every column equally likely.
fn uniform() -> Dist {
    Col::ALL
        .iter()
        .map(|&c| {
            let mut v = vec![1.0; c.levels().len()];
            normalise(&mut v);
            v
        })
        .collect()
}

fn max_change(a: &Dist, b: &Dist) -> f64 {
    a.iter().zip(b).flat_map(|(x, y)| x.iter().zip(y).skip(1).map(|(p, q)| (p - q).abs())).fold(0.0, f64::max)
}

/// Each distinct pattern of levels once, with its count, in sorted order.
fn patterns_of(comparisons: &[Comparison]) -> Vec<([u8; Col::N], f64)> {
    let mut counts: FastMap<[u8; Col::N], u64> = FastMap::default();
    for c in comparisons {
        *counts.entry(c.levels).or_default() += 1;
    }
    let mut patterns: Vec<([u8; Col::N], f64)> = counts.into_iter().map(|(p, n)| (p, n as f64)).collect();
    patterns.sort_unstable_by_key(|p| p.0);
    patterns
}

/// Pairs that agree on both name parts and a personal fact: the start of
/// the estimate of λ.
fn sure(p: &[u8; Col::N]) -> bool {
    let agrees = |c: Col| name_is(p, c, &[NameLevel::Exact, NameLevel::Variant, NameLevel::Kana]);
    agrees(Col::Family)
        && agrees(Col::Given)
        && (p[Col::Birth as usize] == 1 || p[Col::Mobile as usize] == 1 || p[Col::Email as usize] == 1)
}

/// The pattern's level of a name column is one of these.
fn name_is(p: &[u8; Col::N], c: Col, levels: &[NameLevel]) -> bool {
    levels.iter().any(|&l| p[c as usize] == l as u8)
}

/// The start of the namesake kind: both name parts agree.
fn looks_namesake(p: &[u8; Col::N]) -> bool {
    let alike = |c: Col| p[c as usize] != NameLevel::Missing as u8 && p[c as usize] <= NameLevel::HomophoneGuess as u8;
    alike(Col::Family) && alike(Col::Given)
}

/// The start of the kind of relatives on one contact: the given names
/// differ, a mobile or an e-mail address is shared, and no place is.
fn looks_contact(p: &[u8; Col::N]) -> bool {
    p[Col::Given as usize] == NameLevel::Different as u8
        && (p[Col::Mobile as usize] == 1 || p[Col::Email as usize] == 1)
        && !matches!(p[Col::Address as usize], 1..=3)
        && p[Col::Landline as usize] != 1
}

/// The start of the related kind: the surname agrees, and so does a
/// place or a way to reach them (an address, a phone, an e-mail).
fn looks_related(p: &[u8; Col::N]) -> bool {
    let family = p[Col::Family as usize] != NameLevel::Missing as u8 && p[Col::Family as usize] <= NameLevel::KanaLoose as u8;
    let place = matches!(p[Col::Address as usize], 1..=3)
        || p[Col::Mobile as usize] == 1
        || p[Col::Landline as usize] == 1
        || matches!(p[Col::Email as usize], 1 | 2);
    family && place
}

/// Scales a column's levels after "missing" to sum to one (level 0, the
/// share of pairs missing the column, is left as it is).
fn normalise(v: &mut [f64]) {
    let sum: f64 = v[1..].iter().sum();
    let even = 1.0 / (v.len() - 1) as f64;
    for x in v[1..].iter_mut() {
        *x = if sum > 0.0 { *x / sum } else { even };
        *x = x.max(1e-9);
    }
}

/// How many people carry each value, per kind of value.
#[derive(Debug, Clone, Default)]
pub struct TfTables {
    pub family: TfTable,
    pub given: TfTable,
    pub family_r: TfTable,
    pub given_r: TfTable,
    pub phones: TfTable,
    pub emails: TfTable,
    pub addresses: TfTable,
    pub numbers: TfTable,
}

impl TfTables {
    /// Value frequencies counted once per group (`groups[i]` is record i's
    /// provisional person): one person's many records do not make their own
    /// name common.
    pub fn build(l: &Loaded, groups: &[u32]) -> TfTables {
        let build = |f: &dyn Fn(&Rec, &mut Vec<u32>)| {
            let mut pairs = Vec::with_capacity(l.recs.len());
            let mut buf = Vec::new();
            for (r, &g) in l.recs.iter().zip(groups) {
                buf.clear();
                f(r, &mut buf);
                pairs.extend(buf.iter().filter(|&&s| s != 0).map(|&s| (s, g)));
            }
            TfTable::build(pairs)
        };
        TfTables {
            family: build(&|r, b| b.push(r.family)),
            given: build(&|r, b| b.push(r.given)),
            family_r: build(&|r, b| b.push(r.family_r)),
            given_r: build(&|r, b| b.push(r.given_r)),
            phones: build(&|r, b| b.extend(r.mobiles.iter().chain(&r.landlines))),
            emails: build(&|r, b| b.push(r.email)),
            addresses: build(&|r, b| b.push(r.address)),
            numbers: build(&|r, b| b.push(r.number)),
        }
    }

    /// The term-frequency adjustment of a column's agreeing value, in bits.
    pub fn adjustment(&self, col: Col, kind: Tf, sym: u32) -> f64 {
        let reading = sym & READING_TAG != 0;
        let sym = sym & !READING_TAG;
        let table = match (kind, col) {
            (Tf::No, _) => return 0.0,
            (Tf::Name, Col::Family) if reading => &self.family_r,
            (Tf::Name, Col::Family) => &self.family,
            (Tf::Name, _) if reading => &self.given_r,
            (Tf::Name, _) => &self.given,
            (Tf::Phone, _) => &self.phones,
            (Tf::Email, _) => &self.emails,
            (Tf::Address, _) => &self.addresses,
            (Tf::Number, _) => &self.numbers,
        };
        table.adjustment(sym)
    }
}

/// People per value.
#[derive(Debug, Clone, Default)]
pub struct TfTable {
    /// Per symbol: the number of people carrying it.
    counts: Vec<u32>,
    /// Per symbol: its adjustment in bits.
    adjust: Vec<f32>,
    /// Σc² / Σc: how many people share the value of an agreement between
    /// two people picked at random (the size-biased mean count).
    reference: f64,
}

impl TfTable {
    /// From (symbol, person) pairs.
    pub fn build(mut pairs: Vec<(u32, u32)>) -> TfTable {
        pairs.sort_unstable();
        pairs.dedup();
        let mut counts: Vec<u32> = Vec::new();
        for &(sym, _) in &pairs {
            let i = sym as usize;
            if counts.len() <= i {
                counts.resize(i + 1, 0);
            }
            counts[i] += 1;
        }
        let (sum, sq) = counts.iter().fold((0.0, 0.0), |(s, q), &c| (s + c as f64, q + (c as f64) * (c as f64)));
        let reference = if sum > 0.0 { sq / sum } else { 0.0 };
        let adjust = counts.iter().map(|&c| Self::bits(reference, c) as f32).collect();
        TfTable { counts, adjust, reference }
    }

    /// log2 of how much likelier an agreement on this value is between two
    /// records of one person than the level's average agreement: two people
    /// picked at random agree on a value in proportion to the square of its
    /// share, one person's records in proportion to the share.
    pub fn adjustment(&self, sym: u32) -> f64 {
        match self.adjust.get(sym as usize) {
            Some(&a) => a as f64,
            None => Self::bits(self.reference, 0),
        }
    }

    fn bits(reference: f64, count: u32) -> f64 {
        if reference <= 0.0 {
            return 0.0;
        }
        (reference / count.max(1) as f64).log2().clamp(-TF_MAX_DOWN, TF_MAX_UP)
    }

    /// People carrying the value.
    pub fn count(&self, sym: u32) -> u32 {
        self.counts.get(sym as usize).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(levels: &[(Col, u8)]) -> [u8; Col::N] {
        let mut p = [0u8; Col::N];
        for &(c, l) in levels {
            p[c as usize] = l;
        }
        p
    }

    /// EM learns what separates a person's records from a family's and
    /// from strangers': one group agrees on name, birth date and phone, one
    /// on the surname, address and landline only.
    #[test]
    fn em_learns_a_family_from_a_person() {
        let person = pattern(&[(Col::Family, 1), (Col::Given, 1), (Col::Birth, 1), (Col::Mobile, 1), (Col::Address, 1)]);
        let differ = NameLevel::Different as u8;
        let family = pattern(&[(Col::Family, 1), (Col::Given, differ), (Col::Birth, 4), (Col::Landline, 1), (Col::Address, 1)]);
        let twins = pattern(&[(Col::Family, 1), (Col::Given, differ), (Col::Birth, 1), (Col::Landline, 1), (Col::Address, 1)]);
        let stranger = pattern(&[(Col::Family, differ), (Col::Given, differ), (Col::Birth, 4), (Col::Mobile, 3), (Col::Address, 4)]);
        let comparisons: Vec<Comparison> = [(person, 300), (family, 200), (twins, 5), (stranger, 500)]
            .iter()
            .flat_map(|&(p, n)| std::iter::repeat_n(Comparison { levels: p, ..Comparison::default() }, n))
            .collect();
        let random = vec![Comparison { levels: stranger, ..Comparison::default() }; 1000];
        let model = train(&Config::default(), &comparisons, &random, 2000);
        assert!((model.lambda() - 0.3).abs() < 0.05, "λ {}", model.lambda());
        let p = |levels| model.score(&Comparison { levels, ..Comparison::default() }).probability;
        assert!(p(family) < 0.01, "a family pair: {}", p(family));
        // Five twin pairs are too few to learn much from: they are at least
        // not merged without a person.
        assert!(p(twins) < 0.99, "twins: {}", p(twins));
        assert!(p(person) > 0.99, "a person: {}", p(person));
        // Deterministic to the bit.
        let again = train(&Config::default(), &comparisons, &random, 2000);
        assert_eq!(again.probability, model.probability);
        assert_eq!(again.share, model.share);
    }

    #[test]
    fn a_common_value_says_less_and_a_rare_one_more() {
        // One value carried by 50 people, fifty by one each.
        let mut pairs: Vec<(u32, u32)> = (0..50).map(|p| (1, p)).collect();
        pairs.extend((0..50).map(|p| (2 + p, 100 + p)));
        let t = TfTable::build(pairs);
        // Half the people share value 1: most chance agreements are on it,
        // so agreeing on it says a little less than an average agreement;
        // a value of one person says much more.
        assert!(t.adjustment(1) < 0.0, "{}", t.adjustment(1));
        assert!(t.adjustment(2) > 3.0, "{}", t.adjustment(2));
        // One person's many records count once.
        let t = TfTable::build(vec![(1, 7), (1, 7), (1, 7), (2, 8)]);
        assert_eq!(t.count(1), 1);
    }
}
