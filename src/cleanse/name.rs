//! Normaliser for the `name` field type: a person's (or company's) name in
//! kanji, kana or Latin letters (R15–R18, JAPANESE-DATA.md §1.7–1.8, §1.10).
//!
//! **Display value** (lightly normalised, what the customer wrote):
//! 1. width folding ([`super::width`]): full-width ASCII → ASCII, half-width
//!    katakana → full-width with the voiced marks composed (before any NFKC),
//!    every run of spaces (ASCII, U+3000, NBSP, tabs) → one ASCII space;
//! 2. notes move out: `(…)`, `[…]`, `【…】`, `〔…〕`, `〈…〉`, `《…》`, `「…」`,
//!    `<…>`, `{…}` and `※…` (to the end; to the next space when the name
//!    starts with it), and an unbracketed `… 旧姓佐藤` tail. `旧姓:佐藤` /
//!    `旧姓 佐藤` / `旧佐藤` → `alias`, anything else → `annotation`, each
//!    with an Info finding;
//! 3. trailing honorifics are stripped (repeatedly: `先生様`), after an
//!    optional space, into `honorific`: 様 樣 さま サマ 殿 どの さん くん 君
//!    ちゃん 先生 氏 御中. A kana honorific glued to a kana-only name of
//!    fewer than 3 kana stays (クサマ, カサマ are surnames). `様方` (care of)
//!    is kept and is not an honorific;
//! 4. kanji variants, compatibility ideographs and IVS are **kept**.
//!
//! **Split** into `family` and `given`: on a comma (`Yamada, Taro`, family
//! first), else on the one space of a two-part name; Latin names only when
//! exactly one part is ALL CAPS (`YAMADA Taro`, `Taro YAMADA`: that part is
//! the family name). Nothing is guessed: `山田太郎` stays whole (Info
//! `name_not_split`). Several people (`山田 太郎・花子`) are never split.
//!
//! **Key** ([`name_key`], R18): NFKC → spaces, `・ = ゠ , .` removed → IVS
//! stripped → NFC (compatibility ideographs) → the variant-kanji fold
//! ([`fold_variants`]) → lower case. When the name was split, the key is
//! family then given (so `Taro YAMADA` and `Yamada, Taro` share a key).

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::width::{self, is_kana, is_kanji};
use super::{Context, Finding, Normalized};
use crate::mapping::FieldType;
use crate::model::CellKind;

pub use super::itaiji::{fold_variants, is_variant_pair, variant_tier};

/// Honorifics stripped from the end of a name. None is a suffix of another.
const HONORIFICS: &[&str] = &["御中", "先生", "ちゃん", "さま", "サマ", "どの", "さん", "くん", "様", "樣", "殿", "君", "氏"];

/// Bracket pairs whose content is a note, not part of the name (after width
/// folding, so `（` is already `(`).
const BRACKETS: &[(char, char)] =
    &[('(', ')'), ('[', ']'), ('{', '}'), ('<', '>'), ('【', '】'), ('〔', '〕'), ('〈', '〉'), ('《', '》'), ('「', '」'), ('『', '』')];

pub fn normalize(raw: &str, _cell: CellKind, _ctx: &Context) -> Normalized {
    let mut n = Normalized::default();
    let folded = width::fold(raw, false);
    if folded.is_empty() {
        return n;
    }
    width::damage(&folded, &mut n.problems);
    let mut name = extract_notes(folded, &mut n);
    strip_honorifics(&mut name, &mut n);
    if name.is_empty() {
        n.problems.push(Finding::warning("name_empty", "no name left once the notes were moved out: only a note was written"));
        return n;
    }
    // What is left once a note or an honorific is gone (or once folded) may
    // be a null marker or a ditto mark (不明様, 〃殿): then there is no name.
    if name != raw.trim() {
        if let Some(null) = super::simple::null_or_ditto(FieldType::Name, &name) {
            n.problems.extend(null.problems);
            return n;
        }
    }
    let care_of = name.contains('方') && (name.contains("様方") || name.contains("樣方"));
    if care_of {
        n.problems
            .push(Finding::info("care_of", "様方 (care of): the name includes whose address this is; kept as written, not an honorific"));
    }
    let several = several_people(&name);
    if several {
        n.problems.push(Finding::warning(
            "multiple_people",
            "several people in one name (山田 太郎・花子): kept as one value and not split; make one record per person",
        ));
    }
    let split = if several || care_of { None } else { split(&name) };
    let mut key = String::with_capacity(name.len());
    match split {
        Some((family, given)) => {
            push_key(family, &mut key);
            push_key(given, &mut key);
            n.extra.insert(0, ("family", family.to_string()));
            n.extra.insert(1, ("given", given.to_string()));
        }
        None => {
            push_key(&name, &mut key);
            if !several && !care_of {
                n.problems.push(Finding::info(
                    "name_not_split",
                    "surname and given name not split: no space or comma between them (or a Latin name without an ALL-CAPS surname)",
                ));
            }
        }
    }
    n.key = (!key.is_empty()).then_some(key);
    n.value = Some(name);
    n
}

/// The matching key of a name (R18): see the module documentation. Pass a
/// display value (or a `family` / `given` part): width folding and the
/// voiced-mark composition are not redone here.
pub fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_key(s, &mut out);
    out
}

fn push_key(s: &str, out: &mut String) {
    if s.is_ascii() {
        for b in s.bytes() {
            if !is_key_separator(b as char) && !b.is_ascii_control() {
                out.push(b.to_ascii_lowercase() as char);
            }
        }
        return;
    }
    // Variation selectors first, so that NFKC composes across them.
    let stripped: String;
    let s = if s.chars().any(|c| width::is_variation_selector(c) || width::is_invisible(c)) {
        stripped = s.chars().filter(|&c| !width::is_variation_selector(c) && !width::is_invisible(c)).collect();
        stripped.as_str()
    } else {
        s
    };
    if s.chars().all(is_plainly_nfkc) || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        s.chars().for_each(|c| push_key_char(c, out));
    } else {
        s.nfkc().for_each(|c| push_key_char(c, out));
    }
}

/// Characters NFKC never changes and that never combine with a neighbour:
/// ASCII, kana letters, CJK unified ideographs (the common case, checked
/// without the normalisation tables).
fn is_plainly_nfkc(c: char) -> bool {
    matches!(c, '\0'..='\u{7F}' | '\u{3041}'..='\u{3096}' | '\u{30A0}'..='\u{30FE}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

/// One character of NFKC text into the key.
fn push_key_char(c: char, out: &mut String) {
    if is_key_separator(c) || c.is_control() {
        return;
    }
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if c < '\u{3000}' {
        out.extend(c.to_lowercase());
    } else {
        // NFKC already unified the compatibility ideographs.
        out.push(super::itaiji::lookup(c).map_or(c, |(to, _)| to));
    }
}

fn is_key_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '・' | '=' | '゠' | ',' | '.' | '\u{3000}')
}

/// Moves bracketed notes and `※` notes into `alias` / `annotation`.
fn extract_notes(folded: String, n: &mut Normalized) -> String {
    let brackets = folded.chars().any(|c| matches!(c, '※' | '(' | '[' | '{' | '<' | '【' | '〔' | '〈' | '《' | '「' | '『'));
    if !brackets && former_name_at(&folded).is_none() {
        return folded;
    }
    let mut out = String::with_capacity(folded.len());
    let mut rest = folded.as_str();
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        if let Some(&(open, close)) = BRACKETS.iter().find(|b| b.0 == c) {
            // Up to the matching close (nesting counted), or to the end.
            let mut depth = 1usize;
            let mut end = after.len();
            let mut resume = after.len();
            for (i, d) in after.char_indices() {
                if d == open {
                    depth += 1;
                } else if d == close {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        resume = i + d.len_utf8();
                        break;
                    }
                }
            }
            add_note(&after[..end], n);
            rest = &after[resume..];
        } else if c == '※' {
            // At the start, the note runs to the next space; else to the end.
            let end = if out.trim().is_empty() { after.find(' ').unwrap_or(after.len()) } else { after.len() };
            add_note(&after[..end], n);
            rest = &after[end..];
        } else {
            out.push(c);
            rest = after;
        }
    }
    // An unbracketed former name: `山田花子 旧姓佐藤`.
    if let Some(i) = former_name_at(&out) {
        let tail = out.split_off(i);
        add_note(&tail, n);
    }
    // Removing a note may leave double spaces, or bring a voiced mark or a
    // dash next to kana: fold again so that the value is stable.
    width::fold(&out, false)
}

/// Where `旧姓` / `旧氏` starts, when something comes before it.
fn former_name_at(s: &str) -> Option<usize> {
    s.find("旧姓").or_else(|| s.find("旧氏")).filter(|&i| i > 0)
}

fn add_note(note: &str, n: &mut Normalized) {
    let note = note.trim();
    if note.is_empty() {
        return;
    }
    if let Some(alias) = maiden_name(note) {
        n.extra.push(("alias", alias.to_string()));
        n.problems.push(Finding::info("name_alias", "a former surname (旧姓) was moved out of the name into the alias"));
    } else {
        n.extra.push(("annotation", note.to_string()));
        n.problems.push(Finding::info("name_annotation", "a note (in brackets or after ※) was moved out of the name into the annotation"));
    }
}

/// `旧姓:佐藤`, `旧姓 佐藤`, `旧姓佐藤`, `旧氏：佐藤`, `旧:佐藤` → `佐藤`.
fn maiden_name(note: &str) -> Option<&str> {
    let rest = ["旧姓", "旧氏", "旧"].iter().find_map(|p| note.strip_prefix(p))?;
    let name = rest.trim_start_matches([':', '：', '=', '・', ' ', '-', 'ー']).trim();
    (!name.is_empty()).then_some(name)
}

fn strip_honorifics(name: &mut String, n: &mut Normalized) {
    // Every honorific ends in one of these.
    if !name.ends_with(['中', '生', 'ん', 'ま', 'マ', 'の', '様', '樣', '殿', '君', '氏']) {
        return;
    }
    let mut stripped = String::new();
    loop {
        if name.ends_with("様方") || name.ends_with("樣方") {
            break;
        }
        let Some(h) = HONORIFICS.iter().find(|h| name.ends_with(*h)) else { break };
        let rest = &name[..name.len() - h.len()];
        let spaced = rest.ends_with(' ');
        let rest = rest.trim_end();
        if rest.is_empty() {
            break;
        }
        let kana_h = h.chars().all(is_kana);
        if kana_h && !spaced && rest.chars().all(is_kana) && rest.chars().count() < 3 {
            break;
        }
        stripped.insert_str(0, h);
        name.truncate(rest.len());
    }
    if !stripped.is_empty() {
        n.extra.push(("honorific", stripped));
    }
}

/// `山田 太郎・花子`, `山田太郎、花子`, `太郎/花子`, `John & Mary Smith`: a
/// separator between two names. A `・` between katakana (スミス・ジョン) is a
/// foreign name, not two people.
fn several_people(s: &str) -> bool {
    if !s.contains(['・', '、', '&', '/', '＆', '／']) {
        return false;
    }
    let chars: Vec<char> = s.chars().filter(|&c| c != ' ').collect();
    chars.iter().enumerate().any(|(i, &c)| {
        let (Some(&p), Some(&q)) = (i.checked_sub(1).and_then(|j| chars.get(j)), chars.get(i + 1)) else { return false };
        match c {
            '・' => is_japanese_non_katakana(p) && is_japanese_non_katakana(q),
            '、' | '&' | '/' | '＆' | '／' => true,
            _ => false,
        }
    })
}

fn is_japanese_non_katakana(c: char) -> bool {
    is_kanji(c) || ('\u{3041}'..='\u{309F}').contains(&c)
}

/// Family and given name, when the name says which is which.
fn split(name: &str) -> Option<(&str, &str)> {
    if let Some((a, b)) = name.split_once(',') {
        let (a, b) = (a.trim(), b.trim());
        let ok = !a.is_empty() && !b.is_empty() && !b.contains(',') && (is_latin(name) || !a.contains(' ') && !b.contains(' '));
        return ok.then_some((a, b));
    }
    let (first, last) = (name.find(' ')?, name.rfind(' ')?);
    if !is_latin(name) {
        return (first == last).then(|| (&name[..first], &name[first + 1..]));
    }
    let parts = || name.split(' ');
    let caps = parts().filter(|p| is_all_caps(p)).count();
    if caps != 1 {
        return None;
    }
    if is_all_caps(&name[..first]) {
        Some((&name[..first], &name[first + 1..]))
    } else if is_all_caps(&name[last + 1..]) {
        Some((&name[last + 1..], &name[..last]))
    } else {
        None
    }
}

fn is_latin(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii() || matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}')) && s.chars().any(char::is_alphabetic)
}

fn is_all_caps(part: &str) -> bool {
    let mut letters = 0;
    for c in part.chars().filter(|c| c.is_alphabetic()) {
        if !c.is_uppercase() {
            return false;
        }
        letters += 1;
    }
    letters >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    fn norm(s: &str) -> Normalized {
        normalize(s, CellKind::Text, &Context::default())
    }
    fn value(s: &str) -> String {
        norm(s).value.unwrap_or_default()
    }
    fn key(s: &str) -> String {
        norm(s).key.unwrap_or_default()
    }
    fn codes(n: &Normalized) -> Vec<&'static str> {
        n.problems.iter().map(|f| f.code).collect()
    }

    const EXAMPLES: &[&str] = &[
        "ﾔﾏﾀﾞ　ﾀﾛｳ",
        "髙橋　　一郎",
        "髙橋 一郎",
        "高橋一郎",
        "髙\u{E0100}橋一郎",
        "渡邉 健",
        "渡邊 健",
        "渡辺 健",
        "\u{FA10}田 花子",
        "斎藤 一",
        "斉藤 一",
        "山田花子様(旧姓:佐藤)",
        "田中様方",
        "山田(娘)",
        "山田太郎 ※要注意",
        "※要注意 山田太郎",
        "山田 太郎・花子",
        "Taro Yamada",
        "YAMADA Taro",
        "Taro YAMADA",
        "Yamada, Taro",
        "ＹＡＭＡＤＡ　Ｔａｒｏ",
        "スミス・ジョン",
        "ジャン＝ポール・サルトル",
        "?田 花子",
        "山\u{E000} 花子",
        "山\u{FFFD} 花子",
        "山田 太郎 様",
        "山田太郎さん",
        "ｽｽﾞｷ ｲﾁﾛｰ",
        "クサマ",
        "クサマ様",
        "山田先生様",
        "株式会社山田商店 御中",
        "う゛ぃお",
        "",
        "(娘)",
        "山田花子 旧姓佐藤",
        "旧姓佐藤",
        "　",
        "ー様",
        "不明様",
        "〃殿",
        "※\t?",
        "〃\u{200B}〃",
    ];

    #[test]
    fn display_value() {
        assert_eq!(value("ﾔﾏﾀﾞ　ﾀﾛｳ"), "ヤマダ タロウ");
        assert_eq!(value("髙橋　　一郎"), "髙橋 一郎");
        assert_eq!(value(" 山田\t\u{00A0}太郎 "), "山田 太郎");
        assert_eq!(value("髙\u{E0100}橋一郎"), "髙\u{E0100}橋一郎", "IVS kept in the display");
        assert_eq!(value("\u{FA10}田"), "\u{FA10}田", "compatibility ideograph kept in the display");
        assert_eq!(value("ＹＡＭＡＤＡ　Ｔａｒｏ"), "YAMADA Taro");
        assert_eq!(value("Yamada,  Taro"), "Yamada, Taro");
        assert_eq!(value("スミス・ジョン"), "スミス・ジョン");
        assert_eq!(value("ジャン＝ポール"), "ジャン＝ポール");
        assert_eq!(value("う゛ぃお"), "ゔぃお");
        assert_eq!(value("ｽｽﾞｷ ｲﾁﾛｰ"), "スズキ イチロー");
    }

    #[test]
    fn honorifics() {
        for (raw, v, h) in [
            ("山田様", "山田", "様"),
            ("山田 太郎 様", "山田 太郎", "様"),
            ("山田太郎　樣", "山田太郎", "樣"),
            ("山田さま", "山田", "さま"),
            ("ヤマダ サマ", "ヤマダ", "サマ"),
            ("ヤマダサマ", "ヤマダ", "サマ"),
            ("山田殿", "山田", "殿"),
            ("山田どの", "山田", "どの"),
            ("山田さん", "山田", "さん"),
            ("太郎くん", "太郎", "くん"),
            ("太郎君", "太郎", "君"),
            ("花子ちゃん", "花子", "ちゃん"),
            ("山田先生", "山田", "先生"),
            ("山田氏", "山田", "氏"),
            ("山田商店御中", "山田商店", "御中"),
            ("山田先生様", "山田", "先生様"),
            ("クサマ様", "クサマ", "様"),
        ] {
            let n = norm(raw);
            assert_eq!(n.value.as_deref(), Some(v), "{raw}");
            assert_eq!(n.extra("honorific"), Some(h), "{raw}");
        }
        // Surnames that end like an honorific, and honorifics alone.
        for raw in ["クサマ", "カサマ", "様", "先生"] {
            let n = norm(raw);
            assert_eq!(n.value.as_deref(), Some(raw));
            assert_eq!(n.extra("honorific"), None, "{raw}");
        }
        // 様方 is "care of": kept, not an honorific.
        let n = norm("田中様方");
        assert_eq!(n.value.as_deref(), Some("田中様方"));
        assert_eq!(n.extra("honorific"), None);
        assert!(codes(&n).contains(&"care_of"));
    }

    #[test]
    fn notes_move_out() {
        let n = norm("山田花子様(旧姓:佐藤)");
        assert_eq!(n.value.as_deref(), Some("山田花子"));
        assert_eq!(n.extra("honorific"), Some("様"));
        assert_eq!(n.extra("alias"), Some("佐藤"));
        assert!(n.problems.iter().any(|f| f.code == "name_alias" && f.severity == Severity::Info));
        let n = norm("山田花子（旧姓　佐藤）");
        assert_eq!((n.value.as_deref(), n.extra("alias")), (Some("山田花子"), Some("佐藤")));
        let n = norm("山田(娘)");
        assert_eq!((n.value.as_deref(), n.extra("annotation")), (Some("山田"), Some("娘")));
        assert!(codes(&n).contains(&"name_annotation"));
        let n = norm("山田太郎 ※要注意");
        assert_eq!((n.value.as_deref(), n.extra("annotation")), (Some("山田太郎"), Some("要注意")));
        let n = norm("※要注意 山田 太郎");
        assert_eq!((n.value.as_deref(), n.extra("annotation")), (Some("山田 太郎"), Some("要注意")));
        assert_eq!(n.extra("family"), Some("山田"));
        let n = norm("山田【VIP】太郎");
        assert_eq!((n.value.as_deref(), n.extra("annotation")), (Some("山田太郎"), Some("VIP")));
        let n = norm("山田(娘");
        assert_eq!((n.value.as_deref(), n.extra("annotation")), (Some("山田"), Some("娘")));
        let n = norm("山田花子 旧姓佐藤");
        assert_eq!((n.value.as_deref(), n.extra("alias")), (Some("山田花子"), Some("佐藤")));
        let n = norm("不明様");
        assert_eq!((n.value.as_deref(), n.extra("honorific")), (None, Some("様")));
        assert!(codes(&n).contains(&"null_marker"));
        let n = norm("(娘)");
        assert_eq!(n.value, None);
        assert!(codes(&n).contains(&"name_empty"));
    }

    #[test]
    fn split_rules() {
        let fg = |s: &str| {
            let n = norm(s);
            (n.extra("family").map(str::to_string), n.extra("given").map(str::to_string))
        };
        let some = |a: &str, b: &str| (Some(a.to_string()), Some(b.to_string()));
        assert_eq!(fg("山田 太郎"), some("山田", "太郎"));
        assert_eq!(fg("山田　　太郎"), some("山田", "太郎"));
        assert_eq!(fg("YAMADA Taro"), some("YAMADA", "Taro"));
        assert_eq!(fg("Taro YAMADA"), some("YAMADA", "Taro"));
        assert_eq!(fg("Yamada, Taro"), some("Yamada", "Taro"));
        assert_eq!(fg("SMITH John Paul"), some("SMITH", "John Paul"));
        assert_eq!(fg("Taro Yamada"), (None, None));
        assert_eq!(fg("TARO YAMADA"), (None, None));
        assert_eq!(fg("山田太郎"), (None, None));
        assert_eq!(fg("スミス・ジョン"), (None, None));
        assert_eq!(fg("山田 太郎 次郎"), (None, None));
        assert!(codes(&norm("山田太郎")).contains(&"name_not_split"));
        let n = norm("山田 太郎・花子");
        assert_eq!(n.value.as_deref(), Some("山田 太郎・花子"));
        assert!(n.problems.iter().any(|f| f.code == "multiple_people" && f.severity == Severity::Warning));
        assert_eq!(n.extra("given"), None);
        assert!(!codes(&norm("スミス・ジョン")).contains(&"multiple_people"));
        assert!(codes(&norm("山田太郎、花子")).contains(&"multiple_people"));
        // Latin order is folded into the key: family first.
        assert_eq!(key("Taro YAMADA"), "yamadataro");
        assert_eq!(key("YAMADA Taro"), "yamadataro");
        assert_eq!(key("Yamada, Taro"), "yamadataro");
        assert_eq!(key("Taro Yamada"), "taroyamada");
    }

    #[test]
    fn match_keys() {
        assert_eq!(key("髙橋　　一郎"), "高橋一郎");
        for s in ["髙橋 一郎", "高橋一郎", "髙\u{E0100}橋一郎", "髙橋󠄀一郎", "高橋　一郎様"] {
            assert_eq!(key(s), "高橋一郎", "{s}");
        }
        for s in ["渡邉", "渡邊", "渡辺"] {
            assert_eq!(key(s), "渡辺", "{s}");
        }
        assert_eq!(key("\u{FA10}田"), "\u{585A}田");
        assert_ne!(key("斎藤"), key("斉藤"));
        assert_eq!(key("スミス・ジョン"), "スミスジョン");
        assert_eq!(key("ジャン＝ポール゠サルトル"), "ジャンポールサルトル");
        assert_eq!(key("ｽｽﾞｷ ｲﾁﾛｰ"), "スズキイチロー");
        assert_eq!(key("山﨑 𠮷男"), "山崎吉男");
        assert_eq!(name_key("YAMADA Taro"), "yamadataro");
        assert_eq!(name_key("髙橋 一郎"), "高橋一郎");
        assert_eq!(fold_variants("髙橋 一郎"), "高橋 一郎");
        assert!(is_variant_pair('髙', '高'));
    }

    #[test]
    fn encoding_damage_is_flagged_and_kept() {
        let n = norm("?田 花子");
        assert_eq!(n.value.as_deref(), Some("?田 花子"));
        assert!(codes(&n).contains(&"lossy_sjis_export"));
        let n = norm("山\u{E000} 花子");
        assert_eq!(n.value.as_deref(), Some("山\u{E000} 花子"));
        assert!(codes(&n).contains(&"gaiji"));
        let n = norm("山\u{FFFD} 花子");
        assert!(n.problems.iter().any(|f| f.code == "undecodable" && f.severity == Severity::Warning));
    }

    fn assert_idempotent(s: &str) {
        crate::cleanse::testing::assert_idempotent(FieldType::Name, s);
    }

    #[test]
    fn idempotent_on_examples() {
        EXAMPLES.iter().for_each(|s| assert_idempotent(s));
    }

    #[test]
    fn never_panics_and_is_idempotent_on_noise() {
        const ROUNDS: usize = 20_000;
        const POOL: &[char] = &[
            '不',
            '明',
            'な',
            'し',
            '〃',
            '同',
            '上',
            'a',
            'Z',
            'Ｂ',
            ' ',
            '　',
            '\t',
            '山',
            '田',
            '髙',
            '﨑',
            '\u{FA10}',
            'ｶ',
            'ﾞ',
            'ﾟ',
            '゛',
            '゜',
            '\u{3099}',
            'か',
            'ウ',
            'ー',
            '-',
            '~',
            '〜',
            '(',
            ')',
            '（',
            '）',
            '【',
            '】',
            '※',
            '様',
            '方',
            'さ',
            'ま',
            'サ',
            'マ',
            '・',
            '＝',
            '=',
            ',',
            '?',
            '\u{E000}',
            '\u{FFFD}',
            '\u{FE00}',
            '\u{E0100}',
            '旧',
            '姓',
            ':',
            'ッ',
            'ヴ',
            'ゝ',
            '〓',
            '&',
            '、',
            '君',
            '氏',
            '先',
            '生',
            'ん',
            'く',
            'ｰ',
            '\u{200B}',
            'É',
            '.',
            '\u{FF9E}',
        ];
        crate::cleanse::testing::noise(ROUNDS, POOL, assert_idempotent);
    }
}
