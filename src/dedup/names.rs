//! How two names relate, part by part, in one reading space: kanji,
//! hiragana, katakana and latin letters are compared on what they say
//! (their reading), not on the script they were typed in.
//!
//! A name part (a surname or a given name) has what was written — kanji,
//! latin letters, or nothing when the record gives the name in kana only —
//! and a reading: written in the record's reading field (or the name
//! itself in kana), lent by other records that write the same kanji with a
//! reading (see `load::lend_readings`), or read from romaji
//! ([`crate::cleanse::romaji`]). [`compare_part`] says how two parts relate
//! as a [`NameLevel`]; [`compare_names`] does it for the surname and the
//! given name of two records, splitting an unspaced name where the other
//! record's parts show where it splits, and noticing parts entered the
//! other way round.
//!
//! Nothing here decides a match: a level's weight is learned from the data
//! (see `model`). What is fixed here is only what the characters say: 髙/高
//! is one kanji, 太/大 a copying slip, 克之/勝之 two kanji for one reading.

use super::load::{Rec, Src, Tables};
use crate::cleanse::{itaiji, kana};

/// How two name parts (or two whole names) relate. The order is from
/// agreeing to disagreeing; `Missing` means nothing to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum NameLevel {
    /// Nothing to compare (one side has no value, or no reading to set
    /// against the other side's script).
    Missing = 0,
    /// The same kanji, the same latin spelling, or (two kana names) the
    /// same reading.
    Exact,
    /// One slip: a variant kanji (髙/高, 邊/辺), a copying confusion (太/大,
    /// 郎/朗), one typo in a latin spelling, a romanisation variant
    /// (Ohno/Ono), a loosely typed reading (ヤマサキ/ヤマザキ).
    Variant,
    /// Another script with the same reading as written on the record:
    /// 山口 (ヤマグチ) against ヤマグチ or Yamaguchi.
    Kana,
    /// Another script with the same reading, where one side's reading was
    /// lent by the data's other records that write the same kanji (a
    /// kanji name with no reading of its own against kana): 柳口 read
    /// ヤナギクチ elsewhere, against ヤナギクチ.
    Lent,
    /// Another script whose reading agrees only loosely (voicing, vowel
    /// length), or only by a lent reading that loosely.
    KanaLoose,
    /// Other kanji for the same reading, both readings written (克之/勝之,
    /// each カツユキ): one name typed two ways, or (rarely) a mother and a
    /// daughter-in-law.
    Homophone,
    /// Other kanji that only may be one sound: one kanji an IME offers beside
    /// the other (紀/記, 美/実) with no readings to confirm it, or a reading
    /// lent by other records. Twins 美紀 (ミキ) and 実紀 (ミノリ) look so.
    HomophoneGuess,
    /// Alike but not one slip: Jaro-Winkler ≥ 0.92 on four or more
    /// characters (readings) or 0.9 (latin).
    Similar,
    /// Two different names.
    Different,
}

impl NameLevel {
    pub const ALL: [NameLevel; 10] = [
        NameLevel::Missing,
        NameLevel::Exact,
        NameLevel::Variant,
        NameLevel::Kana,
        NameLevel::Lent,
        NameLevel::KanaLoose,
        NameLevel::Homophone,
        NameLevel::HomophoneGuess,
        NameLevel::Similar,
        NameLevel::Different,
    ];

    /// The name agrees (as far as the characters can say).
    pub fn agrees(self) -> bool {
        matches!(self, NameLevel::Exact | NameLevel::Variant | NameLevel::Kana | NameLevel::Lent | NameLevel::KanaLoose)
    }
}

/// Kanji pairs people confuse when copying a handwritten card: one such
/// substitution makes two names a [`NameLevel::Variant`].
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
    // A scan read by OCR, or a card copied by eye: kanji and the katakana
    // drawn alike (山口 / 山ロ, 加藤 / カ藤, 夕子 / タ子).
    ('口', 'ロ'),
    ('力', 'カ'),
    ('工', 'エ'),
    ('夕', 'タ'),
    ('二', 'ニ'),
    ('八', 'ハ'),
    ('卜', 'ト'),
    ('一', 'ー'),
    ('才', 'オ'),
];

/// Kanji an IME lists together for one sound, picked in haste (紀/記 キ,
/// 美/実 ミ, 智/知 トモ, 輔/介 スケ, 恵/慧 ケイ), and look-alikes (陽/揚,
/// 藤/籐): one such substitution in a part of two characters or more, when
/// the readings do not disagree, is a [`NameLevel::Homophone`] even where
/// no reading is written. (A one-kanji given name is a whole name: 恵 and
/// 慧 are two siblings.)
const HOMOPHONE: &[(char, char)] = &[('紀', '記'), ('美', '実'), ('智', '知'), ('輔', '介'), ('恵', '慧'), ('陽', '揚'), ('藤', '籐')];

fn in_table(table: &[(char, char)], a: char, b: char) -> bool {
    table.iter().any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

/// The one pair of characters in which two strings of one length differ,
/// if they differ in exactly one.
fn one_substitution(a: &str, b: &str) -> Option<(char, char)> {
    let mut diff = None;
    let (mut ia, mut ib) = (a.chars(), b.chars());
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return diff,
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) if diff.is_none() => diff = Some((x, y)),
            _ => return None,
        }
    }
}

/// Jaro-Winkler on characters with a length floor: two short names one
/// character apart are not "similar" (ユウキ/ユウト are two people).
fn similar(a: &str, b: &str, threshold: f64) -> bool {
    let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    ca.len().min(cb.len()) >= 4 && strsim::generic_jaro_winkler(&ca, &cb) >= threshold
}

/// One name part as the comparison sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Part<'a> {
    /// The kanji or latin key ("" when the record gives the name in kana
    /// only).
    pub written: &'a str,
    /// The reading key (katakana, vowel length kept; "" when none).
    pub reading: &'a str,
    /// Where the reading comes from.
    pub src: Src,
}

impl Part<'_> {
    fn is_empty(&self) -> bool {
        self.written.is_empty() && self.reading.is_empty()
    }
}

/// How two readings relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadingRel {
    None,
    Equal,
    /// Voicing typed loosely (ヤマサキ/ヤマザキ), or vowel length where a
    /// side was read from romaji (which rarely marks it).
    Close,
    Similar,
    Different,
}

/// Two readings equal once voicing is folded (ヤマザキ/ヤマサキ), without
/// building either key.
fn loose_eq(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (a.chars(), b.chars());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q || kana::unvoice(p) == kana::unvoice(q) => {}
            _ => return false,
        }
    }
}

fn reading_rel(a: &Part, b: &Part) -> ReadingRel {
    if a.reading.is_empty() || b.reading.is_empty() {
        return ReadingRel::None;
    }
    if a.reading == b.reading {
        return ReadingRel::Equal;
    }
    // Romaji says little of vowel length (Yuki is ユキ or ユウキ); written
    // kana do: ユキ and ユウキ are two names.
    let romaji = a.src == Src::Romaji || b.src == Src::Romaji;
    let folded = romaji.then(|| (kana::kana_key(a.reading), kana::kana_key(b.reading)));
    if let Some((fa, fb)) = &folded {
        if fa == fb {
            return ReadingRel::Equal;
        }
    }
    if loose_eq(a.reading, b.reading) || folded.is_some_and(|(fa, fb)| loose_eq(&fa, &fb)) {
        return ReadingRel::Close;
    }
    if similar(a.reading, b.reading, 0.92) {
        ReadingRel::Similar
    } else {
        ReadingRel::Different
    }
}

/// How two name parts (or two whole names) relate.
pub fn compare_part(a: &Part, b: &Part) -> NameLevel {
    use NameLevel::*;
    if a.is_empty() || b.is_empty() {
        return Missing;
    }
    let r = reading_rel(a, b);
    let (wa, wb) = (a.written, b.written);
    if !wa.is_empty() && !wb.is_empty() {
        if wa == wb {
            return Exact;
        }
        let (la, lb) = (wa.is_ascii(), wb.is_ascii());
        if la && lb {
            return compare_latin(wa, wb, r);
        }
        if !la && !lb {
            // The same sound is heard only where both readings were written
            // (or settled by the data), not guessed from an IME's list or
            // lent by other records.
            let heard = r == ReadingRel::Equal && a.src != Src::Lent && b.src != Src::Lent;
            return match compare_kanji(wa, wb, r) {
                Homophone if !heard => HomophoneGuess,
                level => level,
            };
        }
        // Latin against kanji: their readings say.
    }
    // At least one side is not written in kanji or latin (kana only), or
    // one is latin and the other kanji: compare the readings.
    let same_script = a.written.is_empty() && b.written.is_empty();
    match r {
        ReadingRel::None => Missing,
        ReadingRel::Equal if same_script => Exact,
        ReadingRel::Close if same_script => Variant,
        ReadingRel::Equal if a.src != Src::Lent && b.src != Src::Lent => Kana,
        ReadingRel::Equal => Lent,
        ReadingRel::Close => KanaLoose,
        ReadingRel::Similar => Similar,
        ReadingRel::Different => Different,
    }
}

/// Two latin spellings: one typo (two in a long name) is a slip unless the
/// readings the spellings give disagree ("yuki" ユキ and "yuka" ユカ are
/// twins' names, not a typo); a romanisation variant (Ohno/Ono, Homma/
/// Honma) is a slip too.
fn compare_latin(a: &str, b: &str, r: ReadingRel) -> NameLevel {
    let d = strsim::damerau_levenshtein(a, b);
    let n = a.len().min(b.len());
    let typo = (n >= 4 && d <= 1) || (n >= 8 && d <= 2);
    match r {
        ReadingRel::Equal | ReadingRel::Close => NameLevel::Variant,
        ReadingRel::Different | ReadingRel::Similar if typo => NameLevel::Similar,
        _ if typo => NameLevel::Variant,
        _ if similar(a, b, 0.9) => NameLevel::Similar,
        _ => NameLevel::Different,
    }
}

/// Two kanji spellings.
fn compare_kanji(a: &str, b: &str, r: ReadingRel) -> NameLevel {
    use NameLevel::*;
    if let Some((x, y)) = one_substitution(a, b) {
        if in_table(CONFUSABLE, x, y) || itaiji::is_variant_pair(x, y) {
            return Variant;
        }
        if in_table(HOMOPHONE, x, y) && a.chars().count() >= 2 && !matches!(r, ReadingRel::Different | ReadingRel::Similar) {
            return Homophone;
        }
    }
    match r {
        ReadingRel::Equal => Homophone,
        ReadingRel::Close | ReadingRel::Similar => Similar,
        ReadingRel::Different => Different,
        ReadingRel::None if similar(a, b, 0.92) => Similar,
        ReadingRel::None => Different,
    }
}

/// Surname and given name of two records compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamePair {
    pub family: NameLevel,
    pub given: NameLevel,
    /// The parts were entered the other way round in one record.
    pub swapped: bool,
}

/// A record's name parts: surname and given name, each written and read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Parts<'a> {
    pub family: Part<'a>,
    pub given: Part<'a>,
}

/// The parts of a record as loaded (unsplit names have empty parts).
pub fn parts_of<'a>(t: &'a Tables, r: &Rec) -> Parts<'a> {
    Parts {
        family: Part { written: t.names.get(r.family), reading: t.readings.get(r.family_r), src: r.src[1] },
        given: Part { written: t.names.get(r.given), reading: t.readings.get(r.given_r), src: r.src[2] },
    }
}

/// The whole name of a record.
pub fn whole_of<'a>(t: &'a Tables, r: &Rec) -> Part<'a> {
    Part { written: t.names.get(r.name), reading: t.readings.get(r.reading), src: r.src[0] }
}

/// Splits a whole string by a known head or tail of the other record's
/// (山田花子 against 山田 / 太郎 → 山田 / 花子); `None` when neither fits.
fn split_by<'a>(whole: &'a str, head: &str, tail: &str) -> Option<(&'a str, &'a str)> {
    if whole.is_empty() {
        return None;
    }
    if !head.is_empty() && whole.len() > head.len() && whole.starts_with(head) {
        return Some((&whole[..head.len()], &whole[head.len()..]));
    }
    if !tail.is_empty() && whole.len() > tail.len() && whole.ends_with(tail) {
        return Some((&whole[..whole.len() - tail.len()], &whole[whole.len() - tail.len()..]));
    }
    None
}

/// A record's parts completed where they can be: a part missing beside a
/// known one comes from the whole (クロヅカユウト less クロヅカ is ユウト); an
/// unspaced name splits where the other record's parts show.
fn complete<'a>(whole: Part<'a>, mut p: Parts<'a>, other: &Parts) -> Parts<'a> {
    // Written and read each on their own.
    let fill = |whole: &'a str, fam: &mut &'a str, giv: &mut &'a str, ofam: &str, ogiv: &str| {
        if !fam.is_empty() && !giv.is_empty() {
            return;
        }
        if !fam.is_empty() {
            if let Some(rest) = whole.strip_prefix(*fam).filter(|r| !r.is_empty()) {
                *giv = rest;
            }
            return;
        }
        if !giv.is_empty() {
            if let Some(rest) = whole.strip_suffix(*giv).filter(|r| !r.is_empty()) {
                *fam = rest;
            }
            return;
        }
        if let Some((f, g)) = split_by(whole, ofam, ogiv) {
            (*fam, *giv) = (f, g);
        }
    };
    let (mut wf, mut wg) = (p.family.written, p.given.written);
    fill(whole.written, &mut wf, &mut wg, other.family.written, other.given.written);
    let (mut rf, mut rg) = (p.family.reading, p.given.reading);
    fill(whole.reading, &mut rf, &mut rg, other.family.reading, other.given.reading);
    if p.family.reading.is_empty() && !rf.is_empty() {
        p.family.src = whole.src;
    }
    if p.given.reading.is_empty() && !rg.is_empty() {
        p.given.src = whole.src;
    }
    p.family.written = wf;
    p.given.written = wg;
    p.family.reading = rf;
    p.given.reading = rg;
    p
}

fn has_both(p: &Parts) -> bool {
    !p.family.is_empty() && !p.given.is_empty()
}

/// `b` is `a` with its head moved to its tail (`gurungbishnu` against
/// `bishnugurung`, ヒトモリミサキ against ミサキヒトモリ): a whole name
/// written in the other order, each piece at least two characters long.
fn rotated(a: &str, b: &str) -> bool {
    if a.len() != b.len() || a == b {
        return false;
    }
    a.char_indices().skip(2).any(|(k, _)| {
        let (head, tail) = a.split_at(k);
        tail.chars().nth(1).is_some() && b.starts_with(tail) && b.ends_with(head)
    })
}

/// Two whole names that agree once the order of their parts is set aside,
/// where the parts cannot say it: latin names written in either order
/// (`Thu Trang Tran` / `TRAN THU TRANG`; identical latin names whose kana
/// were transcribed by ear two ways), and whole readings in either order
/// where one side has no kanji to compare (ヒトモリ ミサキ against
/// `misaki hitomori`).
fn whole_in_any_order(wa: &Part, wb: &Part) -> Option<NamePair> {
    use NameLevel::*;
    let latin = |p: &Part| !p.written.is_empty() && p.written.is_ascii();
    if latin(wa) && latin(wb) {
        if wa.written == wb.written {
            return Some(NamePair { family: Exact, given: Exact, swapped: false });
        }
        if rotated(wa.written, wb.written) {
            return Some(NamePair { family: Exact, given: Exact, swapped: true });
        }
    }
    let kanji = |p: &Part| !p.written.is_empty() && !p.written.is_ascii();
    if (kanji(wa) && kanji(wb)) || wa.reading.is_empty() || wb.reading.is_empty() {
        return None;
    }
    let romaji = wa.src == Src::Romaji || wb.src == Src::Romaji;
    let turned = rotated(wa.reading, wb.reading) || (romaji && rotated(&kana::kana_key(wa.reading), &kana::kana_key(wb.reading)));
    if !turned {
        return None;
    }
    let level = if wa.written.is_empty() && wb.written.is_empty() {
        Exact
    } else if wa.src == Src::Lent || wb.src == Src::Lent {
        Lent
    } else {
        Kana
    };
    Some(NamePair { family: level, given: level, swapped: true })
}

/// Two readings of a foreign name that sound alike though spelt apart
/// (チャン / チアン, ソーヨン / ソヨン): see [`kana::by_ear`].
fn heard_alike(a: &Part, b: &Part) -> bool {
    if a.reading.is_empty() || b.reading.is_empty() || a.reading == b.reading {
        return false;
    }
    let (x, y) = (kana::by_ear(a.reading), kana::by_ear(b.reading));
    x == y && x.chars().nth(1).is_some()
}

/// Surname and given name of two records compared. Where either record's
/// name is foreign ([`Rec::foreign`]), parts whose readings differ as
/// spelt but not as heard agree loosely.
pub fn compare_names(t: &Tables, a: &Rec, b: &Rec) -> NamePair {
    let mut p = compare_names_as_spelt(t, a, b);
    if !(a.foreign || b.foreign) {
        return p;
    }
    let differs = |l: NameLevel| matches!(l, NameLevel::Different | NameLevel::Similar);
    if !(differs(p.family) || differs(p.given)) {
        return p;
    }
    let (wa, wb) = (whole_of(t, a), whole_of(t, b));
    let (pa0, pb0) = (parts_of(t, a), parts_of(t, b));
    let pa = complete(wa, pa0, &pb0);
    let pb = complete(wb, pb0, &pa);
    let (fa, ga, fb, gb) = if p.swapped { (pa.family, pa.given, pb.given, pb.family) } else { (pa.family, pa.given, pb.family, pb.given) };
    if differs(p.family) && heard_alike(&fa, &fb) {
        p.family = NameLevel::KanaLoose;
    }
    if differs(p.given) && heard_alike(&ga, &gb) {
        p.given = NameLevel::KanaLoose;
    }
    if differs(p.family) && differs(p.given) && heard_alike(&wa, &wb) {
        (p.family, p.given) = (NameLevel::KanaLoose, NameLevel::KanaLoose);
    }
    p
}

fn compare_names_as_spelt(t: &Tables, a: &Rec, b: &Rec) -> NamePair {
    use NameLevel::*;
    let (wa, wb) = (whole_of(t, a), whole_of(t, b));
    if let Some(p) = whole_in_any_order(&wa, &wb) {
        return p;
    }
    let (pa0, pb0) = (parts_of(t, a), parts_of(t, b));
    let pa = complete(wa, pa0, &pb0);
    let pb = complete(wb, pb0, &pa);
    if has_both(&pa) && has_both(&pb) {
        let (mut family, mut given) = (compare_part(&pa.family, &pb.family), compare_part(&pa.given, &pb.given));
        // Parts read by a guess, whose whole readings as written agree
        // (丸川 真美 read マルガワマミ against マルガワ マミ): read as written.
        let whole_written = |p: &Part| matches!(p.src, Src::Written | Src::Settled);
        if !wa.reading.is_empty() && wa.reading == wb.reading && whole_written(&wa) && whole_written(&wb) {
            for level in [&mut family, &mut given] {
                if matches!(*level, Lent | KanaLoose) {
                    *level = Kana;
                }
            }
        }
        if !(family.agrees() && given.agrees()) {
            // Entered the other way round (Western order, or a clerk's slip):
            // each part agrees with the other's other part, and the record's
            // two parts are not one name twice.
            let cross_f = compare_part(&pa.family, &pb.given);
            let cross_g = compare_part(&pa.given, &pb.family);
            if cross_f.agrees() && cross_g.agrees() && !compare_part(&pa.family, &pa.given).agrees() {
                return NamePair { family: cross_f, given: cross_g, swapped: true };
            }
        }
        return NamePair { family, given, swapped: false };
    }
    // A given name alone on one side (a booking's 名 without 姓): the given
    // names say what they can.
    let given_only = |p: &Parts| p.family.is_empty() && !p.given.is_empty();
    if given_only(&pa) || given_only(&pb) {
        return NamePair { family: Missing, given: compare_part(&pa.given, &pb.given), swapped: false };
    }
    // Parts unknown on a side: the whole names, each level read onto both
    // parts where it says something of both.
    let whole = compare_part(&wa, &wb);
    let (family, given) = match whole {
        Exact => (Exact, Exact),
        Variant => (Exact, Variant),
        Kana | Lent | KanaLoose | Homophone | HomophoneGuess => (whole, whole),
        Similar => (Missing, Similar),
        Different => (Missing, Different),
        Missing => {
            // One record has only a given name (or only a surname) that
            // the other's parts can be set against.
            let g = compare_part(&pa.given, &pb.given);
            let f = compare_part(&pa.family, &pb.family);
            (f, g)
        }
    };
    NamePair { family, given, swapped: false }
}

/// Whether two given names (as a customer's records carry them) are
/// clearly two names: for the cluster guard, which keeps one customer from
/// holding two people.
pub fn given_names_conflict(a: &Part, b: &Part) -> bool {
    compare_part(a, b) == NameLevel::Different
}

#[cfg(test)]
mod tests {
    use super::*;
    use NameLevel::*;

    fn k(w: &str, r: &str) -> Part<'static> {
        let w: &'static str = Box::leak(crate::cleanse::name::name_key(w).into_boxed_str());
        let r: &'static str = Box::leak(kana::strict_kana_key(r).into_boxed_str());
        Part { written: w, reading: r, src: if r.is_empty() { Src::None } else { Src::Written } }
    }
    fn lent(w: &str, r: &str) -> Part<'static> {
        Part { src: Src::Lent, ..k(w, r) }
    }
    fn latin(w: &str) -> Part<'static> {
        let w: &'static str = Box::leak(crate::cleanse::name::name_key(w).into_boxed_str());
        let r = crate::cleanse::romaji::to_katakana(w).map(|s| kana::strict_kana_key(&s)).unwrap_or_default();
        let r: &'static str = Box::leak(r.into_boxed_str());
        Part { written: w, reading: r, src: if r.is_empty() { Src::None } else { Src::Romaji } }
    }

    /// (a, b, level): the case table of part comparisons.
    #[test]
    fn part_levels() {
        let cases: Vec<(Part, Part, NameLevel)> = vec![
            (k("山田", "ヤマダ"), k("山田", ""), Exact),
            (k("髙橋", ""), k("高橋", ""), Exact), // the key folds 髙 (tier 0)
            (k("太郎", ""), k("大郎", ""), Variant),
            (k("渡邊", ""), k("渡辺", ""), Exact),
            (k("", "ヤマザキ"), k("", "ヤマサキ"), Variant),
            (k("", "ヤマダ"), k("", "ヤマダ"), Exact),
            (k("里美", "サトミ"), k("", "サトミ"), Kana),
            (lent("里美", "サトミ"), k("", "サトミ"), Lent),
            (k("克之", "カツユキ"), k("勝之", "カツユキ"), Homophone),
            (lent("克之", "カツユキ"), k("勝之", "カツユキ"), HomophoneGuess),
            (k("友紀", ""), k("友記", ""), HomophoneGuess),
            (k("恵", ""), k("慧", ""), Different),
            (k("智美", "トモミ"), k("知美", "チミ"), Different),
            (k("悠斗", "ユウト"), k("悠真", "ユウマ"), Different),
            (k("", "ユキ"), k("", "ユウキ"), Different),
            (k("美紀", ""), k("", "ミキ"), Missing),
            (latin("Rimi"), k("里美", "リミ"), Kana),
            (latin("Rimi"), k("", "リミ"), Kana),
            (latin("yuki"), k("", "ユウキ"), Kana),
            (latin("Ohno"), latin("Ono"), Variant),
            (latin("Homma"), latin("Honma"), Variant),
            (latin("annabelle"), latin("annabdlle"), Variant),
            (latin("yuki"), latin("yuka"), Similar),
            (latin("monique"), latin("jecob"), Different),
            (latin("Tran"), k("", "チャン"), Missing),
            (k("", ""), k("山田", ""), Missing),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_part(&a, &b), want, "{a:?} / {b:?}");
            assert_eq!(compare_part(&b, &a), want, "{b:?} / {a:?} (the other way round)");
        }
    }

    #[test]
    fn whole_names_in_either_order() {
        // (a, b, the given name's level and whether the order was turned).
        type Case = (Part<'static>, Part<'static>, Option<(NameLevel, bool)>);
        let cases: Vec<Case> = vec![
            (latin("Thu Trang Tran"), latin("TRAN THU TRANG"), Some((Exact, true))),
            (latin("Bishnu Gurung"), latin("Gurung Bishnu"), Some((Exact, true))),
            (latin("Bishnu Gurung"), latin("Bishnu Gurung"), Some((Exact, false))),
            (latin("misaki hitomori"), k("", "ヒトモリ ミサキ"), Some((Kana, true))),
            (k("", "ミサキ ヒトモリ"), k("", "ヒトモリ ミサキ"), Some((Exact, true))),
            (k("日保本 智子", "ヒホモト サトコ"), k("", "サトコ ヒホモト"), Some((Kana, true))),
            // Both in kanji: the parts say it (see compare_names).
            (k("山田 花子", "ヤマダ ハナコ"), k("花子 山田", "ハナコ ヤマダ"), None),
            // A one-character piece is not an order: ユキナ / ナユキ.
            (k("", "ユキナ"), k("", "ナユキ"), None),
            (latin("Mana Kato"), latin("Kato Maya"), None),
            (k("", "ヤマダ ハナコ"), k("", "ヤマダ ハナコ"), None),
        ];
        for (a, b, want) in cases {
            let got = whole_in_any_order(&a, &b).map(|p| (p.given, p.swapped));
            assert_eq!(got, want, "{a:?} / {b:?}");
            let back = whole_in_any_order(&b, &a).map(|p| (p.given, p.swapped));
            assert_eq!(back, want, "{b:?} / {a:?} (the other way round)");
        }
    }

    #[test]
    fn unspaced_names_split_by_the_other() {
        let whole = k("山田花子", "");
        let other = Parts { family: k("山田", ""), given: k("太郎", "") };
        let p = complete(whole, Parts::default(), &other);
        assert_eq!((p.family.written, p.given.written), ("山田", "花子"));
        // One part known: the whole gives the other.
        let whole = k("", "クロズカユウト");
        let p = complete(whole, Parts { family: k("", "クロズカ"), given: Part::default() }, &Parts::default());
        assert_eq!((p.family.reading, p.given.reading), ("クロズカ", "ユウト"));
    }
}
