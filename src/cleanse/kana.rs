//! Normaliser for the `kana` field type: the reading of a name (フリガナ,
//! ふりがな), R19–R20 and JAPANESE-DATA.md §1.9.
//!
//! **Display value**: width folded ([`super::width`]: half-width katakana →
//! full-width with the voiced marks composed first, full-width ASCII →
//! ASCII, space runs → one ASCII space), hiragana → katakana, a dash, minus
//! or tilde after kana → `ー` (`ｲﾁﾛ-`, `イチロ～`), a trailing `サマ` / `さま` /
//! `様` removed into `honorific` (after an optional space; glued to fewer
//! than 3 kana it stays: クサマ, カサマ are surnames). Romaji stays as
//! written. A reading with kanji (or other non-kana letters) in it is kept as
//! written (width folded only) with the Warning `kana_not_kana` and no key.
//!
//! **Split**: a reading of exactly two space-separated parts gives `family`
//! and `given`.
//!
//! **Key** ([`kana_key`]), per part, parts concatenated without spaces:
//! 1. hiragana → katakana; small kana → large (ァ→ア, ッ→ツ, ャ→ヤ, ヮ→ワ,
//!    ヵ→カ, ヶ→ケ, ㇰ→ク …), so bank-style `ｷﾔﾉﾝ` and `キャノン` match;
//! 2. ヂ→ジ, ヅ→ズ, ヰ→イ, ヱ→エ, ヲ→オ, ヷヸヹヺ→バビベボ; ヴ + a vowel → the
//!    B-row mora (ヴァ→バ, ヴィ→ビ, ヴェ→ベ, ヴォ→ボ, ヴゥ→ブ), ヴ alone → ブ;
//!    ヽ/ヾ repeat the kana before them (unvoiced/voiced);
//! 3. long vowels: `ー` is dropped; a vowel kana (アイウエオ) is dropped when
//!    it repeats the vowel of the mora before it (オオ→オ, ユウ→ユ, イイ→イ),
//!    ウ after an O sound (オウ, コウ, ョウ → オ, コ, ョ) and イ after an E
//!    sound (エイ, ケイ → エ, ケ). So イチロー ≡ イチロウ ≡ いちろう → イチロ,
//!    オオノ ≡ オーノ ≡ オウノ → オノ, ユウコ ≡ ユーコ → ユコ. The previous
//!    mora is reset at every space or separator (サトウ ウタ keeps the ウ of
//!    ウタ);
//! 4. Latin letters and digits lower-cased, everything else dropped.
//!
//! `loose_key` (extra) is the key with voicing folded too (ガ→カ, ザ→サ,
//! バ/パ→ハ): ヤマザキ ~ ヤマサキ, ナカタ ~ ナカダ, a weak signal only.

use unicode_normalization::char::{compose, decompose_canonical};

use super::width::{self, is_kana, to_katakana};
use super::{Context, Finding, Normalized};
use crate::mapping::FieldType;
use crate::model::CellKind;

/// The vowel of each katakana U+30A1 (ァ) … U+30FA (ヺ): `a i u e o`, `n` for ン.
const VOWELS: &[u8; 90] = b"aaiiuueeooaaiiuueeooaaiiuueeooaaiiuuueeooaiueoaaaiiiuuueeeoooaiueoaauuooaiueoaaieonuaeaieo";

pub fn normalize(raw: &str, _cell: CellKind, _ctx: &Context) -> Normalized {
    let mut n = Normalized::default();
    let mut value = width::fold(raw, true);
    if value.is_empty() {
        return n;
    }
    width::damage(&value, &mut n.problems);
    let honorific = strip_honorific(&mut value);
    if value != raw.trim() {
        // `不明 様`, `ー 様`: no reading once the honorific is gone (or once
        // folded: `〃\u{200B}〃`).
        if let Some(mut null) = super::simple::null_or_ditto(FieldType::Kana, &value) {
            null.extra.extend(honorific.map(|h| ("honorific", h)));
            null.problems.splice(0..0, n.problems);
            return null;
        }
    }
    if !is_reading(&value) {
        n.problems.push(Finding::warning(
            "kana_not_kana",
            "the reading is not kana (kanji or other letters in the furigana column): kept as written, not used for matching",
        ));
        let v = width::fold(raw, false);
        n.value = (!v.is_empty()).then_some(v);
        return n;
    }
    if let Some((family, given)) = value.split_once(' ').filter(|(_, g)| !g.contains(' ')) {
        n.extra.push(("family", family.to_string()));
        n.extra.push(("given", given.to_string()));
    }
    if let Some(h) = honorific {
        n.extra.push(("honorific", h));
    }
    let key = kana_key(&value);
    if !key.is_empty() {
        n.extra.push(("loose_key", loose_kana_key(&key)));
        n.key = Some(key);
    }
    n.value = Some(value);
    n
}

/// Strips trailing サマ / 様 / 樣 (repeatedly), returns what was stripped.
fn strip_honorific(value: &mut String) -> Option<String> {
    let mut stripped = String::new();
    while let Some(h) = ["サマ", "様", "樣"].into_iter().find(|h| value.ends_with(h)) {
        let rest = &value[..value.len() - h.len()];
        let spaced = rest.ends_with(' ');
        let rest = rest.trim_end();
        if rest.is_empty() || (h == "サマ" && !spaced && rest.chars().count() < 3) {
            break;
        }
        stripped.insert_str(0, h);
        value.truncate(rest.len());
    }
    (!stripped.is_empty()).then_some(stripped)
}

/// A reading: kana, Latin letters, digits and punctuation only, with at
/// least one kana or letter. Kanji (also 々), hangul and other scripts make
/// it something else.
fn is_reading(s: &str) -> bool {
    let mut any = false;
    for c in s.chars() {
        if is_kana(c) || c.is_ascii_alphabetic() || matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}') {
            any = true;
        } else if c.is_alphabetic() {
            return false;
        }
    }
    any
}

/// The vowel (`a i u e o`, `n`) of a large or small katakana letter.
fn vowel(c: char) -> Option<u8> {
    let i = (c as u32).checked_sub(0x30A1)? as usize;
    VOWELS.get(i).copied()
}

/// Small kana → large, and the archaic or rare kana → their modern sound.
fn large(c: char) -> char {
    match c {
        'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ' | 'ヮ' => char::from_u32(c as u32 + 1).unwrap_or(c),
        'ヵ' => 'カ',
        'ヶ' => 'ケ',
        'ヂ' => 'ジ',
        'ヅ' => 'ズ',
        'ヰ' => 'イ',
        'ヱ' => 'エ',
        'ヲ' => 'オ',
        'ヷ' => 'バ',
        'ヸ' => 'ビ',
        'ヹ' => 'ベ',
        'ヺ' => 'ボ',
        '\u{31F0}'..='\u{31FF}' => {
            const SMALL_EXT: [char; 16] = ['ク', 'シ', 'ス', 'ト', 'ヌ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'ム', 'ラ', 'リ', 'ル', 'レ', 'ロ'];
            SMALL_EXT[(c as u32 - 0x31F0) as usize]
        }
        _ => c,
    }
}

/// A foreign name's reading as heard, from its strict key
/// ([`strict_kana_key`]): katakana spellings of one sound written two ways
/// fold to one key — a vowel written again after its own mora (ジィン /
/// ジン, ウー / ウ), オウ and エイ as long vowels (ソーヨン / ソヨン), a small
/// ャ ュ ョ after an i-row kana as the vowel (チャン / チアン), and a leading
/// イ before a vowel (イェン / エン). Only for names known to be foreign: in
/// a Japanese name the vowel length is the name (ユキ and ユウキ).
pub fn by_ear(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut prev: Option<u8> = None;
    let bare = |c: char| matches!(c, 'ア' | 'イ' | 'ウ' | 'エ' | 'オ');
    let mut it = key.chars().peekable();
    while let Some(c) = it.next() {
        let Some(v) = vowel(c) else {
            out.push(c);
            prev = None;
            continue;
        };
        // ヤ ユ ヨ after an i-row kana: the vowel (チヤン is チアン).
        let c = match (prev, c) {
            (Some(b'i'), 'ヤ') => 'ア',
            (Some(b'i'), 'ユ') => 'ウ',
            (Some(b'i'), 'ヨ') => 'オ',
            _ => c,
        };
        if bare(c) {
            let v = vowel(c).unwrap_or(v);
            let long = prev == Some(v) || (prev == Some(b'o') && v == b'u') || (prev == Some(b'e') && v == b'i');
            let glide = c == 'イ' && out.is_empty() && it.peek().is_some_and(|&n| bare(n));
            if long || glide {
                continue;
            }
            out.push(c);
            prev = Some(v);
            continue;
        }
        out.push(c);
        prev = (v != b'n').then_some(v);
    }
    out
}

/// ガ → カ, パ → ハ (one kana); anything else unchanged.
pub fn unvoice(c: char) -> char {
    if !matches!(c, '\u{3041}'..='\u{30FF}') {
        return c;
    }
    let (mut base, mut mark, mut n) = (c, false, 0);
    decompose_canonical(c, |d| {
        if n == 0 {
            base = d;
        } else {
            mark = matches!(d, '\u{3099}' | '\u{309A}');
        }
        n += 1;
    });
    if n == 2 && mark {
        base
    } else {
        c
    }
}

/// The matching key of a reading (R20): see the module documentation. Pass
/// a display value (half-width kana are not folded here).
pub fn kana_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // The vowel of the last mora written, and that kana (for ヽ ヾ).
    let mut prev: Option<u8> = None;
    let mut last: Option<char> = None;
    let mut it = s.chars().map(|c| large(to_katakana(c))).peekable();
    while let Some(c) = it.next() {
        let c = match c {
            'ー' => continue,
            'ヽ' => match last {
                Some(l) => unvoice(l),
                None => continue,
            },
            'ヾ' => match last {
                Some(l) => compose(unvoice(l), '\u{3099}').unwrap_or(l),
                None => continue,
            },
            'ヴ' => {
                let b = match it.peek() {
                    Some('ア') => 'バ',
                    Some('イ') => 'ビ',
                    Some('ウ') => 'ブ',
                    Some('エ') => 'ベ',
                    Some('オ') => 'ボ',
                    _ => '\0',
                };
                if b == '\0' {
                    'ブ'
                } else {
                    it.next();
                    b
                }
            }
            _ => c,
        };
        if let Some(v) = vowel(c) {
            let repeats = matches!(c, 'ア' | 'イ' | 'ウ' | 'エ' | 'オ')
                && prev.is_some_and(|p| p == v || (c == 'ウ' && p == b'o') || (c == 'イ' && p == b'e'));
            if repeats {
                continue;
            }
            out.push(c);
            prev = (v != b'n').then_some(v);
            last = Some(c);
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            (prev, last) = (None, None);
        } else {
            // A space, ・ or other separator: a word boundary.
            (prev, last) = (None, None);
        }
    }
    out
}

/// A reading key that keeps vowel length: katakana, small kana large, and
/// the long-vowel mark written out as the kana it stands for (ユーキ →
/// ユウキ, ケーコ → ケイコ, ヨーコ → ヨウコ), spaces and punctuation dropped.
/// Unlike [`kana_key`], ユキ and ユウキ, オノ and オオノ stay apart: they
/// are different names, and dedup must not take one for the other.
pub fn strict_kana_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<u8> = None;
    for c in s.chars() {
        let c = large(super::width::to_katakana(c));
        if c == 'ー' || c == '～' || c == '〜' {
            match prev {
                Some(b'a') => out.push('ア'),
                Some(b'i') | Some(b'e') => out.push('イ'),
                Some(b'u') | Some(b'o') => out.push('ウ'),
                _ => {}
            }
            continue;
        }
        if let Some(v) = vowel(c) {
            out.push(if c == 'ヴ' { 'ブ' } else { c });
            prev = (v != b'n').then_some(v);
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            prev = None;
        } else {
            prev = None;
        }
    }
    out
}

/// A [`kana_key`] with voicing folded as well (ガ→カ, パ→ハ): a weak key.
pub fn loose_kana_key(key: &str) -> String {
    key.chars().map(unvoice).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_spellings_heard_alike() {
        let ear = |s: &str| by_ear(&strict_kana_key(s));
        for (a, b) in [
            ("ジィン", "ジン"),
            ("チアン", "チャン"),
            ("ソーヨン", "ソヨン"),
            ("イェン", "エン"),
            ("ウー", "ウ"),
            ("グェン", "グエン"),
            ("トゥアン", "トアン"),
        ] {
            assert_eq!(ear(a), ear(b), "{a} / {b}");
        }
        for (a, b) in [("チャン", "ジャン"), ("グエン", "ニュエン"), ("オウ", "ワン"), ("マイケル", "ミシェル")] {
            assert_ne!(ear(a), ear(b), "{a} / {b}");
        }
    }

    #[test]
    fn strict_keys_keep_vowel_length() {
        assert_eq!(strict_kana_key("ユーキ"), strict_kana_key("ゆうき"));
        assert_eq!(strict_kana_key("ケーコ"), "ケイコ");
        assert_eq!(strict_kana_key("ヨーコ"), "ヨウコ");
        assert_ne!(strict_kana_key("ユキ"), strict_kana_key("ユウキ"));
        assert_ne!(strict_kana_key("オノ"), strict_kana_key("オオノ"));
        assert_eq!(strict_kana_key("ハスウラ アスカ"), strict_kana_key("ハスウラアスカ"));
        assert_eq!(strict_kana_key("キッタ"), "キツタ");
    }

    fn norm(s: &str) -> Normalized {
        normalize(s, CellKind::Text, &Context::default())
    }
    fn value(s: &str) -> String {
        norm(s).value.unwrap_or_default()
    }
    fn key(s: &str) -> String {
        norm(s).key.unwrap_or_default()
    }

    const EXAMPLES: &[&str] = &[
        "ﾔﾏﾀﾞ　ﾀﾛｳ",
        "やまだ　たろう",
        "ｽｽﾞｷ ｲﾁﾛｰ",
        "イチロー",
        "イチロウ",
        "いちろう",
        "オオノ",
        "オーノ",
        "オウノ",
        "ユウコ",
        "ユーコ",
        "ｷﾔﾉﾝ",
        "キャノン",
        "う゛ぁいおりん",
        "ヤマダ タロウ サマ",
        "やまだ たろうさま",
        "ヤマダ様",
        "クサマ",
        "ヤマザキ",
        "ヤマサキ",
        "Yamada Taro",
        "ＴＡＲＯ",
        "山田 太郎",
        "ヤマダ 太郎",
        "ｲﾁﾛｰ－",
        "タロウ〜",
        "スミス・ジョン",
        "ツヅキ",
        "ヴァイオリン",
        "サヽキ",
        "ー 様",
        "ナシ様",
        "〃\u{200B}〃",
    ];

    #[test]
    fn display_value() {
        assert_eq!(value("ﾔﾏﾀﾞ　ﾀﾛｳ"), "ヤマダ タロウ");
        assert_eq!(value("やまだ　たろう"), "ヤマダ タロウ");
        assert_eq!(value("ｽｽﾞｷ ｲﾁﾛｰ"), "スズキ イチロー");
        assert_eq!(value("う゛"), "ヴ");
        assert_eq!(value("ｳﾞｧｲｵﾘﾝ"), "ヴァイオリン");
        assert_eq!(value("ハ\u{309A}ク"), "パク");
        assert_eq!(value("いちろ－"), "イチロー");
        assert_eq!(value("イチロ―"), "イチロー");
        assert_eq!(value("イチロ‐"), "イチロー");
        assert_eq!(value("イチロ-"), "イチロー");
        assert_eq!(value("ゆうこ~"), "ユウコー");
        assert_eq!(value("ユウコ〜"), "ユウコー");
        assert_eq!(value("ユウコ～"), "ユウコー");
        assert_eq!(value("ﾕｳｺｰ"), "ユウコー");
        assert_eq!(value("Ｙａｍａｄａ　Ｔａｒｏ"), "Yamada Taro");
        assert_eq!(value("スミス・ジョン"), "スミス・ジョン");
    }

    #[test]
    fn honorific_reading() {
        for (raw, v) in
            [("ヤマダ タロウ サマ", "ヤマダ タロウ"), ("やまだ たろうさま", "ヤマダ タロウ"), ("ヤマダ様", "ヤマダ"), ("ﾔﾏﾀﾞｻﾏ", "ヤマダ")]
        {
            let n = norm(raw);
            assert_eq!(n.value.as_deref(), Some(v), "{raw}");
            assert!(n.extra("honorific").is_some(), "{raw}");
        }
        // Surnames ending in サマ.
        assert_eq!(value("クサマ"), "クサマ");
        assert_eq!(value("カサマ"), "カサマ");
        assert_eq!(value("クサマ サマ"), "クサマ");
    }

    #[test]
    fn split() {
        let n = norm("ﾔﾏﾀﾞ　ﾀﾛｳ");
        assert_eq!((n.extra("family"), n.extra("given")), (Some("ヤマダ"), Some("タロウ")));
        let n = norm("ヤマダタロウ");
        assert_eq!(n.extra("family"), None);
        let n = norm("ア イ ウ");
        assert_eq!(n.extra("family"), None);
    }

    #[test]
    fn keys() {
        assert_eq!(key("ｽｽﾞｷ ｲﾁﾛｰ"), "スズキイチロ");
        for s in ["イチロー", "イチロウ", "いちろう", "ｲﾁﾛｰ"] {
            assert_eq!(key(s), "イチロ", "{s}");
        }
        for s in ["オオノ", "オーノ", "オウノ", "おおの"] {
            assert_eq!(key(s), "オノ", "{s}");
        }
        assert_eq!(key("ユウコ"), key("ユーコ"));
        assert_eq!(key("ケイコ"), "ケコ");
        assert_eq!(key("ｷﾔﾉﾝ"), key("キャノン"));
        assert_eq!(key("ガッコウ"), "ガツコ");
        assert_eq!(key("ヴァイオリン"), "バイオリン");
        assert_eq!(key("ヴィヴィ"), "ビビ");
        assert_eq!(key("ヴ"), "ブ");
        assert_eq!(key("ツヅキ"), key("ツズキ"));
        assert_eq!(key("ヂ ヰ ヱ ヲ ヵ ヶ ヮ"), "ジイエオカケワ");
        assert_eq!(key("サトウ ウタ"), "サトウタ");
        assert_eq!(key("サヽキ"), key("ササキ"));
        assert_eq!(key("ヤマダ タロウ サマ"), "ヤマダタロ");
        assert_eq!(key("Yamada Taro"), "yamadataro");
        assert_ne!(key("ヤマザキ"), key("ヤマサキ"));
        assert_eq!(norm("ヤマザキ").extra("loose_key"), norm("ヤマサキ").extra("loose_key"));
        assert_eq!(norm("ナカダ").extra("loose_key"), Some("ナカタ"));
        assert_eq!(loose_kana_key("パンバ"), "ハンハ");
    }

    #[test]
    fn not_kana() {
        let n = norm("山田　太郎");
        assert_eq!(n.value.as_deref(), Some("山田 太郎"));
        assert_eq!(n.key, None);
        assert!(n.problems.iter().any(|f| f.code == "kana_not_kana" && f.severity == crate::model::Severity::Warning));
        let n = norm("やまだ 太郎");
        assert_eq!(n.value.as_deref(), Some("やまだ 太郎"), "kept as written, hiragana too");
        assert_eq!(n.key, None);
        assert!(norm("佐々木").key.is_none());
        assert!(norm("123").key.is_none());
    }

    #[test]
    fn damage_flagged() {
        let n = norm("ヤ?ダ");
        assert!(n.problems.iter().any(|f| f.code == "lossy_sjis_export"));
    }

    fn assert_idempotent(s: &str) {
        crate::cleanse::testing::assert_idempotent(FieldType::Kana, s);
    }

    #[test]
    fn idempotent_on_examples() {
        EXAMPLES.iter().for_each(|s| assert_idempotent(s));
    }

    #[test]
    fn never_panics_and_is_idempotent_on_noise() {
        const ROUNDS: usize = 20_000;
        const POOL: &[char] = &[
            '不', '明', 'な', 'し', '〃', '同', '上', 'a', 'Z', ' ', '　', 'ｶ', 'ﾞ', 'ﾟ', '゛', '゜', '\u{3099}', 'か', 'う', 'ウ', 'ー',
            'ｰ', '-', '~', '〜', '－', 'サ', 'マ', 'さ', 'ま', '様', 'ヴ', 'ァ', 'ッ', 'ョ', 'オ', 'エ', 'イ', 'ヽ', 'ヾ', 'ゝ', 'ゞ',
            'ゟ', '山', '々', '・', '?', '\u{E000}', '\u{FFFD}', 'ㇰ', 'ヷ', 'ン', 'ｳ', '1',
        ];
        crate::cleanse::testing::noise(ROUNDS, POOL, |s| {
            assert_idempotent(s);
            kana_key(s);
        });
    }
}
