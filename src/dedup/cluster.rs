//! Clusters from merge decisions, guarded against chaining.
//!
//! A union-find over records starts from the customers as they are (earlier
//! merges and review decisions stand). Pairs to merge are taken in order of
//! match probability, best first. Before two clusters are joined the
//! [`rules`](super::rules) are asked about the customer the join would
//! make: a person's 別人 between any record of one and any of the other; two
//! birth dates and two given names; and two records of the joined customer
//! that disagree (a given name, a birth date, the gender) and that the
//! model, comparing them with each other, would not call one person. Three
//! records A–B–C where A–B and B–C each look like one person (a child's
//! booking on a parent's phone) thus never make A and C one customer
//! unless A and C themselves do.

use super::compare::{birth_pair, compare, BirthLevel, Col, GenderLevel, NumberLevel, Polarity};
use super::load::{Loaded, Src, Sym};
use super::model::{Kind, Model};
use super::names::{compare_part, given_names_conflict, NameLevel, Part};
use super::rules::{self, Join, Rule};
use crate::hash::FastMap;

/// A given name as a customer's records carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Given {
    family: Sym,
    given: Sym,
    family_r: Sym,
    given_r: Sym,
    src: Src,
    /// A record that carries it.
    rec: u32,
}

/// What a cluster's records say about the person, for the guard: each
/// distinct birth date and given name once; and a few of its records, to
/// compare with another cluster's.
#[derive(Debug, Default, Clone)]
struct Facts {
    births: Vec<(u32, u32)>,
    names: Vec<Given>,
    reps: Vec<u32>,
}

pub struct Clusters {
    parent: Vec<u32>,
    members: Vec<Vec<u32>>,
    facts: Vec<Facts>,
    /// Per root: the smallest customer id among its records (the id the
    /// cluster keeps).
    customer: Vec<i64>,
    /// Per record: records a person said are someone else.
    cannot: FastMap<u32, Vec<u32>>,
    /// Per record: records the last review report asks about with it, not
    /// decided yet: their customers are not joined by other pairs either.
    held: FastMap<u32, Vec<u32>>,
}

/// The most records of a cluster the guard compares with another's.
const MAX_REPS: usize = 6;

/// A disagreement speaks clearly against one person from this weight on
/// (bits: four times likelier between two people).
const CLEARLY_AGAINST: f64 = -2.0;

impl Clusters {
    /// One cluster per current customer.
    pub fn new(l: &Loaded) -> Clusters {
        let n = l.recs.len();
        let mut c = Clusters {
            parent: (0..n as u32).collect(),
            members: (0..n as u32).map(|i| vec![i]).collect(),
            facts: l
                .recs
                .iter()
                .enumerate()
                .map(|(i, r)| Facts {
                    births: if r.birth != 0 { vec![(r.birth, i as u32)] } else { vec![] },
                    names: if r.given != 0 || r.given_r != 0 {
                        vec![Given {
                            family: r.family,
                            given: r.given,
                            family_r: r.family_r,
                            given_r: r.given_r,
                            src: r.src[2],
                            rec: i as u32,
                        }]
                    } else {
                        vec![]
                    },
                    reps: vec![i as u32],
                })
                .collect(),
            customer: l.recs.iter().map(|r| r.customer).collect(),
            cannot: FastMap::default(),
            held: FastMap::default(),
        };
        let mut first: FastMap<i64, u32> = FastMap::default();
        for (i, r) in l.recs.iter().enumerate() {
            match first.get(&r.customer) {
                Some(&j) => {
                    c.union(j, i as u32);
                }
                None => {
                    first.insert(r.customer, i as u32);
                }
            }
        }
        c
    }

    pub fn add_separate(&mut self, a: u32, b: u32) {
        self.cannot.entry(a).or_default().push(b);
        self.cannot.entry(b).or_default().push(a);
    }

    /// A pair the last review report asks about and no one decided.
    pub fn add_held(&mut self, a: u32, b: u32) {
        self.held.entry(a).or_default().push(b);
        self.held.entry(b).or_default().push(a);
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    pub fn members(&mut self, x: u32) -> &[u32] {
        let r = self.find(x);
        &self.members[r as usize]
    }

    /// The customer id the cluster of `x` keeps.
    pub fn customer(&mut self, x: u32) -> i64 {
        let r = self.find(x);
        self.customer[r as usize]
    }

    /// Joins the clusters of `a` and `b` without asking; returns the root.
    pub fn union(&mut self, a: u32, b: u32) -> u32 {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return ra;
        }
        let (big, small) = if self.members[ra as usize].len() >= self.members[rb as usize].len() { (ra, rb) } else { (rb, ra) };
        self.parent[small as usize] = big;
        self.customer[big as usize] = self.customer[big as usize].min(self.customer[small as usize]);
        let moved = std::mem::take(&mut self.members[small as usize]);
        self.members[big as usize].extend(moved);
        let f = std::mem::take(&mut self.facts[small as usize]);
        let into = &mut self.facts[big as usize];
        for b in f.births {
            if !into.births.iter().any(|x| x.0 == b.0) {
                into.births.push(b);
            }
        }
        for g in f.names {
            if !into.names.iter().any(|x| (x.given, x.given_r, x.family, x.family_r) == (g.given, g.given_r, g.family, g.family_r)) {
                into.names.push(g);
            }
        }
        for r in f.reps {
            if into.reps.len() < MAX_REPS {
                into.reps.push(r);
            }
        }
        big
    }

    /// Whether a record of one cluster is linked to a record of the other
    /// in `links` (a person's 別人, or a pair waiting in the report).
    fn linked(&mut self, links: fn(&Clusters) -> &FastMap<u32, Vec<u32>>, ra: u32, rb: u32) -> bool {
        if links(self).is_empty() {
            return false;
        }
        let (small, other) = if self.members[ra as usize].len() <= self.members[rb as usize].len() { (ra, rb) } else { (rb, ra) };
        let smalls = self.members[small as usize].clone();
        for m in smalls {
            if let Some(list) = links(self).get(&m).cloned() {
                if list.into_iter().any(|x| self.find(x) == other) {
                    return true;
                }
            }
        }
        false
    }

    /// The rule that keeps the clusters of `a` and `b` from being joined,
    /// if one does (`held`: the pair itself waited in the last review
    /// report, unchanged since; a held pair between the two clusters holds
    /// them apart as well).
    pub fn check(&mut self, l: &Loaded, model: &Model, (review, merge): (f64, f64), a: u32, b: u32, held: bool) -> Option<&'static Rule> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return None;
        }
        let mut join = Join {
            review_threshold: review,
            merge_threshold: merge,
            households: model.share[Kind::Related as usize] >= rules::HOUSEHOLD_SHARE,
            ..Join::default()
        };
        join.separated = self.linked(|c| &c.cannot, ra, rb);
        join.held = held || self.linked(|c| &c.held, ra, rb);
        if join.separated {
            return rules::first(&join);
        }
        let (fa, fb) = (&self.facts[ra as usize], &self.facts[rb as usize]);
        for &(x, _) in &fa.births {
            for &(y, _) in &fb.births {
                if birth_pair(x, y) == BirthLevel::Different {
                    join.two_births = true;
                }
            }
        }
        let t = &l.tables;
        let part = |w: Sym, r: Sym, src: Src| Part { written: t.names.get(w), reading: t.readings.get(r), src };
        for x in &fa.names {
            for y in &fb.names {
                let (gx, gy) = (part(x.given, x.given_r, x.src), part(y.given, y.given_r, y.src));
                if !given_names_conflict(&gx, &gy) {
                    continue;
                }
                // A name entered the other way round is the same name.
                let swapped = compare_part(&gx, &part(y.family, y.family_r, Src::Written)).agrees()
                    && compare_part(&part(x.family, x.family_r, Src::Written), &gy).agrees();
                if !swapped {
                    join.two_given_names = true;
                }
            }
        }
        // The joining pair itself, and a few records of each customer
        // against a few of the other's.
        let pairs = std::iter::once((a, b)).chain(fa.reps.iter().flat_map(|&x| fb.reps.iter().map(move |&y| (x, y))));
        for (x, y) in pairs {
            {
                let (p, q) = if x < y { (x, y) } else { (y, x) };
                let cmp = compare(l, &l.recs[p as usize], &l.recs[q as usize]);
                let scored = model.score(&cmp);
                let prob = scored.probability;
                // Likely two people by what they show, not unlikely one for
                // want of anything to compare (a kana receipt with a name
                // only): some column speaks clearly against one person (a
                // given name, a birth date, a mobile, an e-mail; not another
                // stylist on another day).
                let against = Col::ALL.iter().any(|&c| {
                    c.level(cmp.get(c)).polarity == Polarity::Disagree && model.weight_against(scored.against, c, &cmp) <= CLEARLY_AGAINST
                });
                if against {
                    join.weakest_link = Some(join.weakest_link.map_or(prob, |v| v.min(prob)));
                }
                let given_differs = cmp.name(Col::Given) == NameLevel::Different;
                if given_differs && cmp.get(Col::Number) == NumberLevel::Same as u8 {
                    join.one_number_two_names = true;
                }
                let identity =
                    given_differs || cmp.birth() == BirthLevel::Different || cmp.get(Col::Gender) == GenderLevel::Different as u8;
                if identity {
                    join.weakest_contradiction = Some(join.weakest_contradiction.map_or(prob, |v| v.min(prob)));
                }
            }
        }
        rules::first(&join)
    }
}
