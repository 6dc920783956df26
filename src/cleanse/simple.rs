//! The small normalisers (gender, email, amount, free text) and the rules
//! shared by every type (null markers, ditto marks).

use unicode_normalization::UnicodeNormalization;

use super::{Finding, Normalized};
use crate::mapping::FieldType;
use crate::model::CellKind;

/// Values that mean "nothing here" in Japanese ledgers (R5), compared after
/// trimming and width folding.
const NULL_MARKERS: &[&str] = &[
    "-",
    "--",
    "---",
    "ー",
    "―",
    "—",
    "‐",
    "−",
    "－",
    "ｰ",
    "なし",
    "無し",
    "ナシ",
    "特になし",
    "不明",
    "不詳",
    "未記入",
    "未入力",
    "記入なし",
    "該当なし",
    "×",
    "✕",
    "n/a",
    "na",
    "#n/a",
    "#value!",
    "#ref!",
    "#div/0!",
    "#name?",
    "#null!",
    "#num!",
    "null",
    "none",
    "nil",
    "?",
    "？",
];

/// Ditto marks: "same as the row above". Never copied silently (R26).
const DITTO: &[&str] = &["〃", "〃〃", "同上", "仝", "〃 〃", "\"", "同"];

/// Null markers and ditto marks, for every type: `Some` when the value is
/// one of them (or empty).
pub fn null_or_ditto(ftype: FieldType, raw: &str) -> Option<Normalized> {
    let t = trim(raw);
    if t.is_empty() {
        return Some(Normalized::default());
    }
    // Only short values can be markers; skip the folding for the rest.
    if t.chars().count() > 6 {
        return None;
    }
    let (nulls, dittos) = markers();
    // Most short values need no folding to be compared: look them up as
    // they are, and fold only text with full-width forms, capitals or spaces.
    let needs_fold = t.chars().any(|c| ('\u{FF00}'..='\u{FFEF}').contains(&c) || c.is_uppercase() || c.is_whitespace() || c == '\u{3000}');
    if !needs_fold {
        if DITTO.contains(&t) || dittos.contains(t) {
            return Some(ditto());
        }
        if nulls.contains(t) || (ftype == FieldType::Phone && t.chars().all(|c| c == '0')) {
            return Some(null_marker());
        }
        return None;
    }
    // The markers are ASCII, kana and kanji: folding full-width forms by
    // hand gives what NFKC would, for a fraction of the cost.
    let folded: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{FF70}' => 'ー',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    if DITTO.contains(&t) || dittos.contains(&folded) {
        return Some(ditto());
    }
    let is_null = nulls.contains(&folded) || (ftype == FieldType::Phone && folded.chars().all(|c| c == '0'));
    if is_null {
        return Some(null_marker());
    }
    None
}

fn ditto() -> Normalized {
    Normalized::problem(
        crate::model::Severity::Warning,
        "ditto",
        "a ditto mark (〃, 同上) means \"same as the row above\"; it was not copied: fill in the value",
    )
}

fn null_marker() -> Normalized {
    Normalized::default().with(Finding::info("null_marker", "a null marker (不明, なし, -, #N/A …): stored as empty"))
}

/// The markers, folded the way values are compared (NFKC, lower case, no
/// spaces), computed once.
fn markers() -> &'static (std::collections::HashSet<String>, std::collections::HashSet<String>) {
    static MARKERS: std::sync::OnceLock<(std::collections::HashSet<String>, std::collections::HashSet<String>)> =
        std::sync::OnceLock::new();
    MARKERS.get_or_init(|| {
        let fold = |m: &&str| m.nfkc().flat_map(char::to_lowercase).filter(|c| !c.is_whitespace()).collect::<String>();
        (NULL_MARKERS.iter().map(fold).collect(), DITTO.iter().map(fold).collect())
    })
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{FEFF}' || c == '\u{200B}')
}

/// Gender (R24): 男/男性/M/male/♂/1 → `M`, 女/女性/F/female/♀/2 → `F`. An
/// unknown gender is left empty, never guessed.
pub fn gender(raw: &str) -> Normalized {
    let folded: String = trim(raw).nfkc().flat_map(char::to_lowercase).filter(|c| !c.is_whitespace()).collect();
    let male = ["男", "男性", "m", "male", "man", "♂", "1", "おとこ", "オトコ", "紳士", "mr", "mr."];
    let female = ["女", "女性", "f", "female", "woman", "♀", "2", "おんな", "オンナ", "婦人", "ms", "ms.", "mrs", "mrs.", "miss"];
    let unknown = ["0", "9", "u", "不明", "その他", "other", "未回答", "回答しない", "無回答", "x"];
    if male.contains(&folded.as_str()) {
        Normalized::same("M")
    } else if female.contains(&folded.as_str()) {
        Normalized::same("F")
    } else if unknown.contains(&folded.as_str()) {
        Normalized::default().with(Finding::info("gender_unknown", "gender not given (不明, その他, 0, 9): left empty, not guessed"))
    } else {
        Normalized::problem(
            crate::model::Severity::Warning,
            "gender_unrecognised",
            "not a gender karte knows (男/女/男性/女性/M/F/1/2); declare the shop's own values in the mapping (values = { … })",
        )
    }
}

/// E-mail (R23): width folded, trimmed, `mailto:` removed, the domain
/// lower-cased; the key lower-cases the whole address. Several addresses in
/// one cell: the first is the value, the others `other`. Legacy carrier
/// addresses that break the RFC (`taro..yamada.@docomo.ne.jp`) are kept with
/// a warning.
pub fn email(raw: &str) -> Normalized {
    let folded: String = raw.nfkc().collect();
    let folded = folded.replace(['＠', '﹫'], "@");
    let mut parts =
        folded.split(|c: char| c.is_whitespace() || matches!(c, '/' | '、' | ';' | ',' | '，' | '；')).filter(|p| !p.is_empty());
    let Some(first) = parts.next() else { return Normalized::default() };
    let mut n = one_email(first);
    for other in parts {
        let o = one_email(other);
        if let Some(k) = o.key {
            n.extra.push(("other", k));
            n.problems.push(Finding::info(
                "several_emails",
                "several e-mail addresses in one cell: the first is kept as the value, the others as alternatives",
            ));
        }
    }
    n
}

fn one_email(s: &str) -> Normalized {
    let s = s.trim_matches(|c: char| c == '<' || c == '>' || c == '"' || c == '\'' || c == '(' || c == ')');
    let s = s.strip_prefix("mailto:").or_else(|| s.strip_prefix("MAILTO:")).unwrap_or(s);
    let Some((local, domain)) = s.rsplit_once('@') else {
        return Normalized::problem(
            crate::model::Severity::Warning,
            "email_invalid",
            "an e-mail address needs one @ between a name and a domain",
        );
    };
    let domain = domain.to_ascii_lowercase();
    let local_ok =
        !local.is_empty() && !local.contains('@') && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !local_ok || !domain_ok {
        return Normalized::problem(
            crate::model::Severity::Warning,
            "email_invalid",
            "not a valid e-mail address (name@domain.tld, ASCII only)",
        );
    }
    let value = format!("{local}@{domain}");
    let mut n = Normalized { key: Some(value.to_lowercase()), value: Some(value), ..Normalized::default() };
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        n.problems.push(Finding::warning(
            "legacy_carrier_rfc_violation",
            "the part before @ has a leading, trailing or double dot: old carrier addresses (docomo, au) allowed this; kept as written",
        ));
    }
    n
}

/// An amount of money or a quantity (R25): `¥`, `￥`, `\` (CP932's yen), `円`,
/// thousands separators, full-width digits, `△`/`▲` as the minus sign of
/// Japanese accounting, a trailing `-` (`\4,400-`), tax notes such as
/// `(税込)`. The value is the number: `4400`, `-4400`, `1.5`.
pub fn amount(raw: &str, _cell: CellKind) -> Normalized {
    let folded: String = trim(raw).nfkc().collect();
    let mut s = folded.as_str();
    let mut extra = Vec::new();
    for (note, tax) in [
        ("(税込)", "included"),
        ("(税込み)", "included"),
        ("税込", "included"),
        ("(税別)", "excluded"),
        ("税別", "excluded"),
        ("(税抜)", "excluded"),
        ("税抜", "excluded"),
    ] {
        if let Some(rest) = s.strip_suffix(note).or_else(|| s.strip_prefix(note)) {
            s = rest.trim();
            extra.push(("tax", tax.to_string()));
            break;
        }
    }
    let mut negative = false;
    let mut digits = String::with_capacity(s.len());
    let mut seen_digit = false;
    let mut seen_point = false;
    for (i, c) in s.char_indices() {
        match c {
            '0'..='9' => {
                digits.push(c);
                seen_digit = true;
            }
            '.' if seen_digit && !seen_point => {
                digits.push('.');
                seen_point = true;
            }
            ',' | ' ' | '¥' | '\\' | '円' | '$' | '+' => {}
            '-' | '−' | '△' | '▲' if !seen_digit => negative = true,
            // `\4,400-`: a closing dash after the number, not a minus.
            '-' | '―' | 'ー' if seen_digit && s[i + c.len_utf8()..].trim().is_empty() => {}
            _ => {
                return Normalized::problem(
                    crate::model::Severity::Warning,
                    "amount_invalid",
                    "not an amount (digits with ¥, 円, commas, △ for minus)",
                );
            }
        }
    }
    if !seen_digit {
        return Normalized::problem(crate::model::Severity::Warning, "amount_invalid", "not an amount (no digits)");
    }
    let digits = digits.trim_end_matches('.');
    let digits = if digits.contains('.') { digits.trim_end_matches('0').trim_end_matches('.') } else { digits };
    let digits = digits.trim_start_matches('0');
    let digits = if digits.is_empty() || digits.starts_with('.') { format!("0{digits}") } else { digits.to_string() };
    let value = if negative && digits != "0" { format!("-{digits}") } else { digits };
    let mut n = Normalized::same(value);
    n.extra = extra;
    n
}

/// Free text: kept as written; line endings become `\n`, control
/// characters other than tab and newline are removed; nothing else changes
/// (no NFKC: `①カット②カラー` and `10〜12時` stay as they are).
pub fn text(raw: &str) -> Normalized {
    let needs_work = raw.contains('\r') || raw.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    let s = if needs_work {
        let s = raw.replace("\r\n", "\n").replace('\r', "\n");
        s.chars().filter(|&c| !c.is_control() || c == '\n' || c == '\t').collect::<String>()
    } else {
        raw.to_string()
    };
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    if t.is_empty() {
        return Normalized::default();
    }
    Normalized::same(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(n: &Normalized) -> Option<&str> {
        n.value.as_deref()
    }

    #[test]
    fn null_markers_and_ditto() {
        for m in ["不明", "なし", "未記入", "-", "－", "#N/A", "Ｎ／Ａ", " ー "] {
            let n = null_or_ditto(FieldType::Name, m).expect(m);
            assert_eq!(n.value, None, "{m}");
            assert_eq!(n.problems[0].code, "null_marker", "{m}");
        }
        assert_eq!(null_or_ditto(FieldType::Address, "〃").unwrap().problems[0].code, "ditto");
        assert_eq!(null_or_ditto(FieldType::Address, "同上").unwrap().problems[0].code, "ditto");
        assert!(null_or_ditto(FieldType::Phone, "0").is_some());
        assert!(null_or_ditto(FieldType::Amount, "0").is_none());
        assert!(null_or_ditto(FieldType::Name, "山田").is_none());
    }

    #[test]
    fn genders() {
        for (raw, want) in [
            ("男", Some("M")),
            ("女性", Some("F")),
            ("Ｍ", Some("M")),
            ("f", Some("F")),
            ("1", Some("M")),
            ("2", Some("F")),
            ("♀", Some("F")),
            ("不明", None),
            ("その他", None),
        ] {
            assert_eq!(v(&gender(raw)), want, "{raw}");
        }
        assert_eq!(gender("たぶん男").problems[0].code, "gender_unrecognised");
    }

    #[test]
    fn emails() {
        let n = email("ｔａｒｏ．ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ");
        assert_eq!(v(&n), Some("taro.yamada@example.com"));
        let n = email(" Taro@Example.JP ");
        assert_eq!(v(&n), Some("Taro@example.jp"));
        assert_eq!(n.key.as_deref(), Some("taro@example.jp"));
        let n = email("taro..yamada.@docomo.ne.jp");
        assert_eq!(v(&n), Some("taro..yamada.@docomo.ne.jp"));
        assert_eq!(n.problems[0].code, "legacy_carrier_rfc_violation");
        assert_eq!(email("mailto:a@b.jp").value.as_deref(), Some("a@b.jp"));
        assert_eq!(email("a@b.jp / c@d.jp").extra, vec![("other", "c@d.jp".to_string())]);
        assert_eq!(email("taro@").problems[0].code, "email_invalid");
        assert_eq!(email("山田@example.jp").problems[0].code, "email_invalid");
    }

    #[test]
    fn amounts() {
        for (raw, want) in [
            ("\\4,400-", "4400"),
            ("￥４，４００（税込）", "4400"),
            ("¥11,000", "11000"),
            ("4400円", "4400"),
            ("△1,200", "-1200"),
            ("▲500", "-500"),
            ("-4400", "-4400"),
            ("1.50", "1.5"),
            ("0", "0"),
            ("007", "7"),
        ] {
            assert_eq!(v(&amount(raw, CellKind::Text)), Some(want), "{raw}");
        }
        assert_eq!(amount("￥４，４００（税込）", CellKind::Text).extra, vec![("tax", "included".to_string())]);
        assert_eq!(amount("四千円", CellKind::Text).problems[0].code, "amount_invalid");
    }

    #[test]
    fn free_text_is_kept() {
        assert_eq!(v(&text("①カット②カラー\r\n10〜12時希望")), Some("①カット②カラー\n10〜12時希望"));
        assert_eq!(v(&text("a\u{7}b")), Some("ab"));
    }

    #[test]
    fn idempotent() {
        for raw in ["男", "taro@Example.JP", "\\4,400-", "△1,200"] {
            let once = match raw {
                "男" => gender(raw),
                r if r.contains('@') => email(r),
                r => amount(r, CellKind::Text),
            };
            let v1 = once.value.clone().unwrap();
            let twice = match raw {
                "男" => gender(&v1),
                r if r.contains('@') => email(&v1),
                _ => amount(&v1, CellKind::Text),
            };
            assert_eq!(twice.value.as_deref(), Some(v1.as_str()), "{raw}");
        }
    }
}
