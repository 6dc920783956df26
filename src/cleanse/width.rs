//! Width folding and character classes shared by the name and kana
//! normalisers (R15, R19, R3).
//!
//! The display fold is deliberately *not* NFKC: NFKC also rewrites the 12
//! CJK compatibility ideographs a customer may have written (塚 U+FA10),
//! turns `①` into `1` and `゛` into a space plus a combining mark. Here we
//! do only what a display value needs:
//!
//! - full-width ASCII (U+FF01–FF5E) → ASCII, except `＝` right after kana
//!   (katakana foreign names: ジャン＝ポール);
//! - half-width katakana (U+FF61–FF9F) → full-width;
//! - voiced and semi-voiced marks, spacing (゛゜ U+309B/C, ﾞﾟ) or combining
//!   (U+3099/A, NFD input from macOS), composed with the kana before them
//!   (`ｶﾞ`, `う゛`, `ハ`+U+309A → `ガ`, `ゔ`, `パ`); a mark that cannot compose
//!   is kept (spacing marks as ゛/゜);
//! - a dash, minus or tilde right after kana → `ー` (`ｲﾁﾛ-`, `タロウ〜`);
//! - every run of white space (ASCII, U+3000, NBSP, tabs, line breaks) →
//!   one ASCII space, none at either end; zero-width characters and the soft
//!   hyphen are dropped;
//! - optionally (readings) hiragana → katakana.
//!
//! The fold is idempotent: `fold(fold(s)) == fold(s)`.

use unicode_normalization::char::compose;

use super::Finding;

/// A key for matching a word a person typed against known words (a column
/// name, a stylist, a review decision), never for display: NFKC (ｵｶﾀﾞ and
/// オカダ, ＭＥＲＧＥ and MERGE), lower case, white space dropped.
pub fn label_key(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().flat_map(char::to_lowercase).filter(|c| !c.is_whitespace()).collect()
}

/// Half-width katakana U+FF61–U+FF9D → full-width (U+FF9E/U+FF9F, the
/// marks, are handled apart).
const HALF_KANA: [char; 61] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー', 'ア', 'イ', 'ウ', 'エ', 'オ', 'カ',
    'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ', 'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ',
    'ヘ', 'ホ', 'マ', 'ミ', 'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン',
];

/// A kanji (CJK ideograph, including the compatibility block and the
/// supplementary planes) or an ideographic iteration/number mark (々 〇 〻).
pub(crate) fn is_kanji(c: char) -> bool {
    matches!(c, '\u{3005}' | '\u{3007}' | '\u{303B}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{323AF}')
}

/// A hiragana or katakana letter (with ー, iteration marks, small kana and
/// half-width kana), not the middle dot ・ nor ゠.
pub(crate) fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309F}' | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9D}')
}

/// A variation selector (standard U+FE00–FE0F or ideographic U+E0100–E01EF).
pub(crate) fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Characters that are never meant to be there (R2): zero-width space,
/// joiners, word joiner, BOM, soft hyphen.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// Dash, minus, prolonged-sound and tilde variants that mean `ー` after kana.
fn is_dash_like(c: char) -> bool {
    matches!(
        c,
        '-' | '~' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{223C}'
                | '\u{2500}'
                | '\u{2501}'
                | '\u{301C}'
                | '\u{3030}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{FF5E}'
                | '\u{FF70}'
    )
}

/// Folds `raw` for display (see the module documentation). `hira_to_kata`:
/// also turn hiragana into katakana (readings).
pub(crate) fn fold(raw: &str, hira_to_kata: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    if raw.is_ascii() {
        // Fast path: only white space to collapse.
        let mut pending = false;
        for c in raw.chars() {
            if c.is_ascii_whitespace() || c.is_ascii_control() {
                pending = true;
            } else {
                if pending && !out.is_empty() {
                    out.push(' ');
                }
                pending = false;
                out.push(c);
            }
        }
        return out;
    }
    let mut pending_space = false;
    // The last character pushed, `None` at the start and after a space.
    let mut last: Option<char> = None;
    for c in raw.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            pending_space = true;
            last = None;
            continue;
        }
        let mut m = match c {
            '\u{FF1D}' if last.is_some_and(is_kana) => c,
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{FF61}'..='\u{FF9D}' => HALF_KANA[(c as u32 - 0xFF61) as usize],
            _ => c,
        };
        // Voiced and semi-voiced marks.
        let mark = match m {
            '\u{3099}' | '\u{309B}' | '\u{FF9E}' => Some('\u{3099}'),
            '\u{309A}' | '\u{309C}' | '\u{FF9F}' => Some('\u{309A}'),
            _ => None,
        };
        if let Some(mark) = mark {
            if !pending_space {
                if let Some(composed) = last.and_then(|l| compose(l, mark)) {
                    out.pop();
                    let composed = if hira_to_kata { to_katakana(composed) } else { composed };
                    out.push(composed);
                    last = Some(composed);
                    continue;
                }
            }
            m = match c {
                '\u{FF9E}' => '\u{309B}',
                '\u{FF9F}' => '\u{309C}',
                _ => m,
            };
        } else if hira_to_kata {
            if m == '\u{309F}' {
                // ゟ, the yori ligature.
                push_sep(&mut out, &mut pending_space);
                out.push_str("ヨリ");
                last = Some('リ');
                continue;
            }
            m = to_katakana(m);
        }
        if is_dash_like(m) && !pending_space && last.is_some_and(is_kana) {
            m = 'ー';
        }
        push_sep(&mut out, &mut pending_space);
        out.push(m);
        last = Some(m);
    }
    out
}

fn push_sep(out: &mut String, pending_space: &mut bool) {
    if *pending_space && !out.is_empty() {
        out.push(' ');
    }
    *pending_space = false;
}

/// Hiragana → katakana, one character (ゝゞ → ヽヾ); anything else unchanged.
pub(crate) fn to_katakana(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        _ => c,
    }
}

/// Encoding damage (R3), once per kind: gaiji (Private Use Area), `?` or
/// `〓` next to kanji or kana (a Shift_JIS export that could not encode a
/// character), U+FFFD (bytes that could not be decoded). The value is kept.
pub(crate) fn damage(s: &str, problems: &mut Vec<Finding>) {
    if s.is_ascii() {
        return;
    }
    let (mut gaiji, mut lossy, mut bad) = (false, false, false);
    let mut prev: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFD}' => gaiji = true,
            '\u{FFFD}' => bad = true,
            '〓' => lossy = true,
            '?' | '？' => {
                let jp = |c: Option<char>| c.is_some_and(|c| is_kanji(c) || is_kana(c));
                if jp(prev) || jp(chars.peek().copied()) {
                    lossy = true;
                }
            }
            _ => {}
        }
        prev = Some(c);
    }
    if gaiji {
        problems.push(Finding::warning(
            "gaiji",
            "a shop-defined character (gaiji, Private Use Area) that other systems cannot show: kept; replace it with a standard kanji",
        ));
    }
    if lossy {
        problems.push(Finding::warning(
            "lossy_sjis_export",
            "a ? or 〓 stands for a character the exporting system could not encode: kept; fill in the real character",
        ));
    }
    if bad {
        problems.push(Finding::warning(
            "undecodable",
            "contains U+FFFD: bytes in the source could not be decoded; kept; check the file's encoding",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_marks_and_spaces() {
        assert_eq!(fold("ﾔﾏﾀﾞ　ﾀﾛｳ", false), "ヤマダ タロウ");
        assert_eq!(fold("  ＡＢＣ１２３\t\u{00A0}x ", false), "ABC123 x");
        assert_eq!(fold("う゛", false), "ゔ");
        assert_eq!(fold("う゛", true), "ヴ");
        assert_eq!(fold("ｳﾞｧ", true), "ヴァ");
        assert_eq!(fold("ハ\u{309A}", false), "パ");
        assert_eq!(fold("か\u{3099}", true), "ガ");
        assert_eq!(fold("ゝ゛", true), "ヾ");
        assert_eq!(fold("山゛", false), "山゛");
        assert_eq!(fold("ｲﾁﾛｰ", true), "イチロー");
        assert_eq!(fold("イチロ－", true), "イチロー");
        assert_eq!(fold("タロウ〜", true), "タロウー");
        assert_eq!(fold("03-1234", true), "03-1234");
        assert_eq!(fold("ジャン＝ポール", false), "ジャン＝ポール");
        assert_eq!(fold("Ａ＝Ｂ", false), "A=B");
        assert_eq!(fold("ゟ", true), "ヨリ");
        assert_eq!(fold("山\u{200B}田", false), "山田");
    }

    #[test]
    fn fold_is_idempotent() {
        for s in ["ｶ ﾞ", "ｶﾞﾞ", "カ -", "ア゛", "ｶ\u{3099}\u{3099}", " ｰｰ ", "ﾞｶ", "ア＝＝", "か～", "ヷ゙"] {
            for k in [false, true] {
                let once = fold(s, k);
                assert_eq!(fold(&once, k), once, "{s:?}");
            }
        }
    }

    #[test]
    fn flags_damage() {
        let mut p = Vec::new();
        damage("?田 花子", &mut p);
        damage("山\u{E000}", &mut p);
        damage("山\u{FFFD}", &mut p);
        let codes: Vec<_> = p.iter().map(|f| f.code).collect();
        assert_eq!(codes, ["lossy_sjis_export", "gaiji", "undecodable"]);
        let mut p = Vec::new();
        damage("Who? 山田", &mut p);
        assert!(p.is_empty());
    }
}
