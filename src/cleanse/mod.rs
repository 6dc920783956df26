//! The cleanse stage: one normaliser per field type, one value at a time.
//!
//! Every normaliser takes the raw text (and the type of the cell it came
//! from: a number cell may have lost a leading zero) and returns a
//! [`Normalized`]: the display value (lightly normalised), the matching key
//! (aggressively folded), values derived on the way (a name's surname and
//! given name, a phone's kind and extension, a postal code's prefecture),
//! and the problems it found. The raw value is never touched: the record
//! keeps it beside the normalised one.
//!
//! Shared rules run before the per-type normaliser: null markers (不明, なし,
//! 未記入, -, #N/A …) become empty with the reason recorded, ditto marks
//! (〃, 同上) are flagged and never copied silently.

pub mod address;
pub mod date;
pub mod itaiji;
pub mod kana;
pub mod name;
pub mod phone;
pub mod postal;
pub mod romaji;
mod simple;
mod width;

pub use width::label_key;

use crate::mapping::{Field, FieldType, Record, Status};
use crate::model::{CellKind, Location, Problem, Severity};

/// What a normaliser made of one value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Normalized {
    /// The display value; `None` when the value is empty or unusable.
    pub value: Option<String>,
    /// The matching key; `None` when there is nothing to match on.
    pub key: Option<String>,
    /// Values derived on the way, by name: `family` and `given` (name,
    /// kana), `honorific`, `alias`, `annotation` (name); `kind` (`landline`, `mobile`,
    /// `ip`, `toll_free`, `navi_dial`, `pager`), `ext`, `other` (phone);
    /// `prefecture`, `city`, `town` (postal code, address), `address2`,
    /// `care_of`, `postal_code` (address); `precision` (date: `day`,
    /// `month_day`, `year`); `loose_key` (kana, with voicing folded).
    pub extra: Vec<(&'static str, String)>,
    pub problems: Vec<Finding>,
}

impl Normalized {
    /// A value whose display and key are the same text.
    pub fn same(v: impl Into<String>) -> Normalized {
        let v = v.into();
        Normalized { key: Some(v.clone()), value: Some(v), ..Normalized::default() }
    }
    /// Nothing usable, for this reason.
    pub fn problem(severity: Severity, code: &'static str, message: impl Into<String>) -> Normalized {
        Normalized { problems: vec![Finding::new(severity, code, message)], ..Normalized::default() }
    }
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }
    pub fn with(mut self, f: Finding) -> Self {
        self.problems.push(f);
        self
    }
}

/// A problem a normaliser found in a value. `code` is stable and
/// machine-readable (`phone_too_short`); `message` says what was expected,
/// in plain words, without repeating the value (the raw value is stored
/// beside it; logs carry codes and counts, not personal data).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

impl Finding {
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Finding {
        Finding { severity, code, message: message.into() }
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Warning, code, message)
    }
    pub fn info(code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(Severity::Info, code, message)
    }
}

/// What a value is for, where that changes the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// A birth date: no future dates, nobody 120 or older, a month and day
    /// without a year is normal (salons often record only that).
    BirthDate,
    /// A visit or purchase date.
    EventDate,
    /// The second address line (`address2`): a building, floor and room
    /// (`メゾンヒルズ 610号室`), sometimes after the block number — not an
    /// address of its own.
    Building,
    #[default]
    Other,
}

/// Settings a normaliser may need beyond the value itself.
#[derive(Debug, Clone)]
pub struct Context {
    /// "Today", for birth dates in the future and ages.
    pub today: chrono::NaiveDate,
    pub role: Role,
    /// The shop's own area code, for local numbers without one on old cards
    /// (`23-4567` with `0155`); `None`: such numbers are a problem.
    pub area_code: Option<String>,
}

impl Default for Context {
    fn default() -> Self {
        Context { today: chrono::Local::now().date_naive(), role: Role::Other, area_code: None }
    }
}

/// Normalises one raw value of the given type.
pub fn normalize(ftype: FieldType, raw: &str, cell: CellKind, ctx: &Context) -> Normalized {
    if let Some(n) = simple::null_or_ditto(ftype, raw) {
        return n;
    }
    let n = normalize_type(ftype, raw, cell, ctx);
    // A value that only becomes a null marker once cleaned (`ー` plus a
    // control character, `不明様`) is a null marker: otherwise normalising
    // the display value again would empty it.
    if let Some(v) = n.value.as_deref() {
        if v != raw {
            if let Some(mut null) = simple::null_or_ditto(ftype, v) {
                null.problems.splice(0..0, n.problems);
                return null;
            }
        }
    }
    n
}

fn normalize_type(ftype: FieldType, raw: &str, cell: CellKind, ctx: &Context) -> Normalized {
    match ftype {
        FieldType::Name => name::normalize(raw, cell, ctx),
        FieldType::Kana => kana::normalize(raw, cell, ctx),
        FieldType::Phone => phone::normalize(raw, cell, ctx),
        FieldType::PostalCode => postal::normalize(raw, cell, ctx),
        FieldType::Address => address::normalize(raw, cell, ctx),
        FieldType::Date => date::normalize(raw, cell, ctx),
        FieldType::Gender => simple::gender(raw),
        FieldType::Email => simple::email(raw),
        FieldType::Amount => simple::amount(raw, cell),
        FieldType::Text => simple::text(raw),
    }
}

/// Normalises one value of a record, applying the values its mapping
/// declares first (the raw text itself is never changed).
fn normalize_value(v: &crate::mapping::Value, ctx: &Context) -> Normalized {
    if let Some(declared) = &v.declared {
        let t = v.raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        if let Some((_, meaning)) = declared.iter().find(|(k, _)| k == t) {
            if meaning.is_empty() {
                return Normalized::default()
                    .with(Finding::info("declared_null", "the mapping declares this value as meaning \"no value\""));
            }
            return normalize(v.ftype, meaning, CellKind::Text, ctx);
        }
    }
    normalize(v.ftype, &v.raw, v.cell, ctx)
}

/// Cleanses every value of a record in place, records the problems, derives
/// the fields a value implies (a name's surname and given name, an
/// address's prefecture and building, a postal code's prefecture) where the
/// mapping does not fill them itself, and rejects the record when a
/// required field ends up empty.
pub fn cleanse_record(rec: &mut Record, required: &[Field], file: &str, base: &Context) {
    let (sheet, row) = (rec.sheet.clone(), rec.row);
    let loc = |column: Option<String>| Location { file: file.to_string(), sheet: sheet.clone(), row, column };
    let mut problems = Vec::new();
    let mut ctx = base.clone();
    for (field, v) in rec.values.iter_mut() {
        ctx.role = match field {
            Field::BirthDate => Role::BirthDate,
            Field::FirstVisit => Role::EventDate,
            Field::Address2 => Role::Building,
            _ => Role::Other,
        };
        let n = normalize_value(v, &ctx);
        for f in n.problems {
            problems.push(
                Problem::new(f.severity, f.code, loc(v.columns.first().cloned()), f.message)
                    .with_raw(v.raw.clone())
                    .with_field(field.name()),
            );
        }
        v.value = n.value;
        v.key = n.key;
        v.extra = n.extra;
    }
    ctx.role = Role::EventDate;
    for ev in rec.events.iter_mut() {
        for (field, v) in ev.values.iter_mut() {
            let n = normalize_value(v, &ctx);
            for f in n.problems {
                problems.push(
                    Problem::new(f.severity, f.code, loc(v.columns.first().cloned()), f.message)
                        .with_raw(v.raw.clone())
                        .with_field(format!("event.{}", field.name())),
                );
            }
            v.value = n.value;
            v.key = n.key;
            v.extra = n.extra;
        }
    }
    derive_fields(rec, &ctx, &mut problems, &loc);
    rec.problems.extend(problems);
    if rec.status == Status::Active {
        for f in required {
            if !rec.values.iter().any(|(g, v)| g == f && v.value.is_some()) {
                let reason = format!("required field '{}' is empty or unusable", f.name());
                rec.problems.push(Problem::new(Severity::Reject, "required_missing", loc(None), reason.clone()).with_field(f.name()));
                rec.status = Status::Rejected(reason);
                break;
            }
        }
    }
}

/// Fills fields implied by other fields' values where the mapping leaves
/// them empty. A derived value keeps the raw text and columns it came from.
fn derive_fields(rec: &mut Record, ctx: &Context, problems: &mut Vec<Problem>, loc: &dyn Fn(Option<String>) -> Location) {
    use crate::mapping::Value;
    let has = |rec: &Record, f: Field| rec.values.iter().any(|(g, v)| *g == f && v.value.is_some());
    // A name mapped as its parts (姓 / 名, セイ / メイ) is also the whole name,
    // so that it is compared, shown and found like any other; a whole name
    // typed into the surname's column with the given name's left empty is
    // the whole name, not a surname.
    for (whole, family, given, ftype) in [
        (Field::Name, Field::FamilyName, Field::GivenName, FieldType::Name),
        (Field::Kana, Field::FamilyKana, Field::GivenKana, FieldType::Kana),
    ] {
        if has(rec, whole) {
            continue;
        }
        let part = |f: Field| rec.values.iter().find(|(g, v)| *g == f && v.value.is_some()).map(|(_, v)| v.clone());
        let (fam, giv) = (part(family), part(given));
        let text = match (&fam, &giv) {
            (Some(f), Some(g)) => format!("{} {}", f.value.as_deref().unwrap_or(""), g.value.as_deref().unwrap_or("")),
            (Some(p), None) | (None, Some(p)) => p.value.clone().unwrap_or_default(),
            (None, None) => continue,
        };
        let src = fam.as_ref().or(giv.as_ref()).expect("one part is there");
        let n = normalize(ftype, &text, CellKind::Text, ctx);
        let raw: Vec<&str> = [&fam, &giv].iter().filter_map(|p| p.as_ref().map(|v| v.raw.as_str())).collect();
        let columns: Vec<String> = [&fam, &giv].iter().filter_map(|p| p.as_ref()).flat_map(|v| v.columns.iter().cloned()).collect();
        let value = Value {
            raw: raw.join(" "),
            columns: columns.into(),
            cell: CellKind::Text,
            ftype,
            value: n.value,
            key: n.key,
            extra: n.extra,
            declared: None,
        };
        // The surname alone: it was the whole name. Its split (when it has a
        // space) replaces it; otherwise it stays whole, unsplit. (A given
        // name alone stays a given name: a web booking's 名 without 姓.)
        if giv.is_none() {
            rec.values.retain(|(g, _)| *g != family);
            for (name, target) in [("family", family), ("given", given)] {
                if let Some((_, t)) = value.extra.iter().find(|(k, _)| *k == name) {
                    let (v, key) = match ftype {
                        FieldType::Kana => (t.clone(), kana::kana_key(t)),
                        _ => (t.clone(), name::name_key(t)),
                    };
                    rec.values.push((
                        target,
                        Value {
                            raw: String::new(),
                            columns: src.columns.clone(),
                            cell: CellKind::Text,
                            ftype,
                            value: Some(v),
                            key: Some(key),
                            extra: Vec::new(),
                            declared: None,
                        },
                    ));
                }
            }
            problems.push(
                Problem::new(
                    Severity::Info,
                    "whole_name_in_one_part",
                    loc(src.columns.first().cloned()),
                    format!(
                        "only one part of the {} was given; it is taken as the whole name",
                        if ftype == FieldType::Kana { "reading" } else { "name" }
                    ),
                )
                .with_raw(src.raw.clone())
                .with_field(whole.name()),
            );
        }
        rec.values.push((whole, value));
    }
    let mut add: Vec<(Field, Value)> = Vec::new();
    // A derived value has no raw text of its own (its source field's raw
    // text is kept); its columns are the source's. The parts of a name or
    // reading are already normalised: only their keys are computed.
    let derived = |src: &Value, ftype: FieldType, text: &str| -> Value {
        let (value, key) = match ftype {
            FieldType::Name => (Some(text.to_string()), Some(name::name_key(text))),
            FieldType::Kana => (Some(text.to_string()), Some(kana::kana_key(text))),
            FieldType::Text => (Some(text.to_string()), Some(text.to_string())),
            _ => {
                let n = normalize(ftype, text, CellKind::Text, ctx);
                (n.value, n.key)
            }
        };
        Value {
            raw: String::new(),
            columns: src.columns.clone(),
            cell: CellKind::Text,
            ftype,
            value,
            key,
            extra: Vec::new(),
            declared: None,
        }
    };
    for (f, v) in &rec.values {
        let pairs: &[(&str, Field, FieldType)] = match f {
            Field::Name => &[("family", Field::FamilyName, FieldType::Name), ("given", Field::GivenName, FieldType::Name)],
            Field::Kana => &[("family", Field::FamilyKana, FieldType::Kana), ("given", Field::GivenKana, FieldType::Kana)],
            Field::Address => &[
                ("prefecture", Field::Prefecture, FieldType::Text),
                ("address2", Field::Address2, FieldType::Text),
                ("postal_code", Field::PostalCode, FieldType::PostalCode),
            ],
            Field::PostalCode => &[("prefecture", Field::Prefecture, FieldType::Text)],
            _ => &[],
        };
        for (name, target, ftype) in pairs {
            if let Some((_, text)) = v.extra.iter().find(|(k, _)| k == name) {
                if !has(rec, *target) && !add.iter().any(|(g, _)| g == target) {
                    add.push((*target, derived(v, *ftype, text)));
                }
            }
        }
    }
    rec.values.extend(add);
    // An address written without its prefecture gets it: from the city
    // when only one prefecture has that city, else from the postal code.
    let postal_pref = rec
        .values
        .iter()
        .find(|(f, _)| *f == Field::PostalCode)
        .and_then(|(_, v)| v.extra.iter().find(|(k, _)| *k == "prefecture"))
        .map(|(_, p)| p.clone());
    if let Some((_, addr)) = rec.values.iter_mut().find(|(f, v)| *f == Field::Address && v.value.is_some()) {
        let from_city = addr.extra.iter().find(|(k, _)| *k == "prefecture").map(|(_, p)| p.clone());
        let (pref, source) = match (from_city, postal_pref) {
            (Some(p), _) => (p, "its city"),
            (None, Some(p)) => (p, "the postal code"),
            (None, None) => return,
        };
        let value = addr.value.as_deref().unwrap_or_default();
        if !value.starts_with(pref.as_str()) {
            addr.value = Some(format!("{pref}{value}"));
            if !addr.extra.iter().any(|(k, _)| *k == "prefecture") {
                addr.extra.push(("prefecture", pref.clone()));
            }
            let code = if source == "its city" { "prefecture_from_city" } else { "prefecture_from_postal_code" };
            problems.push(
                Problem::new(
                    Severity::Info,
                    code,
                    loc(addr.columns.first().cloned()),
                    format!("the address has no prefecture; it was filled from {source}"),
                )
                .with_raw(addr.raw.clone())
                .with_field("address"),
            );
        }
    }
}

/// Helpers for the normalisers' own tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Through the whole cleanse entry point (null markers and ditto marks
    /// first), as the pipeline calls it: normalising the display value again
    /// gives the same value and key.
    pub fn assert_idempotent(t: FieldType, s: &str) {
        let full = |s: &str| normalize(t, s, CellKind::Text, &Context::default());
        let first = full(s);
        if let Some(v) = &first.value {
            let second = full(v);
            assert_eq!(second.value.as_ref(), Some(v), "value of {s:?}");
            assert_eq!(second.key, first.key, "key of {s:?}");
        }
    }

    /// Calls `check` on `rounds` random strings of up to 11 characters, most
    /// drawn from `pool`, one in eight from anywhere in Unicode (a seeded
    /// xorshift, so failures repeat).
    pub fn noise(rounds: usize, pool: &[char], mut check: impl FnMut(&str)) {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..rounds {
            let len = (next() % 12) as usize;
            let s: String = (0..len)
                .map(|_| match next() % 8 {
                    0 => char::from_u32((next() % 0x11_0000) as u32).unwrap_or('?'),
                    _ => pool[(next() % pool.len() as u64) as usize],
                })
                .collect();
            check(&s);
        }
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Text that looks like what ledgers hold: kanji, kana of both widths,
    /// digits of both widths, dashes, brackets, spaces, era letters, a few
    /// symbols, and arbitrary characters now and then.
    fn ledger_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("山田".to_string()),
            Just("髙橋".to_string()),
            Just("渡邊".to_string()),
            Just("太郎".to_string()),
            Just("ﾔﾏﾀﾞ".to_string()),
            Just("ｶﾞ".to_string()),
            Just("やまだ".to_string()),
            Just("ヤマダ".to_string()),
            Just("ー".to_string()),
            Just("－".to_string()),
            Just("-".to_string()),
            Just("〜".to_string()),
            Just("\u{3000}".to_string()),
            Just(" ".to_string()),
            Just("様".to_string()),
            Just("様方".to_string()),
            Just("(".to_string()),
            Just("）".to_string()),
            Just("〒".to_string()),
            Just("昭和".to_string()),
            Just("元年".to_string()),
            Just("S".to_string()),
            Just("H".to_string()),
            Just("年".to_string()),
            Just("月".to_string()),
            Just("日".to_string()),
            Just("丁目".to_string()),
            Just("番地".to_string()),
            Just("号".to_string()),
            Just("の".to_string()),
            Just("六".to_string()),
            Just("十".to_string()),
            Just("東京都".to_string()),
            Just("内線".to_string()),
            Just("+81".to_string()),
            Just("@".to_string()),
            Just(".".to_string()),
            Just("¥".to_string()),
            Just("\\".to_string()),
            Just("△".to_string()),
            Just("円".to_string()),
            Just("(税込)".to_string()),
            Just("゛".to_string()),
            Just("\u{E000}".to_string()),
            Just("\u{FFFD}".to_string()),
            Just("\u{E0100}".to_string()),
            "[0-9]{1,11}",
            "[０-９]{1,4}",
            "[a-zA-Z]{1,5}",
            any::<char>().prop_map(|c| c.to_string()),
        ];
        proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    fn any_type() -> impl Strategy<Value = FieldType> {
        proptest::sample::select(FieldType::ALL.to_vec())
    }

    fn any_cell() -> impl Strategy<Value = CellKind> {
        proptest::sample::select(vec![CellKind::Text, CellKind::Number, CellKind::Date])
    }

    fn any_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(vec![Role::BirthDate, Role::EventDate, Role::Other])
    }

    proptest! {
        // A fixed seed: CI runs the same cases every time; a new failure
        // found by changing the seed is kept in proptest-regressions/.
        #![proptest_config(ProptestConfig { cases: 3000, rng_seed: proptest::test_runner::RngSeed::Fixed(0x6b_6172_7465), ..ProptestConfig::default() })]

        #[test]
        fn never_panics(t in any_type(), raw in ledger_text(), cell in any_cell(), role in any_role()) {
            let ctx = Context { role, ..Context::default() };
            let _ = normalize(t, &raw, cell, &ctx);
        }

        #[test]
        fn never_panics_on_any_string(t in any_type(), raw in any::<String>()) {
            let _ = normalize(t, &raw, CellKind::Text, &Context::default());
        }

        /// Normalising a display value again changes neither it nor its key.
        #[test]
        fn normalising_twice_changes_nothing(t in any_type(), raw in ledger_text(), cell in any_cell(), role in any_role()) {
            let ctx = Context { role, ..Context::default() };
            let once = normalize(t, &raw, cell, &ctx);
            if let Some(v) = &once.value {
                let twice = normalize(t, v, CellKind::Text, &ctx);
                prop_assert_eq!(twice.value.as_ref(), Some(v), "type {} raw {:?}", t, raw);
                prop_assert_eq!(&twice.key, &once.key, "type {} raw {:?}", t, raw);
            }
        }
    }
}
