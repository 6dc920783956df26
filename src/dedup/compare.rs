//! Field comparisons: each field of a pair of records gets a level (exact,
//! close, different, missing…), on the cleansed matching keys and always on
//! characters, never bytes.
//!
//! The name is compared once, kanji and reading together (they are one
//! fact written twice, and counting them twice chains families together):
//! the level says how the two names relate — the same, close (a variant
//! kanji, a hand-copying confusion such as 太/大 or 郎/朗, a loosely typed
//! reading), the same given name under another surname (a marriage), the
//! same surname with another given name (a family member), or different.

use super::load::{Loaded, Rec, Sym, Tables};
use crate::cleanse::{itaiji, kana};

/// The compared fields, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum F {
    Name,
    Birth,
    Phone,
    Email,
    Address,
    Gender,
    Number,
}

impl F {
    pub const ALL: [F; 7] = [F::Name, F::Birth, F::Phone, F::Email, F::Address, F::Gender, F::Number];
    pub const N: usize = 7;

    pub fn name(self) -> &'static str {
        match self {
            F::Name => "name",
            F::Birth => "birth_date",
            F::Phone => "phone",
            F::Email => "email",
            F::Address => "address",
            F::Gender => "gender",
            F::Number => "customer_no",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            F::Name => "氏名",
            F::Birth => "生年月日",
            F::Phone => "電話",
            F::Email => "メール",
            F::Address => "住所",
            F::Gender => "性別",
            F::Number => "顧客番号",
        }
    }

    /// The level names in Japanese, for the review report.
    pub fn levels_ja(self) -> &'static [&'static str] {
        match self {
            F::Name => &["なし", "一致", "ほぼ一致", "類似", "名が一致・姓が異なる", "姓が一致・名が異なる", "不一致"],
            F::Birth => &["なし", "一致", "1桁違い", "月日の入れ違い", "不一致"],
            F::Phone => &["なし", "携帯が一致", "固定電話が一致", "携帯が異なる", "不一致"],
            F::Email => &["なし", "一致", "不一致"],
            F::Address => &["なし", "一致", "同じ町域・郵便番号", "不一致"],
            F::Gender => &["なし", "一致", "不一致"],
            F::Number => &["対象外", "同じ顧客番号", "別の顧客番号"],
        }
    }

    /// The level names, index = level; level 0 is always "missing" (one
    /// side has no value: no evidence either way).
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            F::Name => {
                &["missing", "exact", "close", "similar", "same given name, other surname", "same surname, other given name", "different"]
            }
            F::Birth => &["missing", "exact", "one digit off", "day and month swapped", "different"],
            F::Phone => &["missing", "shared mobile", "shared landline", "different mobiles", "different"],
            F::Email => &["missing", "exact", "different"],
            F::Address => &["missing", "exact", "same town or postal code", "different"],
            F::Gender => &["missing", "same", "different"],
            F::Number => &["not comparable", "same number in one source", "different numbers in one source"],
        }
    }
}

/// The levels of a pair, and the facts the rules need.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Comparison {
    pub levels: [u8; F::N],
    /// For levels whose weight depends on the value (term frequency): the
    /// agreeing value's symbol (a name's reading tagged with
    /// [`READING_TAG`]); 0 when not used.
    pub tf: [u32; F::N],
    /// Both given names are known and clearly different (not a variant, a
    /// confusion or a loose reading).
    pub given_differs: bool,
    /// The shared mobile is a family's (records with clearly different
    /// given names give it, see [`super::load::Loaded::family_mobiles`]),
    /// and one of the two names is kanji whose reading was lent by other
    /// records (a guess: 悠斗 is ユウト to most, ハルト to some).
    pub family_mobile: bool,
    /// The phone level comes from a phone keyed with two neighbouring
    /// digits swapped, not from one number in both records.
    pub phone_slip: bool,
    /// Both records come from one shop, and no one else there goes by the
    /// name they share (see [`super::load::Rec::alone`]).
    pub alone_in_shop: bool,
    /// The larger of the two records' expected namesakes.
    pub namesakes: f32,
    /// Both records name the same staff member as the one who served them
    /// most (see [`super::load::Rec::staff`]).
    pub same_staff: bool,
    /// The phones differ only because one record gives a landline and the
    /// other a mobile (nothing of one kind in both to compare).
    pub phone_kinds_differ: bool,
    /// The names agree through their readings only, and the reading may
    /// belong to another name: kanji that do not agree (two siblings named
    /// 悠斗 and 優斗 read the same), or a kanji name against kana only on the
    /// other side (a kana POS name against a ledger's kanji) where a reading
    /// lent to the kanji is not settled (悠斗 is ユウト to most, ハルト to
    /// some; see `load::lend_readings`). A kanji name whose reading is
    /// written, or lent from kanji the data reads one way only (理恵, リエ),
    /// against that reading in kana does not count.
    pub reading_only: bool,
}

/// Marks a reading symbol in [`Comparison::tf`] for the name.
pub const READING_TAG: u32 = 1 << 31;

/// How two strings relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rel {
    None,
    Equal,
    Close,
    Similar,
    Different,
}

/// Kanji pairs people confuse when copying a handwritten card, or that an
/// IME offers side by side: one substitution makes two names "close".
const CONFUSABLE: &[(char, char)] = &[
    ('太', '大'),
    ('郎', '朗'),
    ('斉', '斎'),
    ('祐', '裕'),
    ('未', '末'),
    ('土', '士'),
    ('己', '巳'),
    ('巳', '已'),
    ('己', '已'),
    ('王', '玉'),
    ('天', '夫'),
    ('治', '冶'),
    ('史', '吏'),
    ('崎', '埼'),
    ('嶋', '島'),
    ('淳', '惇'),
    ('恵', '惠'),
    ('富', '冨'),
    ('一', '壱'),
    ('子', '了'),
    ('瀬', '瀨'),
    ('沢', '澤'),
    ('辺', '邊'),
    ('博', '傅'),
];

/// Kanji an IME lists together for one sound, picked in haste (紀/記 キ,
/// 美/実 ミ, 智/知 トモ, 輔/介 スケ, 恵/慧 ケイ), and look-alikes (陽/揚,
/// 藤/籐). Unlike [`CONFUSABLE`], only within a name part of two characters
/// or more whose readings do not disagree (see [`rel_part`]): a one-kanji
/// given name is a whole name, and 恵 (メグミ) and 慧 (サトシ), 美 and 実,
/// are two siblings.
const HOMOPHONE: &[(char, char)] = &[('紀', '記'), ('美', '実'), ('智', '知'), ('輔', '介'), ('恵', '慧'), ('陽', '揚'), ('藤', '籐')];

/// Whether two name parts differ in one [`HOMOPHONE`] slip, the parts two
/// characters or more.
fn homophone_slip(a: &str, b: &str) -> bool {
    // Asked of most pairs with one surname: no allocation.
    let n = a.chars().count();
    if n < 2 || b.chars().count() != n {
        return false;
    }
    let mut diffs = a.chars().zip(b.chars()).filter(|(x, y)| x != y);
    match (diffs.next(), diffs.next()) {
        (Some((x, y)), None) => HOMOPHONE.iter().any(|&(p, q)| (p == x && q == y) || (p == y && q == x)),
        _ => false,
    }
}

/// One name part (a surname or a given name) in kanji, knowing how the
/// part's readings compare: as [`rel_kanji`], and a [`HOMOPHONE`] slip in a
/// part of two characters or more is close unless the readings disagree.
/// For the cluster guard, which asks whether a joined customer would carry
/// two given names: 佐々木友紀 and 佐々木友記 in one customer are one name
/// keyed in haste. Whether such a slip joins two records at all is decided
/// pair by pair, on stricter terms (see [`compare`]).
pub fn rel_part(a: &str, b: &str, reading: Rel) -> Rel {
    let k = rel_kanji(a, b);
    if matches!(k, Rel::Different | Rel::Similar) && !matches!(reading, Rel::Different | Rel::Similar) && homophone_slip(a, b) {
        Rel::Close
    } else {
        k
    }
}

fn confusable(a: char, b: char) -> bool {
    CONFUSABLE.iter().any(|&(x, y)| (x == a && y == b) || (x == b && y == a)) || itaiji::is_variant_pair(a, b)
}

/// Two kanji (or latin) name keys.
pub fn rel_kanji(a: &str, b: &str) -> Rel {
    if a.is_empty() || b.is_empty() {
        return Rel::None;
    }
    if a == b {
        return Rel::Equal;
    }
    if a.is_ascii() && b.is_ascii() {
        // Latin names: one typo (two in a long name) is close.
        let d = strsim::damerau_levenshtein(a, b);
        let n = a.len().min(b.len());
        return if (n >= 4 && d <= 1) || (n >= 8 && d <= 2) {
            Rel::Close
        } else if n >= 4 && strsim::jaro_winkler(a, b) >= 0.9 {
            Rel::Similar
        } else {
            Rel::Different
        };
    }
    let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if ca.len() == cb.len() {
        let diffs: Vec<(char, char)> = ca.iter().zip(&cb).filter(|(x, y)| x != y).map(|(x, y)| (*x, *y)).collect();
        if diffs.len() == 1 && confusable(diffs[0].0, diffs[0].1) {
            return Rel::Close;
        }
    }
    if similar(&ca, &cb) {
        Rel::Similar
    } else {
        Rel::Different
    }
}

/// Two reading keys (already folded: long vowels, small kana).
pub fn rel_reading(a: &str, b: &str) -> Rel {
    if a.is_empty() || b.is_empty() {
        return Rel::None;
    }
    if a == b {
        return Rel::Equal;
    }
    if kana::loose_kana_key(a) == kana::loose_kana_key(b) {
        return Rel::Close;
    }
    let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if similar(&ca, &cb) {
        Rel::Similar
    } else {
        Rel::Different
    }
}

/// Jaro-Winkler on characters, with a length floor: two short names one
/// character apart are not "similar" (ユウキ/ユウト are two people).
fn similar(a: &Vec<char>, b: &Vec<char>) -> bool {
    let n = a.len().min(b.len());
    n >= 4 && strsim::generic_jaro_winkler(a, b) >= 0.92
}

/// A surname and a given name of a record, splitting an unspaced name by
/// the other record's split when it can (`山田花子` against `山田 / 太郎`).
fn parts(full: &str, family: &str, given: &str, other_family: &str, other_given: &str) -> (String, String) {
    if !family.is_empty() && !given.is_empty() {
        return (family.to_string(), given.to_string());
    }
    // One part known (a surname's reading learned from other records, the
    // given name's not: 悠斗 is ユウト or ハルト): the whole name gives the
    // other part (クロヅカユウト less クロヅカ is ユウト).
    if !family.is_empty() {
        let rest = full.strip_prefix(family).unwrap_or_default();
        return (family.to_string(), rest.to_string());
    }
    if !given.is_empty() {
        let rest = full.strip_suffix(given).unwrap_or_default();
        return (rest.to_string(), given.to_string());
    }
    if full.is_empty() {
        return (String::new(), String::new());
    }
    if !other_family.is_empty() && full.len() > other_family.len() && full.starts_with(other_family) {
        return (other_family.to_string(), full[other_family.len()..].to_string());
    }
    if !other_given.is_empty() && full.len() > other_given.len() && full.ends_with(other_given) {
        return (full[..full.len() - other_given.len()].to_string(), other_given.to_string());
    }
    (String::new(), String::new())
}

/// Name parts compared: (family relation, given relation), each the better
/// of kanji and reading, and whether the given names clearly differ.
/// Also whether the kanji differ by one [`HOMOPHONE`] slip in a part of two
/// characters or more, the other part the same and the readings not
/// disagreeing (see [`compare`] for when that makes one name).
fn name_parts(l: &Loaded, a: &Rec, b: &Rec) -> (Rel, Rel, bool, bool) {
    let t = &l.tables;
    let (af, ag) = parts(t.names.get(a.name), t.names.get(a.family), t.names.get(a.given), t.names.get(b.family), t.names.get(b.given));
    let (bf, bg) = parts(t.names.get(b.name), t.names.get(b.family), t.names.get(b.given), &af, &ag);
    let (arf, arg) = parts(
        t.readings.get(a.reading),
        t.readings.get(a.family_r),
        t.readings.get(a.given_r),
        t.readings.get(b.family_r),
        t.readings.get(b.given_r),
    );
    let (brf, brg) = parts(t.readings.get(b.reading), t.readings.get(b.family_r), t.readings.get(b.given_r), &arf, &arg);
    let fr = rel_reading(&arf, &brf);
    let fk = rel_kanji(&af, &bf);
    let fam = best(fk, fr);
    let gr = rel_reading(&arg, &brg);
    let gk = rel_kanji(&ag, &bg);
    let giv = best(gk, gr);
    let differs = parts_differ(gk, gr, ag.is_ascii() && bg.is_ascii());
    let agree = |r: Rel| !matches!(r, Rel::Different | Rel::Similar);
    let slip = (fk == Rel::Equal && agree(gr) && homophone_slip(&ag, &bg)) || (gk == Rel::Equal && agree(fr) && homophone_slip(&af, &bf));
    (fam, giv, differs, slip)
}

/// Whether two name parts are clearly two names, from how their kanji (or
/// latin spelling) and their readings compare: the readings differ beyond
/// loose typing, or (with no readings to ask) the kanji differ beyond a
/// variant or confusion. Kanji that agree overrule a reading typo, and
/// readings that agree overrule another kanji for the same sound
/// (京子/恭子). A latin spelling one letter off is a romanisation's typo
/// only while the readings do not disagree: "sato, yuki" (ユキ) and "sato,
/// yuka" (ユカ) are two people. The pair comparison and the cluster guard
/// both ask this.
pub fn parts_differ(kanji: Rel, reading: Rel, latin: bool) -> bool {
    use Rel::*;
    match (kanji, reading) {
        (Close, Different | Similar) if latin => true,
        (Equal | Close, _) => false,
        (_, Equal | Close) => false,
        (_, Different | Similar) => true,
        (Different | Similar, None) => true,
        _ => false,
    }
}

fn best(a: Rel, b: Rel) -> Rel {
    let rank = |r: Rel| match r {
        Rel::Equal => 4,
        Rel::Close => 3,
        Rel::Similar => 2,
        Rel::Different => 1,
        Rel::None => 0,
    };
    if rank(a) >= rank(b) {
        a
    } else {
        b
    }
}

/// How two names compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameCmp {
    /// See [`F::levels`].
    pub level: u8,
    /// The given names clearly differ (or the names differ altogether).
    pub given_differs: bool,
    /// See [`Comparison::reading_only`].
    pub reading_only: bool,
    /// Other kanji for the very same reading (広山美穂 and 広山実穂, both
    /// ヒロヤマ ミホ): a slip at the keyboard, or two people who share a
    /// reading. Counted as different unless personal facts settle it.
    pub same_sound: bool,
    /// Kanji one [`HOMOPHONE`] slip apart (佐々木友紀 and 佐々木友記). Also
    /// counted as different unless personal facts settle it: 智子 and 知子
    /// (both トモコ) are two common names, a mother-in-law's and a
    /// daughter-in-law's.
    pub slip: bool,
    /// The names agree by their whole readings, each as written (none
    /// lent by other records).
    pub by_written_readings: bool,
}

/// The name level (see [`F::levels`]) and whether the given names differ.
pub fn name_level(l: &Loaded, a: &Rec, b: &Rec) -> NameCmp {
    if swapped(&l.tables, parts_of(a), parts_of(b)) {
        // Surname and given name entered the other way round (romaji and
        // western forms: "dixon, breony" and "breony, dixon").
        return NameCmp { level: 2, given_differs: false, reading_only: false, same_sound: false, slip: false, by_written_readings: false };
    }
    let t = &l.tables;
    let kx = if a.name != 0 && a.name == b.name { Rel::Equal } else { rel_kanji(t.names.get(a.name), t.names.get(b.name)) };
    let rx = if a.reading != 0 && a.reading == b.reading {
        Rel::Equal
    } else {
        rel_reading(t.readings.get(a.reading), t.readings.get(b.reading))
    };
    let (fam, giv, given_differs, slip) = name_parts(l, a, b);
    let latin = || a.name != 0 && b.name != 0 && t.names.get(a.name).is_ascii() && t.names.get(b.name).is_ascii();
    use Rel::*;
    let level = match (kx, rx) {
        // One name in kanji only, the other in kana only: the parts whose
        // readings the data taught (a given name's reading is learned from
        // the many records that give both; a rare surname's often is not)
        // say what they can.
        (None, None) => match (fam, giv) {
            (Equal | Close, Equal | Close) => 2,
            (None, Equal | Close) => 3,
            (Different | Similar, Equal | Close) => 4,
            (Equal | Close, _) if given_differs => 5,
            _ if given_differs => 6,
            _ => 0,
        },
        (Equal, Equal | Close | None) | (None, Equal) => 1,
        (Equal, _) | (Close, Equal | Close | None) | (None, Close) | (Similar, Equal) => 2,
        _ if given_differs && matches!(fam, Equal | Close) => 5,
        // One record without a surname, the given names alike.
        _ if fam == None && matches!(giv, Equal | Close) && !given_differs => 3,
        _ if matches!(giv, Equal | Close) && matches!(fam, Different | Similar) => 4,
        // Whole names alike. In kanji or kana that says nothing when the
        // given names could not be told apart: a shared surname makes any
        // two unspaced names alike (サトウユウキ / サトウユウト are brothers).
        // Latin names are not written unspaced by family.
        _ if !given_differs && (kx == Similar || rx == Similar) && (giv != None || latin()) => 3,
        _ => 6,
    };
    // Names that differ altogether count as clearly different too.
    let some_kanji = a.name != 0 || b.name != 0;
    let by_written_readings = rx == Equal && !a.lent_full && !b.lent_full;
    NameCmp {
        level,
        given_differs: (given_differs && level > 2) || level == 6,
        reading_only: some_kanji && !matches!(kx, Equal | Close) && !(kx == None && (by_written_readings || (a.settled && b.settled))),
        same_sound: level == 6 && kx == Different && rx == Equal && !given_differs,
        slip: matches!(level, 5 | 6) && slip,
        by_written_readings,
    }
}

/// A record's name parts as symbols: (surname, given name, surname
/// reading, given-name reading).
pub type Parts = (Sym, Sym, Sym, Sym);

pub fn parts_of(r: &Rec) -> Parts {
    (r.family, r.given, r.family_r, r.given_r)
}

/// Whether one record's surname is the other's given name and the other
/// way round (both parts known on both sides, and not one name twice).
/// Readings alone decide only when the two do not both have kanji parts:
/// a reading may be lent by other records, the kanji are what was written.
/// Latin names may carry a typo in each crossed part ("giaan, blackwell"
/// and "blacwell, giaan"), as long as the parts do not also agree the
/// straight way.
pub fn swapped(t: &Tables, (af, ag, afr, agr): Parts, (bf, bg, bfr, bgr): Parts) -> bool {
    if af != 0 && ag != 0 && bf != 0 && bg != 0 {
        if af != ag && af == bg && ag == bf {
            return true;
        }
        let (af, ag, bf, bg) = (t.names.get(af), t.names.get(ag), t.names.get(bf), t.names.get(bg));
        let near = |x: &str, y: &str| matches!(rel_kanji(x, y), Rel::Equal | Rel::Close);
        // Readings that disagree say two names, whatever the spelling:
        // "sato, mika" (ミカ) and "rika, sato" (リカ) are twins.
        let readings_differ = |x: Sym, y: Sym| matches!(rel_reading(t.readings.get(x), t.readings.get(y)), Rel::Different | Rel::Similar);
        return [af, ag, bf, bg].iter().all(|p| p.is_ascii())
            && near(af, bg)
            && near(ag, bf)
            && !near(af, ag)
            && !(near(af, bf) && near(ag, bg))
            && !readings_differ(afr, bgr)
            && !readings_differ(agr, bfr);
    }
    afr != 0 && agr != 0 && afr != agr && afr == bgr && agr == bfr
}

/// Birth dates (yyyymmdd numbers).
pub fn birth_level(a: u32, b: u32) -> u8 {
    if a == 0 || b == 0 {
        return 0;
    }
    if a == b {
        return 1;
    }
    let (sa, sb) = (format!("{a:08}"), format!("{b:08}"));
    let off = sa.bytes().zip(sb.bytes()).filter(|(x, y)| x != y).count();
    if off == 1 {
        return 2;
    }
    let (ya, ma, da) = (a / 10000, a / 100 % 100, a % 100);
    let (yb, mb, db) = (b / 10000, b / 100 % 100, b % 100);
    if ya == yb && ma == db && da == mb {
        return 3;
    }
    4
}

/// Compares two records field by field.
pub fn compare(l: &Loaded, a: &Rec, b: &Rec) -> Comparison {
    let mut c = Comparison::default();
    let n = name_level(l, a, b);
    let nl = n.level;
    c.levels[F::Name as usize] = nl;
    c.given_differs = n.given_differs;
    c.reading_only = n.reading_only;
    if nl == 1 {
        c.tf[F::Name as usize] = if a.name != 0 && a.name == b.name { a.name } else { a.reading | READING_TAG };
    }
    c.alone_in_shop = a.alone != 0 && a.alone == b.alone;
    c.namesakes = a.namesakes.max(b.namesakes);
    c.same_staff = a.staff != 0 && a.staff == b.staff;
    c.levels[F::Birth as usize] = birth_level(a.birth, b.birth);
    // Phones: any of one equal to any of the other; a mobile is a person's,
    // a landline a household's.
    let phones_a = a.mobiles.len() + a.landlines.len();
    let phones_b = b.mobiles.len() + b.landlines.len();
    c.levels[F::Phone as usize] = if phones_a == 0 || phones_b == 0 {
        0
    } else if let Some(p) = shared(&a.mobiles, &b.mobiles) {
        c.tf[F::Phone as usize] = p;
        // Names matched on two whole readings as given depend on no guess;
        // otherwise a reading lent to one of them may be the guess.
        c.family_mobile = !n.by_written_readings && (a.lent || b.lent) && l.family_mobiles.contains(&p);
        1
    } else if let Some(p) = shared(&a.landlines, &b.landlines) {
        c.tf[F::Phone as usize] = p;
        2
    } else if keyed_alike(l, &a.mobiles, &b.mobiles) {
        // The same mobile with two neighbouring digits keyed in the wrong
        // order (09012345678 / 09012354678): a typing slip, not another
        // number (a random mobile is one such slip away from a given one
        // about once in ten million; see the weight). No term frequency:
        // the value is not one value.
        c.phone_slip = true;
        1
    } else if keyed_alike(l, &a.landlines, &b.landlines) {
        c.phone_slip = true;
        2
    } else if !a.mobiles.is_empty() && !b.mobiles.is_empty() {
        3
    } else {
        c.phone_kinds_differ = a.landlines.is_empty() || b.landlines.is_empty();
        4
    };
    c.levels[F::Email as usize] = match (a.email, b.email) {
        (0, _) | (_, 0) => 0,
        (x, y) if x == y => {
            c.tf[F::Email as usize] = x;
            1
        }
        _ => 2,
    };
    c.levels[F::Address as usize] = if a.address != 0 && a.address == b.address {
        c.tf[F::Address as usize] = a.address;
        1
    } else if (a.town != 0 && a.town == b.town) || (a.postal != 0 && a.postal == b.postal) {
        2
    } else if (a.address == 0 && a.postal == 0) || (b.address == 0 && b.postal == 0) {
        0
    } else {
        3
    };
    c.levels[F::Gender as usize] = match (a.gender, b.gender) {
        (0, _) | (_, 0) => 0,
        (x, y) if x == y => 1,
        _ => 2,
    };
    c.levels[F::Number as usize] = if a.source != b.source || a.number == 0 || b.number == 0 {
        0
    } else if a.number == b.number {
        1
    } else {
        2
    };
    // The same reading in other kanji, the same birth date and a mobile or
    // e-mail of their own in common: one person whose name was keyed with
    // the wrong kanji (two people with one reading and one birthday, twins
    // aside, do not share a mobile; twins are not named alike). Both
    // readings as written: a reading lent by other records may be the
    // wrong one (実紀 is ミキ to some, ミノリ to a twin's parents).
    let own_contact = (c.levels[F::Phone as usize] == 1 && !c.phone_slip) || c.levels[F::Email as usize] == 1;
    if n.same_sound && n.by_written_readings && c.levels[F::Birth as usize] == 1 && own_contact {
        c.levels[F::Name as usize] = 3;
        c.given_differs = false;
    }
    // A homophone slip (佐々木友紀 / 佐々木友記) under one customer number of
    // one source with a mobile or e-mail in common (the shop's own record of
    // one person): the clerk picked the wrong kanji the IME offered.
    // Without it the two are two names: 智子 and 知子 in one household,
    // twins 美紀 and 実紀 with one birth date on their mother's mobile and
    // e-mail.
    if n.slip && c.levels[F::Number as usize] == 1 && own_contact {
        c.levels[F::Name as usize] = 3;
        c.given_differs = false;
    }
    c
}

fn shared(a: &[Sym], b: &[Sym]) -> Option<Sym> {
    a.iter().find(|x| b.contains(x)).copied()
}

/// Whether a phone of one list is a phone of the other with two
/// neighbouring digits swapped.
fn keyed_alike(l: &Loaded, a: &[Sym], b: &[Sym]) -> bool {
    a.iter().any(|&x| b.iter().any(|&y| transposed(l.tables.phones.get(x), l.tables.phones.get(y))))
}

/// Two strings of one length that differ only by one swap of neighbouring
/// characters.
pub fn transposed(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a == b {
        return false;
    }
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else { return false };
    i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanji_relations() {
        assert_eq!(rel_kanji("山田太郎", "山田太郎"), Rel::Equal);
        assert_eq!(rel_kanji("山田太郎", "山田大郎"), Rel::Close);
        assert_eq!(rel_kanji("山田太郎", "山田太朗"), Rel::Close);
        assert_eq!(rel_kanji("山田太郎", "山田花子"), Rel::Different);
        assert_eq!(rel_kanji("", "山田花子"), Rel::None);
        // Latin names: a typo is close, another name is not.
        assert_eq!(rel_kanji("annabelle", "annabdlle"), Rel::Close);
        assert_eq!(rel_kanji("monique", "jecob"), Rel::Different);
    }

    #[test]
    fn a_homophone_slip_is_close_only_in_a_part_of_two_characters() {
        // 友紀/友記 (both ユキ): one name keyed in haste.
        assert_eq!(rel_part("友紀", "友記", Rel::None), Rel::Close);
        assert_eq!(rel_part("友紀", "友記", Rel::Equal), Rel::Close);
        assert_eq!(rel_part("佐藤", "佐籐", Rel::None), Rel::Close);
        // The readings say two names: 智美 トモミ and 知美 チミ do not agree.
        assert_eq!(rel_part("智美", "知美", Rel::Different), Rel::Different);
        // A one-kanji given name is a whole name: 恵 and 慧 are two siblings.
        assert_eq!(rel_part("恵", "慧", Rel::None), Rel::Different);
        assert_eq!(rel_part("美", "実", Rel::Equal), Rel::Different);
        // Two slips are not one.
        assert_eq!(rel_part("美紀", "実記", Rel::None), Rel::Different);
        // Not in the whole-name comparison, which cannot tell the parts.
        assert_eq!(rel_kanji("森岡恵", "森岡慧"), Rel::Different);
    }

    #[test]
    fn readings_are_characters_not_bytes() {
        assert_eq!(rel_reading("タカハシ", "タカハシ"), Rel::Equal);
        // Voicing typed loosely.
        assert_eq!(rel_reading("ヤマサキ", "ヤマザキ"), Rel::Close);
        // Short given names one kana apart are two people.
        assert_eq!(rel_reading("ユウキ", "ユウト"), Rel::Different);
        assert_eq!(rel_reading("ワタナベタロウ", "ワタナベタロ"), Rel::Similar);
    }

    #[test]
    fn phone_slips() {
        assert!(transposed("09012345678", "09012354678"));
        assert!(!transposed("09012345678", "09012345678"));
        assert!(!transposed("09012345678", "09012345679"));
        assert!(!transposed("09012345678", "09021345687"));
        assert!(!transposed("0901234567", "09012345678"));
    }

    #[test]
    fn birth_levels() {
        assert_eq!(birth_level(19770403, 19770403), 1);
        assert_eq!(birth_level(19770403, 19770408), 2);
        assert_eq!(birth_level(19770403, 19770304), 3);
        assert_eq!(birth_level(19770403, 19800101), 4);
        assert_eq!(birth_level(0, 19800101), 0);
    }

    #[test]
    fn unspaced_names_split_by_the_other() {
        assert_eq!(parts("山田花子", "", "", "山田", "太郎"), ("山田".to_string(), "花子".to_string()));
        assert_eq!(parts("佐藤花子", "", "", "山田", "花子"), ("佐藤".to_string(), "花子".to_string()));
        // One part known: the whole name gives the other.
        assert_eq!(parts("クロズカユウト", "クロズカ", "", "", ""), ("クロズカ".to_string(), "ユウト".to_string()));
        assert_eq!(parts("クロズカユウト", "", "ユウト", "", ""), ("クロズカ".to_string(), "ユウト".to_string()));
        assert_eq!(parts("ヤマダユウト", "クロズカ", "", "", ""), ("クロズカ".to_string(), String::new()));
        assert_eq!(parts("佐藤花子", "", "", "", ""), (String::new(), String::new()));
    }
}
