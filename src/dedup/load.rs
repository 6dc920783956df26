//! Loading the active records into memory in the shape matching needs:
//! every matching key interned to a small integer (equality is an integer
//! compare, frequencies are an array lookup), birth dates as numbers,
//! phones sorted into mobiles and landlines.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::Connection;

use crate::cleanse::{kana, name, phone};

/// An interned string: 0 is "no value".
pub type Sym = u32;

/// Strings of one kind (names, readings, phones…) interned.
#[derive(Default)]
pub struct Interner {
    map: HashMap<String, Sym>,
    strings: Vec<String>,
}

impl Interner {
    fn new() -> Self {
        Interner { map: HashMap::new(), strings: vec![String::new()] }
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        if s.is_empty() {
            return 0;
        }
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = self.strings.len() as Sym;
        self.strings.push(s.to_string());
        self.map.insert(s.to_string(), id);
        id
    }

    pub fn get(&self, s: Sym) -> &str {
        &self.strings[s as usize]
    }

    /// The symbol of a string already interned.
    pub fn find(&self, s: &str) -> Option<Sym> {
        self.map.get(s).copied()
    }
}

/// Symbol tables, one per kind of value.
pub struct Tables {
    /// Kanji (or latin) name keys: full names, surnames, given names.
    pub names: Interner,
    /// Reading keys (katakana, folded): full, surname, given.
    pub readings: Interner,
    pub phones: Interner,
    pub emails: Interner,
    pub addresses: Interner,
    /// The town part of an address key (before the block number).
    pub towns: Interner,
    pub postals: Interner,
    pub numbers: Interner,
    /// The shop (branch) a record was made in.
    pub stores: Interner,
    /// Staff who served a customer (events' 担当).
    pub staff: Interner,
}

/// One active record, as matching sees it.
#[derive(Debug, Clone, Default)]
pub struct Rec {
    pub id: i64,
    pub customer: i64,
    /// Index into [`Loaded::sources`].
    pub source: u16,
    pub number: Sym,
    /// Full name key, surname key, given-name key (kanji or latin).
    pub name: Sym,
    pub family: Sym,
    pub given: Sym,
    /// Reading keys: full, surname, given (from the kana field, or from a
    /// name written in kana).
    pub reading: Sym,
    pub family_r: Sym,
    pub given_r: Sym,
    /// The reading (whole or given name) was lent by other records, not
    /// written in this one (see `lend_readings`).
    pub lent: bool,
    /// The whole reading was lent (or joined from lent parts), not given.
    pub lent_full: bool,
    /// Every reading lent to this record's name is the only one the data
    /// gives its kanji (see `lend_readings`); true when nothing was lent.
    pub settled: bool,
    /// yyyymmdd; 0 when unknown or not to the day.
    pub birth: u32,
    /// 0 unknown, 1 male, 2 female, 3 other.
    pub gender: u8,
    pub mobiles: Vec<Sym>,
    pub landlines: Vec<Sym>,
    /// Blocking keys its phones share with the phones of the data that are
    /// the same number keyed with two neighbouring digits swapped: one key
    /// per such pair of numbers (see `slip_partners`).
    pub slips: Vec<u64>,
    pub email: Sym,
    pub address: Sym,
    pub town: Sym,
    pub postal: Sym,
    /// yyyymmdd of the record's latest dated fact (a visit, a purchase, a
    /// first visit); 0 when it has none.
    pub date: u32,
    pub store: Sym,
    /// The first character of the name key and of the reading key, and of
    /// the given name's (0 when there is none): with the birth date, a
    /// blocking key that survives a typo in each part of the name, and the
    /// parts entered the other way round.
    pub initials: [u32; 4],
    /// The staff member on most of the record's events (its stylist); 0
    /// when none is named.
    pub staff: Sym,
    /// The name (its reading when known) and the shop, when exactly one
    /// other customer identity has that name in that shop; else 0.
    pub alone: u64,
    /// How many other people would carry this full name by chance: the
    /// people counted times the share of its surname times the share of
    /// its given name (each share from the records); ∞ when unknown.
    pub namesakes: f32,
}

/// A source (an import's `source` name) and its priority.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub priority: i64,
}

pub struct Loaded {
    pub recs: Vec<Rec>,
    /// Mobiles given by records of clearly different given names: a
    /// family's phone (a parent's mobile on the children's bookings), not
    /// one person's.
    pub family_mobiles: super::FastSet<Sym>,
    pub tables: Tables,
    pub sources: Vec<Source>,
}

/// A customer number as a key: width folded (NFKC), upper case, no spaces.
fn number_key(v: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    v.nfkc().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

/// "1977-04-03" → 19770403; anything not a full date → 0.
pub fn date_num(s: &str) -> u32 {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return 0;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32))
    };
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(y), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => y * 10000 + m * 100 + d,
        _ => 0,
    }
}

/// The key of a reading for matching: vowel length kept (ユキ is not
/// ユウキ), spaces dropped.
fn reading_key(s: &str) -> String {
    kana::strict_kana_key(s)
}

/// Readings learned from the data: a kanji name that some records give with
/// a reading lends that reading to the records that have the kanji only
/// (a ledger's 上本 弘子 / カミモト ヒロコ lets a POS row's カミモト ヒロコ meet a
/// card's 上本 弘子). A kanji name read two ways lends nothing.
///
/// A lent reading is settled when the data gives its kanji no other
/// reading: at least [`SETTLED_MIN`] records write the kanji with a
/// reading, and all but one in twenty of them agree once typing slips are
/// folded (dropped voicing, ッ/ツ, vowel length). 理恵 is リエ wherever it is
/// written; 悠斗 is ユウト in most records and ハルト in some, so a kana
/// ユウト on a family's phone may be 悠斗's brother.
fn lend_readings(recs: &mut [Rec], readings: &Interner) {
    /// kanji → its reading, when at least four in five of the records that
    /// give the kanji with a reading agree (a typo does not make a name
    /// ambiguous; 真 read マコト and シン is); and, given the readings to
    /// fold typing slips with, the kanji whose reading is settled.
    fn learn(pairs: impl Iterator<Item = (Sym, Sym)>, readings: Option<&Interner>) -> (super::FastMap<Sym, Sym>, super::FastSet<Sym>) {
        let mut counts: super::FastMap<(Sym, Sym), u32> = super::FastMap::default();
        for (k, r) in pairs {
            if k != 0 && r != 0 {
                *counts.entry((k, r)).or_default() += 1;
            }
        }
        let mut entries: Vec<((Sym, Sym), u32)> = counts.into_iter().collect();
        entries.sort_unstable();
        let mut lent = super::FastMap::default();
        let mut settled = super::FastSet::default();
        let mut loose: Vec<(String, u32)> = Vec::new();
        for group in entries.chunk_by(|x, y| x.0 .0 == y.0 .0) {
            let kanji = group[0].0 .0;
            let all: u32 = group.iter().map(|e| e.1).sum();
            // The first of the most frequent readings (entries are sorted).
            let top = group.iter().fold(group[0], |best, &e| if e.1 > best.1 { e } else { best });
            if top.1 * 5 >= all * 4 {
                lent.insert(kanji, top.0 .1);
            }
            let Some(readings) = readings.filter(|_| all >= SETTLED_MIN) else { continue };
            loose.clear();
            for &((_, r), n) in group {
                let key = crate::cleanse::kana::loose_kana_key(readings.get(r));
                match loose.iter_mut().find(|(k, _)| *k == key) {
                    Some(e) => e.1 += n,
                    None => loose.push((key, n)),
                }
            }
            let most = loose.iter().map(|e| e.1).max().unwrap_or(0);
            if most * 20 >= all * 19 {
                settled.insert(kanji);
            }
        }
        (lent, settled)
    }
    let (full, full_settled) = learn(recs.iter().map(|r| (r.name, r.reading)), Some(readings));
    // (A surname's reading is shared by the whole family: a guess there
    // cannot make one member look like another, so it needs no settling.)
    let (family, _) = learn(recs.iter().map(|r| (r.family, r.family_r)), None);
    let (given, given_settled) = learn(recs.iter().map(|r| (r.given, r.given_r)), Some(readings));
    for r in recs.iter_mut() {
        r.settled = true;
        if r.family_r == 0 {
            r.family_r = family.get(&r.family).copied().unwrap_or(0);
        }
        if r.given_r == 0 {
            r.given_r = given.get(&r.given).copied().unwrap_or(0);
            if r.given_r != 0 {
                r.lent = true;
                r.settled &= given_settled.contains(&r.given);
            }
        }
        if r.reading == 0 {
            r.reading = full.get(&r.name).copied().unwrap_or(0);
            if r.reading != 0 {
                r.lent = true;
                r.lent_full = true;
                // A whole name is rarely written twenty times; its given
                // name's kanji settles it as well.
                r.settled &= full_settled.contains(&r.name) || given_settled.contains(&r.given);
            }
        }
    }
}

/// Records that must write a kanji with a reading, all alike, before a
/// reading lent from that kanji counts as settled (see `lend_readings`).
pub const SETTLED_MIN: u32 = 20;

/// Names written without a space (`久保裕介`) split where the data itself
/// splits them: the head a surname and the tail a given name that other
/// records give as such (each in at least two records), and only one way
/// of cutting the name fits. Otherwise the name stays whole (a surname and
/// a given name are not guessed from a dictionary).
fn split_names(recs: &mut [Rec], names: &Interner) {
    let mut families: super::FastMap<Sym, u32> = super::FastMap::default();
    let mut givens: super::FastMap<Sym, u32> = super::FastMap::default();
    for r in recs.iter() {
        if r.family != 0 && r.given != 0 {
            *families.entry(r.family).or_default() += 1;
            *givens.entry(r.given).or_default() += 1;
        }
    }
    let known = |m: &super::FastMap<Sym, u32>, s: &str| names.find(s).filter(|k| m.get(k).is_some_and(|&n| n >= 2));
    for r in recs.iter_mut() {
        if r.name == 0 || r.family != 0 || r.given != 0 {
            continue;
        }
        let full = names.get(r.name);
        let mut found = None;
        let mut ways = 0;
        for (i, _) in full.char_indices().skip(1) {
            if let (Some(f), Some(g)) = (known(&families, &full[..i]), known(&givens, &full[i..])) {
                found = Some((f, g));
                ways += 1;
            }
        }
        if let (Some((f, g)), 1) = (found, ways) {
            (r.family, r.given) = (f, g);
        }
    }
}

/// A staff value as a key (width folded, lower case, no spaces: the
/// ledger's ｵｶﾀﾞ and the POS export's オカダ are one stylist), or none for
/// a value that names no one: nobody was asked for (フリー, 指名なし), not
/// known, a dash, or a value whose bytes did not decode (a CP932 byte that
/// maps to nothing: two such values may be two stylists).
fn staff_key(s: &str) -> Option<String> {
    if damaged(s) {
        return None;
    }
    let k = crate::cleanse::label_key(s);
    let placeholder = matches!(
        k.as_str(),
        "フリー"
            | "ふりー"
            | "フリ-"
            | "指名なし"
            | "指名無し"
            | "指名無"
            | "なし"
            | "無し"
            | "無"
            | "未定"
            | "不明"
            | "担当なし"
            | "担当無し"
            | "0"
            | "free"
            | "none"
            | "n/a"
            | "na"
    ) || k.chars().all(|c| matches!(c, '-' | 'ー' | '―' | '—' | '*' | '?' | '？' | '・'));
    (!placeholder).then_some(k)
}

/// The staff key on most of one record's events, from (key, events) counts
/// in any order with a key perhaps more than once; ties go to the first key,
/// so the choice is stable.
fn usual_staff(counts: &mut [(String, u64)]) -> Option<&str> {
    counts.sort_unstable();
    let mut best: Option<(&str, u64)> = None;
    for group in counts.chunk_by(|x, y| x.0 == y.0) {
        let n = group.iter().map(|x| x.1).sum();
        if best.is_none_or(|b| n > b.1) {
            best = Some((&group[0].0, n));
        }
    }
    best.map(|b| b.0)
}

/// Staff is evidence only where customers have a choice: a stylist on more
/// than a quarter of a shop's records (the one stylist of a small salon)
/// says nothing of who the customer is, and is dropped.
fn common_staff(recs: &mut [Rec]) {
    const MAX_SHARE: f64 = 0.25;
    let mut per: super::FastMap<(Sym, Sym), u32> = super::FastMap::default();
    let mut total: super::FastMap<Sym, u32> = super::FastMap::default();
    for r in recs.iter().filter(|r| r.staff != 0) {
        *per.entry((r.store, r.staff)).or_default() += 1;
        *total.entry(r.store).or_default() += 1;
    }
    for r in recs.iter_mut().filter(|r| r.staff != 0) {
        if per[&(r.store, r.staff)] as f64 > MAX_SHARE * total[&r.store] as f64 {
            r.staff = 0;
        }
    }
}

/// The name-and-shop key of each record, kept when the records with that
/// name in that shop are two customers' at most: records that share a
/// source's customer number, a phone, a birth date or an e-mail count as
/// one; and each full name's expected namesakes.
fn rarity(recs: &mut [Rec]) {
    let key = |r: &Rec| -> u64 {
        let name = if r.reading != 0 { r.reading | 1 << 31 } else { r.name };
        if name == 0 || r.store == 0 {
            0
        } else {
            ((name as u64) << 32) | r.store as u64
        }
    };
    let mut keyed: Vec<(u64, u32)> = recs.iter().enumerate().filter_map(|(i, r)| Some((key(r), i as u32)).filter(|k| k.0 != 0)).collect();
    keyed.sort_unstable();
    let same = |a: &Rec, b: &Rec| {
        (a.number != 0 && a.source == b.source && a.number == b.number)
            || (a.birth != 0 && a.birth == b.birth)
            || (a.email != 0 && a.email == b.email)
            || a.mobiles.iter().chain(&a.landlines).any(|p| b.mobiles.contains(p) || b.landlines.contains(p))
    };
    let mut alone: Vec<u32> = Vec::new();
    for group in keyed.chunk_by(|x, y| x.0 == y.0) {
        if group.len() < 2 || group.len() > 32 {
            continue;
        }
        let mut parent: Vec<usize> = (0..group.len()).collect();
        fn root(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                x = p[x];
            }
            x
        }
        for i in 0..group.len() {
            for j in i + 1..group.len() {
                if same(&recs[group[i].1 as usize], &recs[group[j].1 as usize]) {
                    let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                    parent[ri] = rj;
                }
            }
        }
        let roots: Vec<usize> = (0..group.len()).map(|i| root(&mut parent, i)).collect();
        let components = roots.iter().enumerate().filter(|&(i, &r)| r == i).count();
        // The two identities must have no personal fact (a birth date beyond
        // a typo, a phone, an e-mail, the gender, another customer number of
        // one source) against each other, record for record: a card with one
        // landline beside a ledger row with another are two people, even
        // though the card and that person's kana receipt have nothing to
        // compare. (An address is not such a fact: people move.)
        let against = |a: &Rec, b: &Rec| {
            let differ = |x: &[Sym], y: &[Sym]| !x.is_empty() && !y.is_empty() && !x.iter().any(|p| y.contains(p));
            super::compare::birth_level(a.birth, b.birth) == 4
                || (a.email != 0 && b.email != 0 && a.email != b.email)
                || (a.gender != 0 && b.gender != 0 && a.gender != b.gender)
                || (a.number != 0 && b.number != 0 && a.source == b.source && a.number != b.number)
                || differ(&a.mobiles, &b.mobiles)
                || differ(&a.landlines, &b.landlines)
        };
        let conflict = || {
            (0..group.len()).any(|i| {
                (i + 1..group.len()).any(|j| roots[i] != roots[j] && against(&recs[group[i].1 as usize], &recs[group[j].1 as usize]))
            })
        };
        if components == 2 && !conflict() {
            alone.extend(group.iter().map(|g| g.1));
        }
    }
    for i in alone {
        let r = &mut recs[i as usize];
        r.alone = key(r);
    }
    // Shares of surnames and given names, kanji and readings apart, among
    // people rather than records: a customer with forty receipts is one
    // bearer of the name. A person here is a name with one contact (a
    // phone, else the birth date, e-mail or customer number); records with
    // none count one each.
    let mut parts: super::FastMap<u64, u32> = super::FastMap::default();
    let tag = |kind: u64, s: Sym| (kind << 32) | s as u64;
    let contact = |i: usize, r: &Rec| -> u64 {
        let (kind, v) = if let Some(&m) = r.mobiles.first().or(r.landlines.first()) {
            (1, m)
        } else if r.birth != 0 {
            (2, r.birth)
        } else if r.email != 0 {
            (3, r.email)
        } else if r.number != 0 {
            (4, r.number)
        } else {
            (5, i as u32)
        };
        (kind << 32) | v as u64
    };
    let mut people: Vec<(u64, u64, u32)> =
        recs.iter().enumerate().map(|(i, r)| (((r.name as u64) << 32) | r.reading as u64, contact(i, r), i as u32)).collect();
    people.sort_unstable();
    people.dedup_by(|x, y| x.0 == y.0 && x.1 == y.1);
    for &(_, _, i) in &people {
        let r = &recs[i as usize];
        for (kind, s) in [(0, r.family), (1, r.given), (2, r.family_r), (3, r.given_r)] {
            if s != 0 {
                *parts.entry(tag(kind, s)).or_default() += 1;
            }
        }
    }
    let n = people.len() as f64;
    let share = |kind: u64, s: Sym| parts.get(&tag(kind, s)).map_or(1.0, |&c| c as f64 / n);
    for r in recs.iter_mut() {
        // The commoner of the two writings decides (a reading is shared by
        // every kanji spelling of it).
        let mut e = 0.0f64;
        let mut known = false;
        if r.family != 0 && r.given != 0 {
            e = e.max(n * share(0, r.family) * share(1, r.given));
            known = true;
        }
        if r.family_r != 0 && r.given_r != 0 {
            e = e.max(n * share(2, r.family_r) * share(3, r.given_r));
            known = true;
        }
        r.namesakes = if known { e as f32 } else { f32::INFINITY };
    }
}

/// Text damaged on the way in: U+FFFD for bytes that did not decode, a
/// Private Use Area character (gaiji), or 〓 (the mark a converter leaves
/// for a character it could not write).
fn damaged(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{FFFD}' | '〓' | '\u{E000}'..='\u{F8FF}'))
}

/// Whether a name key is written in kana only (then it is also a reading).
fn is_kana(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | ' ' | '\u{3000}'))
}

/// The town part of an address key: up to the first digit (the block
/// number): `世田谷区太子堂3-31-27` → `世田谷区太子堂`.
fn town_of(key: &str) -> &str {
    match key.find(|c: char| c.is_ascii_digit()) {
        Some(i) if i > 0 => &key[..i],
        _ => "",
    }
}

/// The priority each source gives itself in its mapping, as stored with
/// its latest import; for imports made before karte stored it, read from
/// the mapping file when it can still be found; otherwise 0.
pub(crate) fn source_priority(conn: &Connection, source: &str) -> i64 {
    let (stored, path): (Option<i64>, Option<String>) = conn
        .query_row("SELECT priority, mapping_path FROM imports WHERE source = ?1 ORDER BY id DESC LIMIT 1", [source], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap_or((None, None));
    if let Some(p) = stored {
        return p;
    }
    path.and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("source")?.get("priority")?.as_integer())
        .unwrap_or(0)
}

/// Loads every active record, in id order.
pub fn load(conn: &Connection) -> Result<Loaded> {
    let mut tables = Tables {
        names: Interner::new(),
        readings: Interner::new(),
        phones: Interner::new(),
        emails: Interner::new(),
        addresses: Interner::new(),
        towns: Interner::new(),
        postals: Interner::new(),
        numbers: Interner::new(),
        stores: Interner::new(),
        staff: Interner::new(),
    };
    let mut sources: Vec<Source> = Vec::new();
    let mut import_source: super::FastMap<i64, u16> = super::FastMap::default();
    {
        let mut st = conn.prepare("SELECT id, source FROM imports ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, source) = row?;
            let idx = match sources.iter().position(|s| s.name == source) {
                Some(i) => i,
                None => {
                    let priority = source_priority(conn, &source);
                    sources.push(Source { name: source, priority });
                    sources.len() - 1
                }
            };
            import_source.insert(id, idx as u16);
        }
    }
    // The latest dated event of each record.
    let mut latest: super::FastMap<i64, u32> = super::FastMap::default();
    {
        let mut st = conn.prepare("SELECT record_id, max(date) FROM events WHERE date IS NOT NULL GROUP BY record_id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?)))?;
        for row in rows {
            let (id, d) = row?;
            if let Some(d) = d {
                latest.insert(id, date_num(&d));
            }
        }
    }
    // The staff member on most of each record's events (ties: the first
    // key, so the choice is stable), counted by key: " 岡" and "岡" are one
    // stylist; a placeholder (フリー, 指名なし) is no staff member.
    let mut staff: super::FastMap<i64, Sym> = super::FastMap::default();
    {
        let mut st = conn.prepare(
            "SELECT record_id, staff, count(*) FROM events WHERE staff IS NOT NULL AND trim(staff) <> ''
             GROUP BY record_id, staff ORDER BY record_id",
        )?;
        let mut rows = st.query([])?;
        let mut counts: Vec<(String, u64)> = Vec::new();
        let mut current: Option<i64> = None;
        loop {
            let row = rows.next()?;
            let id = row.map(|r| r.get::<_, i64>(0)).transpose()?;
            if id != current {
                if let (Some(c), Some(k)) = (current, usual_staff(&mut counts)) {
                    staff.insert(c, tables.staff.intern(k));
                }
                counts.clear();
                current = id;
            }
            let Some(r) = row else { break };
            if let Some(k) = staff_key(&r.get::<_, String>(1)?) {
                counts.push((k, r.get::<_, i64>(2)? as u64));
            }
        }
    }
    let mut st = conn.prepare(
        "SELECT id, customer_id, import_id, customer_no, name_key, family_name, given_name, kana, family_kana, given_kana,
                birth_date, gender, phone_key, mobile_key, phone2_key, email_key, address_key, postal_code, first_visit, name, store
         FROM records WHERE status = 'active' AND customer_id IS NOT NULL ORDER BY id",
    )?;
    let mut rows = st.query([])?;
    let mut recs = Vec::new();
    while let Some(r) = rows.next()? {
        let s = |i: usize| -> rusqlite::Result<Option<String>> { r.get::<_, Option<String>>(i) };
        let id: i64 = r.get(0)?;
        let mut rec =
            Rec { id, customer: r.get(1)?, source: import_source.get(&r.get::<_, i64>(2)?).copied().unwrap_or(0), ..Rec::default() };
        // A customer number typed by hand: ｍ0000968, m0000968 and M0000968
        // are one number.
        rec.number = s(3)?.map_or(0, |v| tables.numbers.intern(&number_key(&v)));
        let name_key = s(4)?.unwrap_or_default();
        let family = s(5)?.map(|v| name::name_key(&v)).unwrap_or_default();
        let given = s(6)?.map(|v| name::name_key(&v)).unwrap_or_default();
        let display = s(19)?.unwrap_or_default();
        // The reading key of the whole reading, spaces removed first: the
        // long-vowel fold must not depend on whether a clerk typed the
        // space (ハスウラ アスカ and ハスウラアスカ are one reading).
        let mut reading = s(7)?.map(|v| reading_key(&v)).unwrap_or_default();
        let mut family_r = s(8)?.map(|v| reading_key(&v)).unwrap_or_default();
        let mut given_r = s(9)?.map(|v| reading_key(&v)).unwrap_or_default();
        // A value with bytes that did not decode, or a shop's own gaiji, is
        // not evidence: 山?太郎 in two records may be 山田 and 山本.
        if damaged(&reading) {
            (reading, family_r, given_r) = Default::default();
        }
        if damaged(&name_key) {
            // Nothing of the kanji name is compared.
        } else if is_kana(&display) {
            // A name written in kana is a reading, not a kanji name.
            if reading.is_empty() {
                reading = reading_key(&display);
                family_r = reading_key(&family);
                given_r = reading_key(&given);
            }
        } else {
            rec.name = tables.names.intern(&name_key);
            rec.family = tables.names.intern(&family);
            rec.given = tables.names.intern(&given);
        }
        rec.reading = tables.readings.intern(&reading);
        rec.family_r = tables.readings.intern(&family_r);
        rec.given_r = tables.readings.intern(&given_r);
        rec.birth = s(10)?.map_or(0, |v| date_num(&v));
        rec.gender = match s(11)?.as_deref() {
            Some("M") => 1,
            Some("F") => 2,
            Some(_) => 3,
            None => 0,
        };
        for i in 12..=14 {
            if let Some(p) = s(i)? {
                let sym = tables.phones.intern(&p);
                let list = if phone::kind_of(&p) == Some("mobile") { &mut rec.mobiles } else { &mut rec.landlines };
                if !list.contains(&sym) {
                    list.push(sym);
                }
            }
        }
        rec.email = s(15)?.map_or(0, |v| tables.emails.intern(&v));
        if let Some(a) = s(16)? {
            rec.address = tables.addresses.intern(&a);
            rec.town = tables.towns.intern(town_of(&a));
        }
        rec.postal = s(17)?.map_or(0, |v| tables.postals.intern(&v));
        let first_visit = s(18)?.map_or(0, |v| date_num(&v));
        rec.date = latest.get(&id).copied().unwrap_or(0).max(first_visit);
        rec.store = s(20)?.map_or(0, |v| tables.stores.intern(v.trim()));
        rec.staff = staff.get(&id).copied().unwrap_or(0);
        recs.push(rec);
    }
    // Given names as written, before any unspaced name is split by guess.
    let family_mobiles = family_mobiles(&recs, &tables);
    split_names(&mut recs, &tables.names);
    lend_readings(&mut recs, &tables.readings);
    let partners = slip_partners(&tables.phones);
    for r in recs.iter_mut() {
        for &p in r.mobiles.iter().chain(&r.landlines) {
            if let Some(qs) = partners.get(&p) {
                r.slips.extend(qs.iter().map(|&q| ((p.min(q) as u64) << 32) | p.max(q) as u64));
            }
        }
    }
    // A kanji name whose surname and given name each have a known reading
    // gets the whole reading (内田 → ウチダ and 真 → マコト: ウチダマコト).
    for r in recs.iter_mut() {
        if r.reading == 0 && r.name != 0 && r.family_r != 0 && r.given_r != 0 {
            r.lent = true;
            r.lent_full = true;
            let joined = format!("{}{}", tables.readings.get(r.family_r), tables.readings.get(r.given_r));
            r.reading = tables.readings.intern(&joined);
        }
    }
    for r in recs.iter_mut() {
        let first = |s: &str| s.chars().next().map_or(0, |c| c as u32);
        r.initials = [
            first(tables.names.get(r.name)),
            first(tables.readings.get(r.reading)),
            first(tables.names.get(r.given)),
            first(tables.readings.get(r.given_r)),
        ];
    }
    common_staff(&mut recs);
    rarity(&mut recs);
    Ok(Loaded { recs, family_mobiles, tables, sources })
}

/// Phones of the data one swap of two neighbouring digits away from
/// another phone of the data (09012345678 and 09012354678): each number
/// with the others it is so near. Asked of each distinct number once, by
/// looking its swaps up, instead of keying every record's phones by every
/// position and sorting them all.
fn slip_partners(phones: &Interner) -> super::FastMap<Sym, Vec<Sym>> {
    let mut out: super::FastMap<Sym, Vec<Sym>> = super::FastMap::default();
    let mut buf = [0u8; 32];
    for (sym, p) in phones.strings.iter().enumerate().skip(1) {
        let b = p.as_bytes();
        if b.len() > buf.len() {
            continue;
        }
        let k = &mut buf[..b.len()];
        k.copy_from_slice(b);
        for i in 0..b.len().saturating_sub(1) {
            if b[i] == b[i + 1] {
                continue;
            }
            k.swap(i, i + 1);
            // Only ever digits swapped in a string of digits: still UTF-8.
            if let Some(q) = std::str::from_utf8(k).ok().and_then(|q| phones.find(q)) {
                out.entry(sym as Sym).or_default().push(q);
            }
            k.swap(i, i + 1);
        }
    }
    out
}

/// Mobiles that records with clearly different given names give: two
/// readings that differ beyond loose typing, or two kanji given names that
/// are not a variant or a confusion of each other. Only the names as
/// written count (a reading lent from other records is a guess: 悠斗 is
/// ユウト to most, ハルト to some).
fn family_mobiles(recs: &[Rec], t: &Tables) -> super::FastSet<Sym> {
    use super::compare::{rel_kanji, Rel};
    const READING: u64 = 1 << 32;
    let mut seen: Vec<(Sym, u64)> = Vec::new();
    for r in recs {
        for &m in &r.mobiles {
            if r.given_r != 0 {
                seen.push((m, READING | r.given_r as u64));
            }
            if r.given != 0 {
                seen.push((m, r.given as u64));
            }
        }
    }
    seen.sort_unstable();
    seen.dedup();
    let mut out = super::FastSet::default();
    let mut loose: Vec<String> = Vec::new();
    let mut kanji: Vec<&str> = Vec::new();
    for group in seen.chunk_by(|x, y| x.0 == y.0) {
        if group.len() < 2 {
            continue;
        }
        loose.clear();
        kanji.clear();
        for &(_, v) in group {
            if v & READING != 0 {
                loose.push(crate::cleanse::kana::loose_kana_key(t.readings.get(v as Sym)));
            } else {
                kanji.push(t.names.get(v as Sym));
            }
        }
        loose.sort_unstable();
        loose.dedup();
        let kanji_differ =
            kanji.iter().enumerate().any(|(i, a)| kanji[i + 1..].iter().any(|b| matches!(rel_kanji(a, b), Rel::Different | Rel::Similar)));
        if loose.len() >= 2 || kanji_differ {
            out.insert(group[0].0);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_values_that_name_no_one() {
        for s in ["フリー", "ﾌﾘｰ", " 指名なし ", "---", "ー", "n/a", "岡\u{FFFD}", "〓"] {
            assert_eq!(staff_key(s), None, "{s:?}");
        }
        for s in ["岡", "村井", "Sato"] {
            assert!(staff_key(s).is_some(), "{s:?}");
        }
        // One stylist however the value was typed.
        assert_eq!(staff_key("ｵｶﾀﾞ"), staff_key("オカダ"));
        assert_eq!(staff_key(" Sato "), staff_key("sato"));
    }

    #[test]
    fn the_usual_stylist_counts_each_key_once_and_ties_go_to_the_first() {
        let mut v = vec![("b".to_string(), 1), ("a".to_string(), 1)];
        assert_eq!(usual_staff(&mut v), Some("a"));
        // " 岡" and "岡" were two rows of the query, one key here.
        let mut v = vec![("岡".to_string(), 2), ("村井".to_string(), 3), ("岡".to_string(), 2)];
        assert_eq!(usual_staff(&mut v), Some("岡"));
        assert_eq!(usual_staff(&mut []), None);
    }

    #[test]
    fn dates() {
        assert_eq!(date_num("1977-04-03"), 19770403);
        assert_eq!(date_num("1977-04"), 0);
        assert_eq!(date_num("1977-13-03"), 0);
    }

    #[test]
    fn damaged_text() {
        assert!(damaged("山\u{FFFD}太郎"));
        assert!(damaged("\u{E001}田"));
        assert!(damaged("〓田"));
        assert!(!damaged("山田太郎"));
    }

    #[test]
    fn towns() {
        assert_eq!(town_of("世田谷区太子堂3-31-27"), "世田谷区太子堂");
        assert_eq!(town_of("3-31-27"), "");
        assert_eq!(town_of("世田谷区太子堂"), "");
    }
}
