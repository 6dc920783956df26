//! Loading the active records into memory in the shape matching needs:
//! every matching key interned to a small integer (equality is an integer
//! compare, frequencies are an array lookup), birth dates as numbers,
//! phones sorted into mobiles and landlines, and what the data itself
//! teaches about names: the readings of kanji that other records write
//! (`lend_readings`), where unspaced names split (`split_names`), and the
//! reading of a name written in romaji.

use anyhow::Result;
use rusqlite::Connection;

use crate::cleanse::{kana, name, phone};
use crate::hash::FastMap;

/// An interned string: 0 is "no value".
pub type Sym = u32;

/// Strings of one kind (names, readings, phones…) interned.
#[derive(Default)]
pub struct Interner {
    map: std::collections::HashMap<String, Sym>,
    strings: Vec<String>,
}

impl Interner {
    fn new() -> Self {
        Interner { map: std::collections::HashMap::new(), strings: vec![String::new()] }
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

/// Where a reading comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Src {
    /// No reading.
    #[default]
    None,
    /// Written in the record (its reading field, or the name in kana).
    Written,
    /// Lent by other records that write the same kanji with a reading.
    Lent,
    /// Lent, from kanji the data reads one way only (at least
    /// [`SETTLED_MIN`] records write it with a reading, nineteen in twenty
    /// alike): as good as written.
    Settled,
    /// Read from the name's romaji (vowel length unknown).
    Romaji,
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
    /// Reading keys: full, surname, given (from the kana field, from a
    /// name written in kana, lent by other records, or read from romaji).
    pub reading: Sym,
    pub family_r: Sym,
    pub given_r: Sym,
    /// Where each reading (full, surname, given) comes from.
    pub src: [Src; 3],
    /// yyyymmdd; 0 when unknown or not to the day.
    pub birth: u32,
    /// The birth year when only the year is known (0 otherwise).
    pub birth_year: u16,
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
    /// The postal code with the address's numbers (its house or block
    /// numbers, 858-1), hashed; 0 when either is missing.
    pub house: u64,
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
    /// The record's source numbers one row per customer (a ledger's or a
    /// card file's numbers), rather than one customer over many rows (a POS
    /// member code on each receipt): see [`number_kinds`].
    pub number_once: bool,
    /// The name is a foreign one, by what was written: katakana only a
    /// foreign name uses (ァ ィ ゥ ェ ォ ヴ, a ・ between its parts), or latin
    /// letters that are not romaji. Its readings are also compared as
    /// heard ([`crate::cleanse::kana::by_ear`]).
    pub foreign: bool,
}

/// A source (an import's `source` name) and its priority.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub priority: i64,
}

pub struct Loaded {
    pub recs: Vec<Rec>,
    pub tables: Tables,
    pub sources: Vec<Source>,
}

/// Whether each source's customer numbers stand for one row each or for a
/// customer over many rows, read from the source itself: where fewer than
/// one numbered row in five shares its number with another row, the source
/// numbers rows (a ledger, a card file), and two of its rows for one person
/// carry two numbers by the nature of the source (a second card); where
/// more do, a number is the source's own identity of a customer (a POS
/// member code on each receipt), and two numbers say two customers. The
/// model learns the weight of each kind of difference apart.
fn number_kinds(recs: &mut [Rec], sources: usize) {
    let mut counts: FastMap<(u16, Sym), u32> = FastMap::default();
    for r in recs.iter().filter(|r| r.number != 0) {
        *counts.entry((r.source, r.number)).or_default() += 1;
    }
    let mut numbered = vec![0u64; sources.max(1)];
    let mut shared = vec![0u64; sources.max(1)];
    for (&(source, _), &n) in &counts {
        let s = source as usize;
        if s < numbered.len() {
            numbered[s] += n as u64;
            if n > 1 {
                shared[s] += n as u64;
            }
        }
    }
    for r in recs.iter_mut() {
        let s = r.source as usize;
        r.number_once = s < numbered.len() && shared[s] * 5 < numbered[s];
    }
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

/// The year of a date known only to the year ("1977", "1977-04"); 0 when
/// none.
pub fn year_num(s: &str) -> u16 {
    let b = s.as_bytes();
    if b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit) && (b.len() == 4 || b[4] == b'-') {
        s[..4].parse().unwrap_or(0)
    } else {
        0
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
/// card's 上本 弘子). A kanji read two ways (no reading in four of five of
/// the records that write one) lends nothing: 真 is マコト and シン.
/// A lent reading is marked [`Src::Lent`]: the comparison weighs it as
/// the guess it is.
fn lend_readings(recs: &mut [Rec], readings: &Interner) {
    /// kanji → (its reading, settled), when at least four in five of the
    /// records that write the kanji with a reading agree; settled when at
    /// least [`SETTLED_MIN`] records write it and all but one in twenty
    /// agree once typing slips are folded.
    fn learn(pairs: impl Iterator<Item = (Sym, Sym)>, readings: &Interner) -> FastMap<Sym, (Sym, bool)> {
        let mut counts: FastMap<(Sym, Sym), u32> = FastMap::default();
        for (k, r) in pairs {
            if k != 0 && r != 0 {
                *counts.entry((k, r)).or_default() += 1;
            }
        }
        let mut entries: Vec<((Sym, Sym), u32)> = counts.into_iter().collect();
        entries.sort_unstable();
        let mut lent = FastMap::default();
        let mut loose: Vec<(String, u32)> = Vec::new();
        for group in entries.chunk_by(|x, y| x.0 .0 == y.0 .0) {
            let all: u32 = group.iter().map(|e| e.1).sum();
            // The first of the most frequent readings (entries are sorted).
            let top = group.iter().fold(group[0], |best, &e| if e.1 > best.1 { e } else { best });
            if top.1 * 5 < all * 4 {
                continue;
            }
            let settled = all >= SETTLED_MIN && {
                loose.clear();
                for &((_, r), n) in group {
                    let key = kana::loose_kana_key(readings.get(r));
                    match loose.iter_mut().find(|(k, _)| *k == key) {
                        Some(e) => e.1 += n,
                        None => loose.push((key, n)),
                    }
                }
                loose.iter().map(|e| e.1).max().unwrap_or(0) * 20 >= all * 19
            };
            lent.insert(group[0].0 .0, (top.0 .1, settled));
        }
        lent
    }
    let full = learn(recs.iter().filter(|r| r.src[0] == Src::Written).map(|r| (r.name, r.reading)), readings);
    let family = learn(recs.iter().filter(|r| r.src[1] == Src::Written).map(|r| (r.family, r.family_r)), readings);
    let given = learn(recs.iter().filter(|r| r.src[2] == Src::Written).map(|r| (r.given, r.given_r)), readings);
    for r in recs.iter_mut() {
        for (i, (kanji, reading, table)) in
            [(r.name, &mut r.reading, &full), (r.family, &mut r.family_r, &family), (r.given, &mut r.given_r, &given)]
                .into_iter()
                .enumerate()
        {
            if *reading == 0 {
                if let Some(&(lent, settled)) = table.get(&kanji) {
                    *reading = lent;
                    r.src[i] = if settled { Src::Settled } else { Src::Lent };
                }
            }
        }
    }
}

/// Whether a name (or its reading) as written is foreign: see
/// [`Rec::foreign`].
/// (Names and readings are stored normalised: half-width kana are already
/// full width here.)
fn foreign_written(v: &str) -> bool {
    if v.is_empty() {
        return false;
    }
    if v.is_ascii() {
        return v.bytes().any(|b| b.is_ascii_alphabetic()) && crate::cleanse::romaji::to_katakana(v).is_none();
    }
    v.chars().any(|c| matches!(c, 'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ヴ' | '・' | 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ'))
}

/// Records that must write a kanji with a reading, all alike, before a
/// reading lent from that kanji counts as settled (理恵 is リエ wherever it
/// is written; 悠斗 is ユウト in most records and ハルト in some).
pub const SETTLED_MIN: u32 = 20;

/// Latin names read as romaji where they can be (山口 里美 written
/// `Yamaguchi Rimi` reads ヤマグチ リミ); a name that is not romaji (`Tran
/// Thu Trang`) gets no reading. Only where the record has no reading of its
/// own.
fn romaji_readings(recs: &mut [Rec], t: &mut Tables) {
    let read = |sym: Sym, t: &mut Tables| -> Sym {
        let s = t.names.get(sym);
        if sym == 0 || !s.is_ascii() {
            return 0;
        }
        match crate::cleanse::romaji::to_katakana(s) {
            Some(k) => t.readings.intern(&reading_key(&k)),
            None => 0,
        }
    };
    for r in recs.iter_mut() {
        for (i, sym) in [r.name, r.family, r.given].into_iter().enumerate() {
            let slot = match i {
                0 => r.reading,
                1 => r.family_r,
                _ => r.given_r,
            };
            if slot != 0 {
                continue;
            }
            let k = read(sym, t);
            if k != 0 {
                match i {
                    0 => r.reading = k,
                    1 => r.family_r = k,
                    _ => r.given_r = k,
                }
                r.src[i] = Src::Romaji;
            }
        }
    }
}

/// Names written without a space (`久保裕介`) split where the data itself
/// splits them: the head a surname and the tail a given name that other
/// records give as such (each in at least two records), and only one way
/// of cutting the name fits. Otherwise the name stays whole (a surname and
/// a given name are not guessed from a dictionary).
fn split_names(recs: &mut [Rec], names: &Interner) {
    let mut families: FastMap<Sym, u32> = FastMap::default();
    let mut givens: FastMap<Sym, u32> = FastMap::default();
    for r in recs.iter() {
        if r.family != 0 && r.given != 0 {
            *families.entry(r.family).or_default() += 1;
            *givens.entry(r.given).or_default() += 1;
        }
    }
    let known = |m: &FastMap<Sym, u32>, s: &str| names.find(s).filter(|k| m.get(k).is_some_and(|&n| n >= 2));
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
    let mut per: FastMap<(Sym, Sym), u32> = FastMap::default();
    let mut total: FastMap<Sym, u32> = FastMap::default();
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
/// A postal code and the numbers of an address (`高柳東町858-1` → 858, 1;
/// `1 michael holt crescent` → 1) as one key; 0 when the address has no
/// number.
fn house_of(postal: Sym, address: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ postal as u64;
    let mut any = false;
    let mut in_run = false;
    for b in address.bytes() {
        if b.is_ascii_digit() {
            any = true;
            in_run = true;
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        } else if in_run {
            in_run = false;
            h = (h ^ b'-' as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    if any {
        h.max(1)
    } else {
        0
    }
}

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
    let mut import_source: FastMap<i64, u16> = FastMap::default();
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
    let mut latest: FastMap<i64, u32> = FastMap::default();
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
    let mut staff: FastMap<i64, Sym> = FastMap::default();
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
        let kana_raw = s(7)?;
        rec.foreign = [display.as_str(), kana_raw.as_deref().unwrap_or("")].iter().any(|v| foreign_written(v));
        let mut reading = kana_raw.map(|v| reading_key(&v)).unwrap_or_default();
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
        for (i, sym) in [rec.reading, rec.family_r, rec.given_r].into_iter().enumerate() {
            if sym != 0 {
                rec.src[i] = Src::Written;
            }
        }
        if let Some(b) = s(10)? {
            rec.birth = date_num(&b);
            if rec.birth == 0 {
                rec.birth_year = year_num(&b);
            }
        }
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
        if rec.postal != 0 && rec.address != 0 {
            rec.house = house_of(rec.postal, tables.addresses.get(rec.address));
        }
        let first_visit = s(18)?.map_or(0, |v| date_num(&v));
        rec.date = latest.get(&id).copied().unwrap_or(0).max(first_visit);
        rec.store = s(20)?.map_or(0, |v| tables.stores.intern(v.trim()));
        rec.staff = staff.get(&id).copied().unwrap_or(0);
        recs.push(rec);
    }
    split_names(&mut recs, &tables.names);
    lend_readings(&mut recs, &tables.readings);
    romaji_readings(&mut recs, &mut tables);
    let partners = slip_partners(&tables.phones);
    for r in recs.iter_mut() {
        for &p in r.mobiles.iter().chain(&r.landlines) {
            if let Some(qs) = partners.get(&p) {
                r.slips.extend(qs.iter().map(|&q| ((p.min(q) as u64) << 32) | p.max(q) as u64));
            }
        }
    }
    // A kanji name whose surname and given name each have a known reading
    // gets the whole reading (内田 → ウチダ and 真 → マコト: ウチダマコト), as
    // sure as the less sure of the two.
    for r in recs.iter_mut() {
        if r.reading == 0 && r.name != 0 && r.family_r != 0 && r.given_r != 0 {
            let joined = format!("{}{}", tables.readings.get(r.family_r), tables.readings.get(r.given_r));
            r.reading = tables.readings.intern(&joined);
            let sure = |s: Src| matches!(s, Src::Written | Src::Settled);
            r.src[0] = if sure(r.src[1]) && sure(r.src[2]) {
                Src::Settled
            } else if r.src[1] == Src::Romaji || r.src[2] == Src::Romaji {
                Src::Romaji
            } else {
                Src::Lent
            };
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
    number_kinds(&mut recs, sources.len());
    Ok(Loaded { recs, tables, sources })
}

/// Phones of the data one swap of two neighbouring digits away from
/// another phone of the data (09012345678 and 09012354678): each number
/// with the others it is so near. Asked of each distinct number once, by
/// looking its swaps up, instead of keying every record's phones by every
/// position and sorting them all.
fn slip_partners(phones: &Interner) -> FastMap<Sym, Vec<Sym>> {
    let mut out: FastMap<Sym, Vec<Sym>> = FastMap::default();
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
