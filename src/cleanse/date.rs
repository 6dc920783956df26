//! Normaliser for the `date` field type (JAPANESE-DATA.md §3, R21–R22).
//!
//! Accepts Western dates (`1977/4/3`, `1977-04-03`, `1977年4月3日`,
//! `1977.4.3`, `19770403`, US `3/5/2024`), Japanese era dates (`昭和45年3月12日`,
//! `S45.3.12`, `昭45・3・12`, `㍼45年3月12日`, `H元.1.8`, kanji numerals),
//! Excel serials (1900 system), weekday suffixes (`(火)`), a time part, and
//! partial dates (month and day, year and month, year only).
//!
//! The value (and key) is ISO 8601: `YYYY-MM-DD`, `--MM-DD` (month and day
//! only), `YYYY-MM` or `YYYY`, with `precision` (`day`, `month_day`, `month`,
//! `year`) in `extra`, plus `era` (the era name, for an era date) and `time`
//! (`HH:MM` or `HH:MM:SS`, when the input had a time other than midnight).
//!
//! Era dates outside their era (`平成31年5月1日`, `R1.4.30`) are converted
//! arithmetically and flagged, never rejected. Hand-written scanning over a
//! small stack buffer: no regex, no allocation until the result is built.

use super::{Context, Finding, Normalized, Role};
use crate::model::{CellKind, Severity};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Longer input (after folding) is not a date.
const MAX_CHARS: usize = 64;
const MAX_TOKS: usize = 16;
/// Nobody is this old; a birth date this far back is a typo.
const MAX_AGE: i32 = 120;
/// Plausible Excel serials: 1900-01-01 ..= 2064-04-08.
const SERIAL_MAX: u32 = 60_000;
/// A bare four-digit number in this range is a year, not a serial (serials
/// 1868..=2100 are days in 1905, useless for birth or visit dates).
const BARE_YEARS: std::ops::RangeInclusive<u32> = 1868..=2100;

pub fn normalize(raw: &str, cell: CellKind, ctx: &Context) -> Normalized {
    let mut buf = ['\0'; MAX_CHARS];
    let Some(n) = fold(raw, &mut buf) else {
        return unparsed();
    };
    let s = &buf[..n];
    if s.is_empty() {
        return Normalized::default();
    }
    let parsed = match bare_number(s, cell, ctx) {
        Some(r) => r,
        None => parse(s, ctx),
    };
    match parsed {
        Ok(d) => finish(d, ctx),
        Err(n) => n,
    }
}

// ---------------------------------------------------------------- eras

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    fn name(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }
    /// The Gregorian year of 元年.
    fn base(self) -> i32 {
        match self {
            Era::Meiji => 1868,
            Era::Taisho => 1912,
            Era::Showa => 1926,
            Era::Heisei => 1989,
            Era::Reiwa => 2019,
        }
    }
    /// The first day of the era. 明治 was applied retroactively from 明治元年
    /// 1月1日 (lunisolar, 1868-01-25 Gregorian): every date in 1868 is accepted.
    fn start(self) -> NaiveDate {
        let (y, m, d) = match self {
            Era::Meiji => (1868, 1, 1),
            Era::Taisho => (1912, 7, 30),
            Era::Showa => (1926, 12, 25),
            Era::Heisei => (1989, 1, 8),
            Era::Reiwa => (2019, 5, 1),
        };
        ymd(y, m, d)
    }
    fn next(self) -> Option<Era> {
        match self {
            Era::Meiji => Some(Era::Taisho),
            Era::Taisho => Some(Era::Showa),
            Era::Showa => Some(Era::Heisei),
            Era::Heisei => Some(Era::Reiwa),
            Era::Reiwa => None,
        }
    }
    /// An era from its name's first kanji, its square, or its letter.
    fn from_char(c: char) -> Option<Era> {
        Some(match c {
            '明' | '㍾' | 'M' | 'm' => Era::Meiji,
            '大' | '㍽' | 'T' | 't' => Era::Taisho,
            '昭' | '㍼' | 'S' | 's' => Era::Showa,
            '平' | '㍻' | 'H' | 'h' => Era::Heisei,
            '令' | '㋿' | 'R' | 'r' => Era::Reiwa,
            _ => return None,
        })
    }
    /// The second kanji of the full name (`和` of 昭和).
    fn second(self) -> char {
        match self {
            Era::Meiji => '治',
            Era::Taisho => '正',
            Era::Showa => '和',
            Era::Heisei => '成',
            Era::Reiwa => '和',
        }
    }
}

/// A date known to be valid (used for constants and computed bounds).
fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

// ---------------------------------------------------------------- folding

/// Folds full-width ASCII to ASCII, spaces to one ASCII space, dash-like
/// characters to `-`, `・` to `.`, drops zero-width characters and trims.
/// `None` when the input is too long to be a date.
fn fold(raw: &str, out: &mut [char; MAX_CHARS]) -> Option<usize> {
    let mut n = 0;
    for c in raw.chars() {
        let c = match c {
            '\u{3000}' | '\u{00A0}' | '\t' | '\r' | '\n' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => continue,
            '・' | '･' => '.',
            '\u{2010}'..='\u{2015}' | '\u{2212}' | 'ー' | 'ｰ' | '\u{FE58}' | '\u{FE63}' => '-',
            _ => c,
        };
        if c == ' ' && (n == 0 || out[n - 1] == ' ') {
            continue;
        }
        if n == MAX_CHARS {
            return None;
        }
        out[n] = c;
        n += 1;
    }
    while n > 0 && out[n - 1] == ' ' {
        n -= 1;
    }
    Some(n)
}

// ---------------------------------------------------------------- tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Num {
    v: u32,
    /// Digits as written (ASCII), or of the value (kanji numerals).
    len: u8,
    /// `元` (the first year of an era).
    gannen: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Time {
    h: u8,
    m: u8,
    s: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Num(Num),
    Era(Era),
    Sep(char),
    Nen,
    Tsuki,
    Hi,
    Born,
    Time(Time),
}

/// Why a value is not a date.
enum Fail {
    Unparsed,
    Age,
    BadTime,
}

struct Tokens {
    t: [Tok; MAX_TOKS],
    n: usize,
    weekday: Option<Weekday>,
}

impl Tokens {
    fn push(&mut self, t: Tok) -> Result<(), Fail> {
        if self.n == MAX_TOKS {
            return Err(Fail::Unparsed);
        }
        self.t[self.n] = t;
        self.n += 1;
        Ok(())
    }
    fn last(&self) -> Option<Tok> {
        self.n.checked_sub(1).map(|i| self.t[i])
    }
}

fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' => 0,
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

fn kanji_unit(c: char) -> Option<u32> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

fn weekday_kanji(c: char) -> Option<Weekday> {
    Some(match c {
        '月' => Weekday::Mon,
        '火' => Weekday::Tue,
        '水' => Weekday::Wed,
        '木' => Weekday::Thu,
        '金' => Weekday::Fri,
        '土' => Weekday::Sat,
        '日' => Weekday::Sun,
        _ => return None,
    })
}

/// `火`, `火曜`, `火曜日`, `Tue`, `tue.`, `Tuesday`.
fn weekday_word(s: &[char]) -> Option<Weekday> {
    match s {
        [c] | [c, '曜'] | [c, '曜', '日'] => return weekday_kanji(*c),
        _ => {}
    }
    let s = s.strip_suffix(&['.']).unwrap_or(s);
    if s.len() < 2 || s.len() > 9 || !s.iter().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut w = [0u8; 9];
    for (i, c) in s.iter().enumerate() {
        w[i] = c.to_ascii_lowercase() as u8;
    }
    Some(match &w[..s.len()] {
        b"mon" | b"monday" => Weekday::Mon,
        b"tue" | b"tues" | b"tuesday" => Weekday::Tue,
        b"wed" | b"wednesday" => Weekday::Wed,
        b"thu" | b"thur" | b"thurs" | b"thursday" => Weekday::Thu,
        b"fri" | b"friday" => Weekday::Fri,
        b"sat" | b"saturday" => Weekday::Sat,
        b"sun" | b"sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// Reads up to `max` ASCII digits from `s[*i..]`.
fn digits(s: &[char], i: &mut usize, max: usize) -> Option<(u32, usize)> {
    let start = *i;
    let mut v: u32 = 0;
    while *i < s.len() && s[*i].is_ascii_digit() {
        if *i - start == max {
            return None;
        }
        v = v * 10 + (s[*i] as u32 - '0' as u32);
        *i += 1;
    }
    Some((v, *i - start))
}

fn tokenize(s: &[char]) -> Result<Tokens, Fail> {
    let mut t = Tokens { t: [Tok::Born; MAX_TOKS], n: 0, weekday: None };
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let next = s.get(i + 1).copied();
        if c.is_ascii_digit() {
            let (v, len) = digits(s, &mut i, 9).ok_or(Fail::Unparsed)?;
            if s.get(i) == Some(&':') && len <= 2 {
                i += 1;
                let (m, ml) = digits(s, &mut i, 2).ok_or(Fail::BadTime)?;
                let mut sec = 0;
                if ml != 2 {
                    return Err(Fail::BadTime);
                }
                if s.get(i) == Some(&':') {
                    i += 1;
                    let (v, l) = digits(s, &mut i, 2).ok_or(Fail::BadTime)?;
                    if l != 2 {
                        return Err(Fail::BadTime);
                    }
                    sec = v;
                    // Fractions of a second are dropped.
                    if s.get(i) == Some(&'.') && s.get(i + 1).is_some_and(char::is_ascii_digit) {
                        i += 1;
                        while i < s.len() && s[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                }
                if v > 23 || m > 59 || sec > 59 {
                    return Err(Fail::BadTime);
                }
                t.push(Tok::Time(Time { h: v as u8, m: m as u8, s: sec as u8 }))?;
            } else {
                t.push(Tok::Num(Num { v, len: len as u8, gannen: false }))?;
            }
            continue;
        }
        if kanji_digit(c).is_some() || kanji_unit(c).is_some() {
            let (mut total, mut cur, mut n) = (0u64, 0u64, 0);
            while i < s.len() {
                if let Some(d) = kanji_digit(s[i]) {
                    cur = cur * 10 + d as u64;
                } else if let Some(u) = kanji_unit(s[i]) {
                    total += cur.max(1) * u as u64;
                    cur = 0;
                } else {
                    break;
                }
                n += 1;
                i += 1;
                if n > 8 {
                    return Err(Fail::Unparsed);
                }
            }
            let v = u32::try_from(total + cur).map_err(|_| Fail::Unparsed)?;
            let len = if v == 0 { 1 } else { v.ilog10() as u8 + 1 };
            t.push(Tok::Num(Num { v, len, gannen: false }))?;
            continue;
        }
        if let Some(w) = weekday_kanji(c).filter(|_| next == Some('曜')) {
            if t.weekday.replace(w).is_some() {
                return Err(Fail::Unparsed);
            }
            i += 2;
            if s.get(i) == Some(&'日') {
                i += 1;
            }
            continue;
        }
        match c {
            '元' => t.push(Tok::Num(Num { v: 1, len: 1, gannen: true }))?,
            '/' | '-' | '.' | ' ' => t.push(Tok::Sep(c))?,
            '年' => t.push(Tok::Nen)?,
            '月' => t.push(Tok::Tsuki)?,
            '日' => t.push(Tok::Hi)?,
            '歳' | '才' | '代' => return Err(Fail::Age),
            '生' => {
                t.push(Tok::Born)?;
                if s[i + 1..].starts_with(&['ま', 'れ']) {
                    i += 2;
                } else if next == Some('れ') {
                    i += 1;
                }
            }
            '(' | '[' | '〔' | '【' => {
                let close = match c {
                    '(' => ')',
                    '[' => ']',
                    '〔' => '〕',
                    _ => '】',
                };
                let j = s[i..].iter().position(|&x| x == close).ok_or(Fail::Unparsed)? + i;
                let inner = trim_spaces(&s[i + 1..j]);
                let w = weekday_word(inner).ok_or(Fail::Unparsed)?;
                if t.weekday.replace(w).is_some() {
                    return Err(Fail::Unparsed);
                }
                i = j;
            }
            // `T` between an ISO date and its time.
            'T' | 't' if matches!(t.last(), Some(Tok::Num(_))) && next.is_some_and(|x| x.is_ascii_digit()) => t.push(Tok::Sep(' '))?,
            _ => {
                // An era opens the value: 昭和, 昭, ㍼, S or s.
                let era = Era::from_char(c).filter(|_| t.n == 0).ok_or(Fail::Unparsed)?;
                let square = matches!(c, '㍾' | '㍽' | '㍼' | '㍻' | '㋿');
                let full = !square && !c.is_ascii() && next == Some(era.second());
                if full {
                    i += 1;
                } else if !square {
                    // A letter or one kanji must be followed by its year.
                    let f = s.get(i + 1).copied();
                    if !f.is_some_and(|x| {
                        x.is_ascii_digit() || matches!(x, '元' | '.' | ' ') || kanji_digit(x).is_some() || kanji_unit(x).is_some()
                    }) {
                        return Err(Fail::Unparsed);
                    }
                }
                t.push(Tok::Era(era))?;
            }
        }
        i += 1;
    }
    Ok(t)
}

fn trim_spaces(s: &[char]) -> &[char] {
    let s = s.strip_prefix(&[' ']).unwrap_or(s);
    s.strip_suffix(&[' ']).unwrap_or(s)
}

// ---------------------------------------------------------------- dates

/// What the value says, at its precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Val {
    Day(NaiveDate),
    MonthDay(u32, u32),
    YearMonth(i32, u32),
    Year(i32),
}

impl Val {
    /// The first and last day the value can mean (`None` without a year).
    fn span(self) -> Option<(NaiveDate, NaiveDate)> {
        match self {
            Val::Day(d) => Some((d, d)),
            Val::YearMonth(y, m) => {
                let first = NaiveDate::from_ymd_opt(y, m, 1)?;
                let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
                Some((first, next.and_then(|n| n.pred_opt()).unwrap_or(first)))
            }
            Val::Year(y) => Some((NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?)),
            Val::MonthDay(..) => None,
        }
    }
}

struct Date {
    val: Val,
    era: Option<Era>,
    time: Option<Time>,
    weekday: Option<Weekday>,
    problems: Vec<Finding>,
}

impl Date {
    fn new(val: Val) -> Date {
        Date { val, era: None, time: None, weekday: None, problems: Vec::new() }
    }
}

/// How the year was written.
#[derive(Debug, Clone, Copy)]
enum YearSpec {
    Full(u32),
    Era(Era, u32),
    TwoDigit(u32),
}

fn unparsed() -> Normalized {
    Normalized::problem(
        Severity::Warning,
        "date_unparsed",
        "not a date in a known form (Western, Japanese era, Excel serial, month and day)",
    )
}

fn impossible() -> Normalized {
    Normalized::problem(Severity::Warning, "impossible_date", "no such day in the calendar (month or day out of range)")
}

fn from_fail(f: Fail) -> Normalized {
    match f {
        Fail::Unparsed => unparsed(),
        Fail::Age => Normalized::problem(Severity::Warning, "age_not_date", "an age or an age group, not a date"),
        Fail::BadTime => Normalized::problem(Severity::Warning, "date_unparsed", "a date with a time that is not a valid time of day"),
    }
}

/// A bare number: `19770403`, a year (`1970`), `0312` (month and day), or
/// an Excel serial (`25639`, `45356.604166`). `None`: not a bare number,
/// or one the general parser reads (`3.12`, `2024.3`).
fn bare_number(s: &[char], cell: CellKind, ctx: &Context) -> Option<Result<Date, Normalized>> {
    let dot = s.iter().position(|&c| c == '.');
    let (int, frac) = match dot {
        Some(p) => (&s[..p], &s[p + 1..]),
        None => (s, &s[..0]),
    };
    if int.is_empty() || (dot.is_some() && frac.is_empty()) {
        return None;
    }
    if !int.iter().chain(frac).all(char::is_ascii_digit) {
        return None;
    }
    if dot.is_some() && cell != CellKind::Number && int.len() < 5 {
        return None;
    }
    if int.len() > 9 {
        return Some(Err(unparsed()));
    }
    let mut i = 0;
    let (v, _) = digits(int, &mut i, 9)?;
    if dot.is_none() {
        if int.len() == 8 {
            let y = YearSpec::Full(v / 10_000);
            return Some(build(Some(y), Some((v / 100) % 100), Some(v % 100), ctx).map(Date::new));
        }
        if int.len() == 4 && int[0] == '0' && cell != CellKind::Number {
            return Some(build(None, Some(v / 100), Some(v % 100), ctx).map(Date::new));
        }
        if int.len() == 4 && BARE_YEARS.contains(&v) {
            return Some(Ok(Date::new(Val::Year(v as i32))));
        }
    }
    // Serials before 1900-03-01 only from number cells: in text, `3` or
    // `45` is a day, an age or a stray digit far more often than a date in
    // January 1900.
    let min = if cell == CellKind::Number { 1 } else { 60 };
    if !(min..=SERIAL_MAX).contains(&v) {
        return Some(Err(unparsed()));
    }
    if v == 60 {
        return Some(Err(Normalized::problem(
            Severity::Warning,
            "excel_1900_leap_bug",
            "Excel serial 60 is 1900-02-29, a day that never existed (Excel's 1900 leap-year bug)",
        )));
    }
    // Serial 1 is 1900-01-01; from 61 on, Excel counts the fictitious
    // 1900-02-29, so the epoch is one day earlier.
    let epoch = if v < 60 { ymd(1899, 12, 31) } else { ymd(1899, 12, 30) };
    let mut day = epoch + Duration::days(v as i64);
    let mut time = None;
    if !frac.is_empty() {
        let (mut f, mut scale) = (0u64, 1u64);
        for c in frac.iter().take(12) {
            f = f * 10 + (*c as u64 - '0' as u64);
            scale *= 10;
        }
        let mut secs = (f as f64 / scale as f64 * 86_400.0).round() as u32;
        if secs >= 86_400 {
            day += Duration::days(1);
            secs = 0;
        }
        time = Some(Time { h: (secs / 3600) as u8, m: (secs / 60 % 60) as u8, s: (secs % 60) as u8 });
    }
    let mut d = Date::new(Val::Day(day));
    d.time = time;
    d.problems.push(Finding::info("excel_serial", "a number read as an Excel date serial (1900 date system)"));
    Some(Ok(d))
}

/// The general parser: era and Western forms, with markers (年月日) or
/// separators, a weekday, a time, a trailing 生(まれ).
fn parse(s: &[char], ctx: &Context) -> Result<Date, Normalized> {
    let toks = tokenize(s).map_err(from_fail)?;
    // Take the time out; keep a space only where it separates two numbers;
    // drop one trailing `.`.
    let mut t = [Tok::Born; MAX_TOKS];
    let mut n = 0;
    let mut time = None;
    let all = &toks.t[..toks.n];
    for (i, &tok) in all.iter().enumerate() {
        match tok {
            Tok::Time(x) => {
                if time.replace(x).is_some() {
                    return Err(unparsed());
                }
            }
            Tok::Sep(' ') => {
                let prev_num = n > 0 && matches!(t[n - 1], Tok::Num(_));
                let next_num = matches!(all.get(i + 1), Some(Tok::Num(_)));
                if prev_num && next_num {
                    t[n] = tok;
                    n += 1;
                }
            }
            _ => {
                t[n] = tok;
                n += 1;
            }
        }
    }
    let mut t = &t[..n];
    if let Some(rest) = t.strip_suffix(&[Tok::Sep('.')]) {
        t = rest;
    }
    let born = match t.split_last() {
        Some((Tok::Born, rest)) => {
            t = rest;
            true
        }
        _ => false,
    };
    let era = match t.split_first() {
        Some((Tok::Era(e), rest)) => {
            t = rest;
            if let Some((Tok::Sep(_), rest)) = t.split_first() {
                t = rest;
            }
            Some(*e)
        }
        _ => None,
    };
    let iso_md = era.is_none() && t.starts_with(&[Tok::Sep('-'), Tok::Sep('-')]);
    if iso_md {
        t = &t[2..];
    }
    if t.iter().any(|x| matches!(x, Tok::Born | Tok::Era(_))) {
        return Err(unparsed());
    }

    let year_spec = |n: Num| -> Result<YearSpec, Normalized> {
        match era {
            Some(e) if n.len <= 2 => Ok(YearSpec::Era(e, n.v)),
            Some(_) => Err(unparsed()),
            None if n.gannen => Err(unparsed()),
            None if n.len == 4 => Ok(YearSpec::Full(n.v)),
            None if n.len <= 2 => Ok(YearSpec::TwoDigit(n.v)),
            None => Err(unparsed()),
        }
    };
    // Month and day: one or two digits, never 元.
    let md = |n: Num| -> Result<u32, Normalized> {
        if n.len > 2 || n.gannen {
            Err(unparsed())
        } else {
            Ok(n.v)
        }
    };
    let mut extra_finding = None;
    let (y, m, d);
    if t.iter().any(|x| matches!(x, Tok::Nen | Tok::Tsuki | Tok::Hi)) {
        // 1977年4月3日, 昭和45年, 3月12日, 2024年3月
        let mut i = 0;
        let (mut yy, mut mm, mut dd) = (None, None, None);
        if let [Tok::Num(a), Tok::Nen, ..] = t {
            yy = Some(year_spec(*a)?);
            i = 2;
        }
        if let [Tok::Num(a), Tok::Tsuki, ..] = &t[i..] {
            mm = Some(md(*a)?);
            i += 2;
            if let [Tok::Num(a), ..] = &t[i..] {
                dd = Some(md(*a)?);
                i += 1;
                if t.get(i) == Some(&Tok::Hi) {
                    i += 1;
                }
            }
        }
        if i != t.len() || (yy.is_none() && mm.is_none()) || (era.is_some() && yy.is_none()) {
            return Err(unparsed());
        }
        (y, m, d) = (yy, mm, dd);
    } else {
        // Numbers with one separator between each: 1977/4/3, S45.3.12.
        let mut nums = [Num { v: 0, len: 0, gannen: false }; 3];
        let mut k = 0;
        for (i, tok) in t.iter().enumerate() {
            match (i % 2, tok) {
                (0, Tok::Num(x)) if k < 3 => {
                    nums[k] = *x;
                    k += 1;
                }
                (1, Tok::Sep(_)) => {}
                _ => return Err(unparsed()),
            }
        }
        if t.len() % 2 == 0 {
            return Err(unparsed());
        }
        let [a, b, c] = nums;
        (y, m, d) = match (k, era) {
            (2, None) if iso_md => (None, Some(md(a)?), Some(md(b)?)),
            _ if iso_md => return Err(unparsed()),
            // S450312: the compact JIS X 0301 form.
            (1, Some(e)) if a.len == 6 && !born => (Some(YearSpec::Era(e, a.v / 10_000)), Some(a.v / 100 % 100), Some(a.v % 100)),
            (1, Some(_)) => (Some(year_spec(a)?), None, None),
            (2, Some(_)) => (Some(year_spec(a)?), Some(md(b)?), None),
            (3, Some(_)) => (Some(year_spec(a)?), Some(md(b)?), Some(md(c)?)),
            (1, None) if a.len == 8 && !a.gannen => (Some(YearSpec::Full(a.v / 10_000)), Some(a.v / 100 % 100), Some(a.v % 100)),
            (1, None) if a.len == 4 || born => (Some(year_spec(a)?), None, None),
            (2, None) if a.len == 4 => (Some(year_spec(a)?), Some(md(b)?), None),
            (2, None) if b.len == 4 => {
                extra_finding = Some(Finding::info("us_date_order", "read as month/year"));
                (Some(year_spec(b)?), Some(md(a)?), None)
            }
            (2, None) => (None, Some(md(a)?), Some(md(b)?)),
            (3, None) if a.len == 4 => (Some(year_spec(a)?), Some(md(b)?), Some(md(c)?)),
            (3, None) if c.len == 4 => {
                let (a, b) = (md(a)?, md(b)?);
                if a <= 12 || b > 12 {
                    extra_finding = Some(Finding::info("us_date_order", "read as month/day/year (US order)"));
                    (Some(year_spec(c)?), Some(a), Some(b))
                } else {
                    extra_finding = Some(Finding::info("dmy_date_order", "read as day/month/year (the first number is over 12)"));
                    (Some(year_spec(c)?), Some(b), Some(a))
                }
            }
            (3, None) => (Some(year_spec(a)?), Some(md(b)?), Some(md(c)?)),
            _ => return Err(unparsed()),
        };
    }
    let val = build(y, m, d, ctx)?;
    let mut date = Date::new(val);
    date.era = era;
    date.time = time;
    date.weekday = toks.weekday;
    if let Some(YearSpec::TwoDigit(_)) = y {
        let msg = if ctx.role == Role::BirthDate {
            "two-digit year: read as a 昭和 year where possible (1–64), else the latest past century"
        } else {
            "two-digit year: read as 20xx unless that is in the future, else 19xx"
        };
        date.problems.push(Finding::warning("ambiguous_2digit_year", msg));
    }
    date.problems.extend(extra_finding);
    Ok(date)
}

/// Checks and assembles the parts into a value.
fn build(y: Option<YearSpec>, m: Option<u32>, d: Option<u32>, ctx: &Context) -> Result<Val, Normalized> {
    let year = match y {
        None => None,
        Some(YearSpec::Full(y)) => Some(y as i32),
        Some(YearSpec::Era(_, 0)) => return Err(impossible()),
        Some(YearSpec::Era(e, n)) => Some(e.base() + n as i32 - 1),
        Some(YearSpec::TwoDigit(yy)) => Some(two_digit_year(yy, m, d, ctx)),
    };
    match (year, m, d) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d).map(Val::Day).ok_or_else(impossible),
        (Some(y), Some(m), None) if (1..=12).contains(&m) => Ok(Val::YearMonth(y, m)),
        (Some(_), Some(_), None) => Err(impossible()),
        // A bare year reads back only in this range (else it is a serial).
        (Some(y), None, None) if BARE_YEARS.contains(&(y as u32)) => Ok(Val::Year(y)),
        (Some(_), None, None) => Err(Normalized::problem(Severity::Warning, "year_out_of_range", "a year alone, outside 1868–2100")),
        // A leap year, so that 2月29日 is a birthday.
        (None, Some(m), Some(d)) if NaiveDate::from_ymd_opt(2000, m, d).is_some() => Ok(Val::MonthDay(m, d)),
        (None, Some(_), Some(_)) => Err(impossible()),
        _ => Err(unparsed()),
    }
}

/// The century of a two-digit year. Birth dates prefer the 昭和 reading
/// (`45` → 昭和45 = 1970); otherwise 20xx unless that is after today.
fn two_digit_year(yy: u32, m: Option<u32>, d: Option<u32>, ctx: &Context) -> i32 {
    let yy = yy as i32;
    if ctx.role == Role::BirthDate && (1..=64).contains(&yy) {
        return Era::Showa.base() + yy - 1;
    }
    let t = ctx.today;
    if (2000 + yy, m.unwrap_or(1), d.unwrap_or(1)) > (t.year(), t.month(), t.day()) {
        1900 + yy
    } else {
        2000 + yy
    }
}

/// Era bounds, role checks, and the result.
fn finish(mut date: Date, ctx: &Context) -> Normalized {
    let span = date.val.span();
    if let (Some(e), Some((first, last))) = (date.era, span) {
        if last < e.start() {
            date.problems
                .push(Finding::warning("era_underrun", format!("the date is before {} began; converted arithmetically", e.name())));
        } else if e.next().is_some_and(|n| first >= n.start()) {
            date.problems.push(Finding::warning("era_overrun", format!("the date is after {} ended; converted arithmetically", e.name())));
        }
    }
    if let (Some(w), Val::Day(d)) = (date.weekday, date.val) {
        if d.weekday() != w {
            date.problems.push(Finding::warning("weekday_mismatch", "the weekday written does not match the date"));
        }
    }
    let mut keep = true;
    match (ctx.role, span) {
        (Role::BirthDate, None) => {
            date.problems.push(Finding::info("no_year", "month and day only, without a year (usual for birthdays)"));
        }
        (Role::BirthDate, Some((first, last))) => {
            if first > ctx.today {
                date.problems.push(Finding::warning("birth_date_in_future", "a birth date after today"));
                keep = false;
            } else if age(last, ctx.today) >= MAX_AGE {
                date.problems.push(Finding::warning("birth_date_too_old", "a birth date 120 or more years ago"));
                keep = false;
            }
        }
        (Role::EventDate, None) => {
            date.problems.push(Finding::warning("no_year", "a month and day without a year; a visit date needs the year"));
            keep = false;
        }
        (Role::EventDate, Some((first, _))) => {
            if first > ctx.today {
                date.problems.push(Finding::warning("date_in_future", "a date after today"));
            }
        }
        (Role::Other | Role::Building, None) => {
            date.problems.push(Finding::warning("no_year", "a month and day without a year"));
        }
        (Role::Other | Role::Building, Some(_)) => {}
    }
    if !keep {
        return Normalized { problems: date.problems, ..Normalized::default() };
    }
    // Written by hand: `format!` was a large share of the cost per value.
    let mut v = Ascii::default();
    let precision = match date.val {
        Val::Day(d) => {
            v.num(d.year() as u32, 4).byte(b'-').num(d.month(), 2).byte(b'-').num(d.day(), 2);
            "day"
        }
        Val::MonthDay(m, d) => {
            v.byte(b'-').byte(b'-').num(m, 2).byte(b'-').num(d, 2);
            "month_day"
        }
        Val::YearMonth(y, m) => {
            v.num(y as u32, 4).byte(b'-').num(m, 2);
            "month"
        }
        Val::Year(y) => {
            v.num(y as u32, 4);
            "year"
        }
    };
    let mut n = Normalized::same(v.as_str());
    n.extra.reserve_exact(1 + usize::from(date.era.is_some()) + usize::from(date.time.is_some()));
    n.extra.push(("precision", precision.to_string()));
    if let Some(e) = date.era {
        n.extra.push(("era", e.name().to_string()));
    }
    if let Some(t) = date.time.filter(|t| (t.h, t.m, t.s) != (0, 0, 0)) {
        let mut s = Ascii::default();
        s.num(t.h.into(), 2).byte(b':').num(t.m.into(), 2);
        if t.s != 0 {
            s.byte(b':').num(t.s.into(), 2);
        }
        n.extra.push(("time", s.as_str().to_string()));
    }
    n.problems = date.problems;
    n
}

/// A short ASCII string on the stack (a date or a time: at most 10 bytes).
#[derive(Default)]
struct Ascii {
    b: [u8; 16],
    n: usize,
}

impl Ascii {
    fn byte(&mut self, c: u8) -> &mut Self {
        if self.n < self.b.len() {
            self.b[self.n] = c;
            self.n += 1;
        }
        self
    }
    /// `v` zero-padded to at least `width` digits.
    fn num(&mut self, v: u32, width: usize) -> &mut Self {
        let mut d = [0u8; 10];
        let (mut v, mut k) = (v, 0);
        while v > 0 || k < width {
            d[k] = b'0' + (v % 10) as u8;
            v /= 10;
            k += 1;
            if k == d.len() {
                break;
            }
        }
        for &c in d[..k].iter().rev() {
            self.byte(c);
        }
        self
    }
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.b[..self.n]).unwrap_or_default()
    }
}

/// Completed years from `born` to `today`.
fn age(born: NaiveDate, today: NaiveDate) -> i32 {
    let before_birthday = (today.month(), today.day()) < (born.month(), born.day());
    today.year() - born.year() - i32::from(before_birthday)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(role: Role) -> Context {
        Context { today: ymd(2025, 6, 15), role, area_code: None }
    }
    fn run(raw: &str, role: Role) -> Normalized {
        normalize(raw, CellKind::Text, &ctx(role))
    }
    fn codes(n: &Normalized) -> Vec<&'static str> {
        n.problems.iter().map(|f| f.code).collect()
    }
    #[track_caller]
    fn is(raw: &str, role: Role, value: &str, problems: &[&str]) {
        let n = run(raw, role);
        assert_eq!(n.value.as_deref(), Some(value), "{raw}: {n:?}");
        assert_eq!(n.key.as_deref(), Some(value), "{raw}");
        assert_eq!(codes(&n), problems, "{raw}");
        // Idempotent: the value reads back as itself.
        let again = run(value, role);
        assert_eq!(again.value.as_deref(), Some(value), "{raw} → {value} → {again:?}");
    }
    #[track_caller]
    fn none(raw: &str, role: Role, problems: &[&str]) {
        let n = run(raw, role);
        assert_eq!(n.value, None, "{raw}: {n:?}");
        assert_eq!(n.key, None, "{raw}");
        assert_eq!(codes(&n), problems, "{raw}");
    }
    use Role::{BirthDate as B, EventDate as E, Other as O};

    #[test]
    fn r21_examples() {
        for raw in ["昭和45年3月12日", "S45.3.12", "昭45・3・12", "㍼45年3月12日"] {
            is(raw, B, "1970-03-12", &[]);
            assert_eq!(run(raw, B).extra("era"), Some("昭和"), "{raw}");
            assert_eq!(run(raw, B).extra("precision"), Some("day"), "{raw}");
        }
        is("H元.1.8", O, "1989-01-08", &[]);
        is("令和元年5月1日", O, "2019-05-01", &[]);
        is("平成31年5月1日", O, "2019-05-01", &["era_overrun"]);
        is("2024/3/5(火)", E, "2024-03-05", &[]);
        is("2024/3/5（火）", E, "2024-03-05", &[]);
        let n = normalize("25639", CellKind::Number, &ctx(B));
        assert_eq!(n.value.as_deref(), Some("1970-03-12"));
        assert_eq!(codes(&n), ["excel_serial"]);
        let n = normalize("60", CellKind::Number, &ctx(O));
        assert_eq!((n.value.clone(), codes(&n)), (None, vec!["excel_1900_leap_bug"]));
        none("60", O, &["excel_1900_leap_bug"]);
    }

    #[test]
    fn r22_examples() {
        let n = run("3/12", B);
        assert_eq!(n.value.as_deref(), Some("--03-12"));
        assert_eq!(n.extra("precision"), Some("month_day"));
        assert_eq!(codes(&n), ["no_year"]);
        assert_eq!(n.problems[0].severity, Severity::Info);
        is("3月12日", B, "--03-12", &["no_year"]);
        is("2月29日", B, "--02-29", &["no_year"]);
        none("3/12", E, &["no_year"]);
        assert_eq!(run("3月12日", E).problems[0].severity, Severity::Warning);
        for raw in ["S45生", "昭和45年生まれ", "1970年生", "昭和45年生れ", "s45"] {
            is(raw, B, "1970", &[]);
            assert_eq!(run(raw, B).extra("precision"), Some("year"));
        }
        none("45歳", B, &["age_not_date"]);
        none("40代", B, &["age_not_date"]);
        is("45/3/12", B, "1970-03-12", &["ambiguous_2digit_year"]);
    }

    #[test]
    fn era_boundaries() {
        is("昭和64年1月7日", O, "1989-01-07", &[]);
        is("昭和64年2月1日", O, "1989-02-01", &["era_overrun"]);
        is("昭和64年1月8日", O, "1989-01-08", &["era_overrun"]);
        is("平成元年1月8日", O, "1989-01-08", &[]);
        is("平成元年1月7日", O, "1989-01-07", &["era_underrun"]);
        is("平成31年4月30日", O, "2019-04-30", &[]);
        is("平成32年", O, "2020", &["era_overrun"]);
        is("平成31年", O, "2019", &[]);
        is("平成31年4月", O, "2019-04", &[]);
        is("平成31年5月", O, "2019-05", &["era_overrun"]);
        is("R1.4.30", O, "2019-04-30", &["era_underrun"]);
        is("令和元年4月30日", O, "2019-04-30", &["era_underrun"]);
        is("R元", O, "2019", &[]);
        is("明治元年1月1日", O, "1868-01-01", &[]);
        is("明治45年7月29日", O, "1912-07-29", &[]);
        is("明治45年7月30日", O, "1912-07-30", &["era_overrun"]);
        is("大正元年7月30日", O, "1912-07-30", &[]);
        is("T1.7.29", O, "1912-07-29", &["era_underrun"]);
        is("大正15年12月25日", O, "1926-12-25", &["era_overrun"]);
        is("昭和元年12月25日", O, "1926-12-25", &[]);
        none("平成0年1月1日", O, &["impossible_date"]);
    }

    #[test]
    fn era_notations() {
        for raw in [
            "Ｈ２．３．５",
            "h2.3.5",
            "H2/3/5",
            "H02.03.05",
            "平2/3/5",
            "平成2年3月5日",
            "㍻2年3月5日",
            "H.2.3.5",
            "平成 2年 3月 5日",
            "H020305",
        ] {
            is(raw, O, "1990-03-05", &[]);
            assert_eq!(run(raw, O).extra("era"), Some("平成"), "{raw}");
        }
        is("昭和四十五年三月十二日", O, "1970-03-12", &[]);
        is("昭和四五年三月一二日", O, "1970-03-12", &[]);
        is("昭和四五年", O, "1970", &[]);
        is("令5.1.1", O, "2023-01-01", &[]);
        is("㋿5年1月1日", O, "2023-01-01", &[]);
        is("M45.7.29", O, "1912-07-29", &[]);
        is("大正十年", O, "1921", &[]);
        is("昭和45年3月", O, "1970-03", &[]);
        assert_eq!(run("昭和45年3月", O).extra("precision"), Some("month"));
        is("二〇二四年三月五日", O, "2024-03-05", &[]);
        is("二千二十四年三月五日", O, "2024-03-05", &[]);
        is("昭和45年3月12日生", B, "1970-03-12", &[]);
    }

    #[test]
    fn western_forms() {
        for raw in [
            "1977/4/3",
            "1977-04-03",
            "1977年4月3日",
            "1977.4.3",
            "19770403",
            "１９７７／４／３",
            "1977年04月03日",
            "1977 4 3",
            "1977-04-03T00:00:00",
            "1977ー04ー03",
        ] {
            is(raw, O, "1977-04-03", &[]);
            assert_eq!(run(raw, O).extra("era"), None);
            assert_eq!(run(raw, O).extra("time"), None, "{raw}");
        }
        is("2024-02-29", O, "2024-02-29", &[]);
        none("2023-02-29", O, &["impossible_date"]);
        none("2月30日", B, &["impossible_date"]);
        none("1977/13/1", O, &["impossible_date"]);
        none("1977/0/1", O, &["impossible_date"]);
        none("1977年13月", O, &["impossible_date"]);
        is("2024年3月", E, "2024-03", &[]);
        is("2024/3", E, "2024-03", &[]);
        is("2024/3/5 (火)", E, "2024-03-05", &[]);
        is("2024年3月5日(火曜日)", E, "2024-03-05", &[]);
        is("2024年3月5日火曜日", E, "2024-03-05", &[]);
        is("2024/3/5 (Tue)", E, "2024-03-05", &[]);
        is("2024/3/5(水)", E, "2024-03-05", &["weekday_mismatch"]);
        is("2024/3/5.", E, "2024-03-05", &[]);
    }

    #[test]
    fn times() {
        let n = normalize("1977-04-03T14:30:00", CellKind::Date, &ctx(E));
        assert_eq!(n.value.as_deref(), Some("1977-04-03"));
        assert_eq!(n.extra("time"), Some("14:30"));
        assert!(n.problems.is_empty());
        assert_eq!(run("2024/3/5 9:05:07", E).extra("time"), Some("09:05:07"));
        assert_eq!(run("2024/03/05 0:00", E).extra("time"), None);
        assert_eq!(run("2024-03-05T14:30:00.000", E).extra("time"), Some("14:30"));
        none("2024/3/5 25:00", E, &["date_unparsed"]);
        let n = normalize("45356.604166", CellKind::Number, &ctx(E));
        assert_eq!(n.value.as_deref(), Some("2024-03-05"));
        assert_eq!(n.extra("time"), Some("14:30"));
        let n = normalize("45356.9999999", CellKind::Number, &ctx(E));
        assert_eq!(n.value.as_deref(), Some("2024-03-06"));
        none("14:30", E, &["date_unparsed"]);
    }

    #[test]
    fn serials() {
        let num = |raw: &str| normalize(raw, CellKind::Number, &ctx(O)).value;
        assert_eq!(num("1").as_deref(), Some("1900-01-01"));
        assert_eq!(num("59").as_deref(), Some("1900-02-28"));
        none("1", O, &["date_unparsed"]);
        none("59", O, &["date_unparsed"]);
        for cell in [CellKind::Number, CellKind::Text] {
            let v = |raw: &str| normalize(raw, cell, &ctx(O)).value;
            assert_eq!(v("25639").as_deref(), Some("1970-03-12"));
            assert_eq!(v("61").as_deref(), Some("1900-03-01"));
            assert_eq!(v("45356").as_deref(), Some("2024-03-05"));
            assert_eq!(v("60000").as_deref(), Some("2064-04-08"));
            assert_eq!(v("60001"), None);
            assert_eq!(v("0"), None);
            // Eight digits are a date, four in range a year.
            assert_eq!(v("19770403").as_deref(), Some("1977-04-03"));
            assert_eq!(v("1970").as_deref(), Some("1970"));
        }
        // Text with a leading zero: month and day.
        is("0312", B, "--03-12", &["no_year"]);
        // A short decimal in a text cell is month.day, not a serial.
        is("3.12", B, "--03-12", &["no_year"]);
        is("45356.5", O, "2024-03-05", &["excel_serial"]);
        let n = normalize("25639", CellKind::Number, &ctx(B));
        assert_eq!(n.extra("precision"), Some("day"));
    }

    #[test]
    fn two_digit_years() {
        is("45/3/12", B, "1970-03-12", &["ambiguous_2digit_year"]);
        is("45年3月12日", B, "1970-03-12", &["ambiguous_2digit_year"]);
        is("70/3/12", B, "1970-03-12", &["ambiguous_2digit_year"]);
        is("24/3/5", E, "2024-03-05", &["ambiguous_2digit_year"]);
        is("25/6/15", E, "2025-06-15", &["ambiguous_2digit_year"]);
        is("25/6/16", E, "1925-06-16", &["ambiguous_2digit_year"]);
        is("45/3/12", E, "1945-03-12", &["ambiguous_2digit_year"]);
        is("45/3/12", O, "1945-03-12", &["ambiguous_2digit_year"]);
        is("00/1/1", B, "2000-01-01", &["ambiguous_2digit_year"]);
        is("45生", B, "1970", &["ambiguous_2digit_year"]);
    }

    #[test]
    fn us_order() {
        is("3/5/2024", E, "2024-03-05", &["us_date_order"]);
        is("12/31/2024", E, "2024-12-31", &["us_date_order"]);
        is("31/12/2024", E, "2024-12-31", &["dmy_date_order"]);
        none("13/13/2024", E, &["impossible_date"]);
    }

    #[test]
    fn role_checks() {
        none("2030/1/1", B, &["birth_date_in_future"]);
        none("2025/6/16", B, &["birth_date_in_future"]);
        is("2025/6/15", B, "2025-06-15", &[]);
        none("1895/1/1", B, &["birth_date_too_old"]);
        none("1905/6/15", B, &["birth_date_too_old"]);
        is("1905/6/16", B, "1905-06-16", &[]);
        none("明治28年1月1日", B, &["birth_date_too_old"]);
        none("2026", B, &["birth_date_in_future"]);
        is("1905", B, "1905", &[]);
        is("2030/1/1", E, "2030-01-01", &["date_in_future"]);
        is("2030/1/1", O, "2030-01-01", &[]);
        is("3/12", O, "--03-12", &["no_year"]);
    }

    #[test]
    fn not_dates() {
        for raw in [
            "abc",
            "2024/3/5/6",
            "1977//4",
            "元年3月",
            "S",
            "昭和",
            "3",
            "45",
            "123456",
            "12345678901",
            "(火)",
            "2024/3/5(x)",
            "/",
            "--",
            "-5",
            "2024年3月5日6",
            "S45.3.12.1",
            "197/3/12",
            "2024/003/5",
        ] {
            let n = run(raw, O);
            assert_eq!(n.value, None, "{raw}: {n:?}");
            assert_eq!(codes(&n), ["date_unparsed"], "{raw}");
        }
        assert_eq!(run("", O), Normalized::default());
        assert_eq!(run("　 ", O), Normalized::default());
        none(&"2".repeat(100), O, &["date_unparsed"]);
        none("1111.", O, &["year_out_of_range"]);
        none("令和90年", O, &["year_out_of_range"]);
    }

    #[test]
    fn never_panics() {
        let samples = [
            "",
            " ",
            "0",
            "9",
            "99999999",
            "4294967295",
            "999999999",
            "00000000",
            "S0",
            "S99.99.99",
            "H元元",
            "元",
            "昭和元元年",
            "生",
            "年",
            "月日",
            "(",
            ")",
            "()",
            "( )",
            "2024(",
            "2024/3/5(",
            "T",
            "1T2",
            "1:",
            "1:2",
            "99:99",
            "1:00:",
            "2024.3.5.",
            "..",
            "--03",
            "--03-12-01",
            "十",
            "千千千千千千千千千",
            "九九九九九九九九九九",
            "一千億",
            "〇",
            "㍼",
            "㍼㍼",
            "S.",
            "S-",
            "明治",
            "明",
            "大",
            "生まれ",
            "2024/3/5(火)(火)",
            "1.5",
            "45356.",
            ".5",
            "1e10",
            "NaN",
            "-0",
            "𠮷",
            "\u{FEFF}2024/3/5",
            "2024/3/5\u{200B}",
        ];
        for raw in samples {
            for role in [B, E, O] {
                for cell in [CellKind::Text, CellKind::Number, CellKind::Date] {
                    let n = normalize(raw, cell, &ctx(role));
                    if let Some(v) = &n.value {
                        let again = normalize(v, cell, &ctx(role));
                        assert_eq!(again.value.as_ref(), Some(v), "{raw:?} → {v:?}");
                    }
                }
            }
        }
        // Every short string over a small alphabet.
        let alphabet: Vec<char> = "1209/.-年月日元S昭和生(火) :T".chars().collect();
        let mut s = String::new();
        let mut idx = [0usize; 4];
        for len in 1..=4usize {
            idx[..len].fill(0);
            loop {
                s.clear();
                s.extend(idx[..len].iter().map(|&i| alphabet[i]));
                for role in [B, E] {
                    let n = normalize(&s, CellKind::Text, &ctx(role));
                    if let Some(v) = &n.value {
                        assert_eq!(normalize(v, CellKind::Text, &ctx(role)).value.as_ref(), Some(v), "{s:?}");
                    }
                }
                let mut k = 0;
                while k < len {
                    idx[k] += 1;
                    if idx[k] < alphabet.len() {
                        break;
                    }
                    idx[k] = 0;
                    k += 1;
                }
                if k == len {
                    break;
                }
            }
        }
    }
}
