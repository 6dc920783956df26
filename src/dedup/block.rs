//! Blocking: only records that share a key value are compared, so a
//! million records never become all pairs. Each key maps a record to zero
//! or more 64-bit key values; records with the same value form a block,
//! and every pair inside a block (up to `max_block` records) is a
//! candidate. A pair found by several keys is compared once; the report
//! says how many pairs each key produced and which blocks were too large.

use super::load::{Loaded, Rec};

/// Candidate pairs (a < b, indices into `Loaded::recs`), sorted, unique.
pub struct Candidates {
    pub pairs: Vec<(u32, u32)>,
    /// Per key in use: (name, pairs it produced, blocks skipped as too large,
    /// records in them).
    pub per_key: Vec<KeyReport>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyReport {
    pub key: String,
    pub pairs: u64,
    pub oversized_blocks: u64,
    pub records_in_oversized: u64,
}

/// The most records (one per source customer number) a name alone pairs.
pub const NAME_BLOCK: usize = 4;

/// How many earlier rows of one customer number each row is linked to.
const CHAIN_REACH: usize = 2;

fn pack(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

/// A name part with another value: its kanji key and its reading key (kept
/// apart by a tag bit: the two live in different symbol tables).
fn both(out: &mut Vec<u64>, kanji: u32, reading: u32, with: u32) {
    if kanji != 0 {
        out.push(pack(kanji, with));
    }
    if reading != 0 {
        out.push(pack(reading | 1 << 31, with));
    }
}

/// The key values of one record for one blocking key (none when the record
/// lacks the fields). Each key's values are grouped apart from the others'.
fn keys_of(key: &str, r: &Rec, out: &mut Vec<u64>) {
    match key {
        "mobile" => out.extend(r.mobiles.iter().map(|&p| p as u64)),
        "landline" => out.extend(r.landlines.iter().map(|&p| p as u64)),
        "email" if r.email != 0 => out.push(r.email as u64),
        "name_birth" if r.name != 0 && r.birth != 0 => out.push(pack(r.name, r.birth)),
        "reading_birth" if r.reading != 0 && r.birth != 0 => out.push(pack(r.reading, r.birth)),
        "given_birth" if r.birth != 0 => both(out, r.given, r.given_r, r.birth),
        "initial_birth" if r.birth != 0 => {
            both(out, r.initials[0], r.initials[1], r.birth);
            both(out, r.initials[2], r.initials[3], r.birth);
        }
        "family_postal" if r.postal != 0 => both(out, r.family, r.family_r, r.postal),
        "birth_postal" if r.birth != 0 && r.postal != 0 => out.push(pack(r.postal, r.birth)),
        "given_postal" if r.postal != 0 => both(out, r.given, r.given_r, r.postal),
        "address" if r.address != 0 => out.push(r.address as u64),
        "postal_house" if r.house != 0 => out.push(r.house),
        "name_town" if r.name != 0 && r.town != 0 => out.push(pack(r.name, r.town)),
        "reading_town" if r.reading != 0 && r.town != 0 => out.push(pack(r.reading, r.town)),
        "name" if r.name != 0 => out.push(r.name as u64),
        "reading" if r.reading != 0 => out.push(r.reading as u64),
        "customer_no" if r.number != 0 => out.push(pack(r.source as u32, r.number)),
        "phone_slip" => out.extend(&r.slips),
        _ => {}
    }
}

/// The candidate pairs of every blocking key in `keys`.
pub fn candidates(l: &Loaded, keys: &[String], max_block: usize) -> Candidates {
    let mut all: Vec<u64> = Vec::new();
    let mut per_key = Vec::new();
    let mut buf = Vec::new();
    let mut members: Vec<u32> = Vec::new();
    let mut seen: super::FastSet<(u16, u32)> = super::FastSet::default();
    let chained = keys.iter().any(|k| k == "customer_no");
    for key in keys {
        let mut entries: Vec<(u64, u32)> = Vec::with_capacity(l.recs.len());
        for (i, r) in l.recs.iter().enumerate() {
            buf.clear();
            keys_of(key, r, &mut buf);
            buf.sort_unstable();
            buf.dedup();
            entries.extend(buf.iter().map(|&v| (v, i as u32)));
        }
        entries.sort_unstable();
        let mut report = KeyReport { key: key.clone(), pairs: 0, oversized_blocks: 0, records_in_oversized: 0 };
        let mut start = 0;
        let before = all.len();
        while start < entries.len() {
            let v = entries[start].0;
            let mut end = start + 1;
            while end < entries.len() && entries[end].0 == v {
                end += 1;
            }
            let block = &entries[start..end];
            start = end;
            if key == "customer_no" {
                // One source's customer number: the rows of one identity
                // (a POS customer's purchases) are chained in order, not
                // paired all with all. Each row is linked to the two before
                // it, so one odd row (a name misspelt on one receipt, kept
                // apart) does not cut the chain in two.
                for (j, &(_, b)) in block.iter().enumerate().skip(1) {
                    for &(_, a) in &block[j.saturating_sub(CHAIN_REACH)..j] {
                        all.push(pack(a, b));
                    }
                }
                continue;
            }
            // Within other blocks, one record stands for each source
            // customer number: the others are chained to it above.
            members.clear();
            seen.clear();
            for &(_, i) in block {
                let r = &l.recs[i as usize];
                if !chained || r.number == 0 || seen.insert((r.source, r.number)) {
                    members.push(i);
                }
            }
            // A name alone pairs only the few who carry it: a name carried by
            // more is common, and its bearers are compared through what else
            // they share (a birth date, a town, a phone).
            let limit = if matches!(key.as_str(), "name" | "reading") { max_block.min(NAME_BLOCK) } else { max_block };
            if members.len() > limit {
                report.oversized_blocks += 1;
                report.records_in_oversized += members.len() as u64;
                continue;
            }
            for i in 0..members.len() {
                for j in i + 1..members.len() {
                    let (a, b) = (members[i], members[j]);
                    all.push(pack(a.min(b), a.max(b)));
                }
            }
        }
        // Pairs this key produced, before merging with the other keys.
        let mut mine = all.split_off(before);
        mine.sort_unstable();
        mine.dedup();
        report.pairs = mine.len() as u64;
        all.extend(mine);
        per_key.push(report);
    }
    all.sort_unstable();
    all.dedup();
    let pairs = all.into_iter().map(|p| ((p >> 32) as u32, p as u32)).collect();
    Candidates { pairs, per_key }
}

/// The blocking keys (of those in use) two records share: for `explain`,
/// to say why a pair was never compared.
pub fn shared_keys(keys: &[String], a: &Rec, b: &Rec) -> Vec<String> {
    let (mut ka, mut kb) = (Vec::new(), Vec::new());
    keys.iter()
        .filter(|key| {
            ka.clear();
            kb.clear();
            keys_of(key, a, &mut ka);
            keys_of(key, b, &mut kb);
            ka.iter().any(|v| kb.contains(v))
        })
        .cloned()
        .collect()
}
