//! Block numbers (番地): where they start, what they are, and what is a
//! name instead. `N丁目M番K号`, `N-M-K`, `N番地のM`, `NのMのK` and their
//! kanji forms give the numbers `[N, M, K]`; a fourth number, or one
//! followed by 号室/階/F, is the room and is left to the building part.
//!
//! Kanji numerals count only in block position: before 丁目 or 番地, or
//! before 番/号/の/- and another kanji number (so 一番町, 麻布十番, 三ノ輪,
//! 一之江 are names), and not glued to a name's own numeral (双六一丁目 is
//! 双六 + 1丁目). Digits before 条/線/地割/番町/号線 (北1条, 第1地割) are part
//! of the town. A town that Japan Post names with a block-like number
//! (伊達市保原町1丁目, 京都市上京区元四丁目) keeps it when a block number
//! follows.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{fold_key, is_hyphen, is_ideograph, postal, Place};

/// A block number in the text: `t[start..end]`, read as `nums`.
pub(super) struct Block {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) nums: Vec<String>,
    first_marker: Option<Marker>,
    /// Where the second number starts.
    second: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Marker {
    Chome,
    Banchi,
    Ban,
    Go,
    /// の, ノ, 之, or a hyphen: only a separator when a number follows.
    Sep,
}

pub(super) fn marker_at(t: &[char], p: usize) -> Option<(Marker, usize)> {
    let c = *t.get(p)?;
    let next = t.get(p + 1).copied();
    Some(match c {
        '丁' if next == Some('目') => (Marker::Chome, 2),
        '番' if next == Some('地') => (Marker::Banchi, 2),
        '番' => (Marker::Ban, 1),
        '号' => (Marker::Go, 1),
        'の' | 'ノ' | '之' => (Marker::Sep, 1),
        c if is_hyphen(c) => (Marker::Sep, 1),
        _ => return None,
    })
}

/// A number at `p`: (digits without leading zeros, end, written in kanji).
fn number_at(t: &[char], p: usize) -> Option<(String, usize, bool)> {
    let first = *t.get(p)?;
    if first.is_ascii_digit() {
        let end = p + t[p..].iter().take_while(|c| c.is_ascii_digit()).count();
        let s: String = t[p..end].iter().skip_while(|&&c| c == '0').collect();
        return Some((if s.is_empty() { "0".into() } else { s }, end, false));
    }
    if is_kanji_num(first) {
        let end = p + t[p..].iter().take_while(|&&c| is_kanji_num(c)).count();
        let run = &t[p..end];
        // 双六一丁目, 十余二一丁目, 七五三一丁目: a name ending in a numeral
        // glued to the block number. Take 二十一 and 一〇五 whole, but 六一
        // after a name is 六 + 一.
        let glued = p > 0 && t.get(p - 1).is_some_and(|&c| is_ideograph(c) || ('\u{3040}'..='\u{30FF}').contains(&c));
        let units = run.iter().any(|c| matches!(c, '十' | '百' | '千'));
        let ok = run.len() == 1 || if units { positional(run) } else { !glued || run.contains(&'〇') };
        // 九3: a kanji numeral glued to digits is no number of its own.
        let ok = ok && !t.get(end).is_some_and(|c| c.is_ascii_digit());
        return ok.then(|| (kanji_value(run), end, true));
    }
    None
}

/// A well-formed kanji number with units: 十, 二十一, 百五, 三千二百.
fn positional(k: &[char]) -> bool {
    let digit = |i: usize| k.get(i).and_then(|&c| kanji_digit(c)).is_some_and(|d| d > 0);
    let mut i = 0;
    for unit in ['千', '百', '十'] {
        if digit(i) && k.get(i + 1) == Some(&unit) {
            i += 2;
        } else if k.get(i) == Some(&unit) {
            i += 1;
        }
    }
    if digit(i) {
        i += 1;
    }
    i == k.len()
}

/// 二十三 → 23, 百五 → 105, 一〇五 → 105.
pub(super) fn kanji_value(k: &[char]) -> String {
    if !k.iter().any(|c| matches!(c, '十' | '百' | '千')) {
        let s: String = k.iter().filter_map(|&c| kanji_digit(c)).map(|d| char::from(b'0' + d as u8)).skip_while(|&c| c == '0').collect();
        return if s.is_empty() { "0".into() } else { s };
    }
    let (mut total, mut cur) = (0u64, 0u64);
    for &c in k {
        match c {
            '十' | '百' | '千' => {
                let unit = match c {
                    '十' => 10,
                    '百' => 100,
                    _ => 1000,
                };
                total = total.saturating_add(if cur == 0 { 1 } else { cur }.saturating_mul(unit));
                cur = 0;
            }
            _ => cur = cur.saturating_mul(10).saturating_add(kanji_digit(c).unwrap_or(0)),
        }
    }
    total.saturating_add(cur).to_string()
}

/// After a number, a suffix that makes it part of the town name: 北1条,
/// 東鷹栖10線, 第1地割, 1番町, 南13号線.
fn town_suffix(t: &[char], p: usize) -> bool {
    let (c, next) = (t.get(p).copied(), t.get(p + 1).copied());
    match c {
        Some('条' | '線' | '区' | '町' | '軒' | '通' | '組') => true,
        Some('丁') => next != Some('目'),
        Some('地') => next == Some('割'),
        Some('番') => matches!(next, Some('町' | '街' | '丁' | '通' | '館')),
        Some('号') => next == Some('線'),
        Some('の' | 'ノ') => matches!(next, Some('町' | '通' | '丁')), // 五十嵐2の町
        _ => false,
    }
}

/// After a number, a suffix that makes it a building, floor or room
/// number: 45F, 2階, 201号室, 3号館, 1号棟, 5番館.
fn building_suffix(t: &[char], p: usize) -> bool {
    let (c, next) = (t.get(p).copied(), t.get(p + 1).copied());
    match c {
        Some('F' | 'f') => !next.is_some_and(|n| n.is_ascii_alphabetic()),
        Some('階' | '室' | '棟' | '館') => true,
        Some('号') => matches!(next, Some('室' | '館' | '棟')),
        Some('番') => next == Some('館'),
        _ => false,
    }
}

/// The block number: the first one after the city, unless that one is
/// part of a town name the table knows (伊達市保原町1丁目, 京都市上京区元四丁目,
/// にかほ市象潟町5丁目塩越, 名張市美旗町中1番) and a block number follows it.
pub(super) fn find_block(t: &[char], place: &Place) -> Option<Block> {
    let b = first_block(t, place.city_end)?;
    let Some(city) = place.city else { return Some(b) };
    if !matches!(b.first_marker, Some(Marker::Chome | Marker::Ban)) {
        return Some(b);
    }
    let mut later = Vec::new();
    if let Some(s) = b.second {
        later.push(s);
    }
    if b.nums.len() == 1 {
        later.push(b.end + t[b.end..].iter().take_while(|&&c| is_ideograph(c) && !is_kanji_num(c)).count());
    }
    let Some(towns) = numbered_towns().get(city) else { return Some(b) };
    for s in later {
        if s > b.start && s < t.len() && towns.contains(&fold_key(&t[place.city_end..s])) {
            if let Some(b2) = chain(t, s) {
                return Some(b2);
            }
        }
    }
    Some(b)
}

/// Towns whose names hold a block-like number (保原町1丁目, 元四丁目,
/// 美旗町中1番, 象潟町5丁目塩越), by city, with the town as a key.
fn numbered_towns() -> &'static HashMap<&'static str, Vec<String>> {
    static TOWNS: OnceLock<HashMap<&'static str, Vec<String>>> = OnceLock::new();
    TOWNS.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<String>> = HashMap::new();
        for e in postal::entries() {
            if !e.town.contains(['丁', '番']) {
                continue;
            }
            let t: Vec<char> = e.town.chars().collect();
            let numbered = (0..t.len()).any(|i| {
                (t[i].is_ascii_digit() || is_kanji_num(t[i]))
                    && matches!(marker_at(&t, i + 1), Some((Marker::Chome | Marker::Ban, _)))
                    && !town_suffix(&t, i + 1)
            });
            if numbered {
                let towns = map.entry(e.city).or_default();
                let key = fold_key(&t);
                if !towns.contains(&key) {
                    towns.push(key);
                }
            }
        }
        map
    })
}

fn first_block(t: &[char], from: usize) -> Option<Block> {
    let mut i = from;
    while i < t.len() {
        let Some((_, end, kanji)) = number_at(t, i) else {
            i += 1;
            continue;
        };
        if !kanji {
            let prev = if i > 0 { t.get(i - 1).copied() } else { None };
            if building_suffix(t, end) {
                // 45F, 2階 before any block number: no block number.
                return None;
            }
            if prev.is_some_and(|p| p.is_ascii_alphabetic() || p == '#') {
                i = end; // B1, #203, SS30: part of a name
                continue;
            }
            // 東神楽町3号, 東川町西2号北: N号 before a digit or a name is a town.
            let go_town = t.get(end) == Some(&'号') && t.get(end + 1).is_some_and(|&c| c.is_ascii_digit() || is_ideograph(c));
            if go_town
                || town_suffix(t, end)
                || (prev == Some('第') && !matches!(marker_at(t, end), Some((Marker::Chome | Marker::Banchi, _))))
            {
                i = end;
                continue;
            }
        }
        if let Some(b) = chain(t, i) {
            return Some(b);
        }
        // After a kanji numeral that is a name, its tail may still be a
        // block number (双六一丁目).
        i = if kanji { i + 1 } else { end };
    }
    None
}

/// Reads `N丁目M番K号`, `N-M-K`, `N番地のM` … starting at the number at `p`;
/// `None` when a kanji number there is a name (三軒茶屋, 一番町, 麻布十番).
fn chain(t: &[char], p: usize) -> Option<Block> {
    let (first, mut pos, kanji_start) = number_at(t, p)?;
    let mut nums = vec![first];
    let mut first_marker = None;
    let mut last_kanji = kanji_start;
    let mut second = None;
    while let Some((m, mlen)) = marker_at(t, pos) {
        let after = pos + mlen;
        // The next number: right after the marker, after の/- following
        // 丁目/番地/番, or after one space following 丁目/番地/番.
        let mut q = after;
        if matches!(m, Marker::Chome | Marker::Banchi | Marker::Ban) {
            if let Some((Marker::Sep, l)) = marker_at(t, q) {
                q += l;
            } else if t.get(q) == Some(&' ') && t.get(q + 1).is_some_and(|c| c.is_ascii_digit()) {
                q += 1;
            }
        }
        let next = if m == Marker::Go { None } else { number_at(t, q) };
        if kanji_start && m == Marker::Chome && nums[0].len() > 2 {
            return None; // 八千一丁目: 八千 is a name, no 8001丁目
        }
        if nums.len() == 1 && first_marker.is_none() {
            first_marker = Some(m);
        }
        // A kanji number starts a block only as N丁目, N番地, N号, or before
        // another kanji number (十番 in 麻布十番1-2 is a name).
        if kanji_start && nums.len() == 1 {
            let ok = match m {
                Marker::Chome | Marker::Banchi => true,
                Marker::Go => !building_suffix(t, pos) && t.get(pos + 1) != Some(&'地'), // 九号地
                Marker::Ban | Marker::Sep => next.as_ref().is_some_and(|n| n.2),
            };
            if !ok {
                return None;
            }
        }
        if m == Marker::Go && building_suffix(t, pos) {
            break; // 201号室: the number before is a room
        }
        let Some((num, nend, nk)) = next else { break };
        if kanji_start && first_marker != Some(Marker::Chome) && !nk {
            return None;
        }
        if building_suffix(t, nend) || (nk && !last_kanji && marker_at(t, nend).is_none()) {
            // 1-2-301号室: 301 is the room; 一 after 1-2 is no number.
            break;
        }
        // 麻布十番一丁目, 五之三町, 五之三川平: the first kanji number is a name.
        let named = nk && m == Marker::Sep && t.get(nend).is_some_and(|&c| is_ideograph(c)) && marker_at(t, nend).is_none();
        if marker_at(t, nend).map(|x| x.0) == Some(Marker::Chome) || town_suffix(t, nend) || named {
            if kanji_start && nums.len() == 1 {
                return None;
            }
            break;
        }
        if nums.len() == 3 {
            // 1-2-3-405: a fourth number is the room.
            break;
        }
        if nums.len() == 1 {
            second = Some(q);
        }
        nums.push(num);
        last_kanji = nk;
        pos = nend;
    }
    if kanji_start && first_marker.is_none() {
        return None; // 九段, 三軒茶屋: no marker after the numeral
    }
    // A trailing marker closes the block: 1丁目, 123番地, 3号, 10番.
    if let Some((m, l)) = marker_at(t, pos) {
        if m != Marker::Sep && !(m == Marker::Go && building_suffix(t, pos)) {
            pos += l;
        }
    }
    Some(Block { start: p, end: pos, nums, first_marker, second })
}

fn kanji_digit(c: char) -> Option<u64> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

pub(super) fn is_kanji_num(c: char) -> bool {
    kanji_digit(c).is_some() || matches!(c, '十' | '百' | '千')
}
