//! Clusters from merge decisions, guarded against chaining.
//!
//! A union-find over records starts from the customers as they are (earlier
//! merges and review decisions stand). Pairs to merge are taken in order of
//! score, best first. Two clusters are joined only when
//! - no person has said that a record of one and a record of the other are
//!   different people (a "separate" decision holds transitively), and
//! - their records carry no conflicting strong identifiers: two birth dates
//!   that are not a typo of each other, or two clearly different given
//!   names. Such a pair goes to review instead of chaining two people into
//!   one customer.

use super::compare::{birth_level, parts_differ, parts_of, rel_part, rel_reading, swapped, Parts};
use super::load::{Loaded, Sym, Tables};

/// What a cluster's records say about the person, for the guard.
#[derive(Debug, Default, Clone)]
struct Facts {
    births: Vec<u32>,
    /// The name parts of its records (see [`Parts`]), one entry per
    /// distinct given name and surname.
    names: Vec<Parts>,
    /// Genders seen: bit 1 male, bit 2 female.
    genders: u8,
}

pub struct Clusters {
    parent: Vec<u32>,
    members: Vec<Vec<u32>>,
    facts: Vec<Facts>,
    /// Per root: the smallest customer id among its records (the id the
    /// cluster keeps).
    customer: Vec<i64>,
    /// Per record: records a person said are someone else.
    cannot: super::FastMap<u32, Vec<u32>>,
}

/// Why two clusters were not joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Separated,
    Conflict(&'static str),
}

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
                .map(|r| Facts {
                    births: if r.birth != 0 { vec![r.birth] } else { vec![] },
                    names: if r.given != 0 || r.given_r != 0 { vec![parts_of(r)] } else { vec![] },
                    genders: if matches!(r.gender, 1 | 2) { 1 << r.gender } else { 0 },
                })
                .collect(),
            customer: l.recs.iter().map(|r| r.customer).collect(),
            cannot: super::FastMap::default(),
        };
        let mut first: super::FastMap<i64, u32> = super::FastMap::default();
        for (i, r) in l.recs.iter().enumerate() {
            match first.get(&r.customer) {
                Some(&j) => {
                    c.union(&l.tables, j, i as u32);
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
    pub fn union(&mut self, t: &Tables, a: u32, b: u32) -> u32 {
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
            if !into.births.contains(&b) {
                into.births.push(b);
            }
        }
        for g in f.names {
            // A name entered the other way round is kept the way the
            // customer's other records have it, so the guard compares
            // given name with given name ("jaxck, stubbs" beside "stubbs,
            // jack" is stubbs / jaxck).
            let g = if into.names.iter().any(|&e| swapped(t, e, g)) { (g.1, g.0, g.3, g.2) } else { g };
            if !into.names.contains(&g) {
                into.names.push(g);
            }
        }
        into.genders |= f.genders;
        big
    }

    /// Whether the clusters of `a` and `b` may be joined.
    pub fn check(&mut self, l: &Loaded, a: u32, b: u32) -> Result<(), Refusal> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Ok(());
        }
        // A separate decision between any record of one and any of the other.
        if self.cannot.is_empty() {
            return self.check_facts(l, (a, b), ra, rb);
        }
        let (small, other) = if self.members[ra as usize].len() <= self.members[rb as usize].len() { (ra, rb) } else { (rb, ra) };
        let smalls = self.members[small as usize].clone();
        for m in smalls {
            if let Some(list) = self.cannot.get(&m).cloned() {
                if list.into_iter().any(|x| self.find(x) == other) {
                    return Err(Refusal::Separated);
                }
            }
        }
        self.check_facts(l, (a, b), ra, rb)
    }

    fn check_facts(&self, l: &Loaded, (a, b): (u32, u32), ra: u32, rb: u32) -> Result<(), Refusal> {
        let (fa, fb) = (&self.facts[ra as usize], &self.facts[rb as usize]);
        if fa.births.iter().any(|&x| fb.births.iter().any(|&y| birth_level(x, y) == 4)) {
            return Err(Refusal::Conflict("the merged customer would have two different birth dates"));
        }
        if fa.genders | fb.genders == 0b110 {
            return Err(Refusal::Conflict("the merged customer would be both a man and a woman"));
        }
        let t = &l.tables;
        // The two records' own given names were weighed by the comparison
        // that brought them here ("bea" and "beau" close within the whole
        // name); the guard asks about the others'.
        let (ga, gb) = ((l.recs[a as usize].given, l.recs[a as usize].given_r), (l.recs[b as usize].given, l.recs[b as usize].given_r));
        let own = |x: (Sym, Sym), y: (Sym, Sym)| (x == ga && y == gb) || (x == gb && y == ga);
        for &pa in &fa.names {
            for &pb in &fb.names {
                let ((ka, ra_), (kb, rb_)) = ((pa.1, pa.3), (pb.1, pb.3));
                // A name entered surname last ("olivia, blackwell") is the
                // same name, not another given name.
                if own((ka, ra_), (kb, rb_)) || swapped(t, pa, pb) {
                    continue;
                }
                let (na, nb) = (t.names.get(ka), t.names.get(kb));
                let r = rel_reading(t.readings.get(ra_), t.readings.get(rb_));
                if parts_differ(rel_part(na, nb, r), r, na.is_ascii() && nb.is_ascii()) {
                    return Err(Refusal::Conflict("the merged customer would have two different given names"));
                }
            }
        }
        Ok(())
    }
}
