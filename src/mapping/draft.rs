//! Draft mappings: guesses each column's karte field from its header, with
//! Japanese and English synonyms, for `karte inspect --mapping-out`.

use std::fmt::Write as _;

use super::{EventField, Field};
use crate::import::{Format, SourceFile, Table};

/// What a header can mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guess {
    Field(Field),
    Event(EventField),
}

/// Synonyms, most specific first: a header is compared after NFKC, lower
/// casing and removing spaces and punctuation, and matches a synonym when it
/// equals it (`=`) or contains it (`~`).
const SYNONYMS: &[(&str, Guess)] = {
    use EventField as E;
    use Field as F;
    use Guess::{Event as Ev, Field as Fd};
    &[
        ("=姓", Fd(F::FamilyName)),
        ("=名", Fd(F::GivenName)),
        ("=名前(姓)", Fd(F::FamilyName)),
        ("=名前(名)", Fd(F::GivenName)),
        ("=セイ", Fd(F::FamilyKana)),
        ("=メイ", Fd(F::GivenKana)),
        ("=せい", Fd(F::FamilyKana)),
        ("=めい", Fd(F::GivenKana)),
        ("~フリガナ(姓)", Fd(F::FamilyKana)),
        ("~フリガナ(名)", Fd(F::GivenKana)),
        ("=lastname", Fd(F::FamilyName)),
        ("=familyname", Fd(F::FamilyName)),
        ("=surname", Fd(F::FamilyName)),
        ("=firstname", Fd(F::GivenName)),
        ("=givenname", Fd(F::GivenName)),
        ("~顧客no", Fd(F::CustomerNo)),
        ("~顧客番号", Fd(F::CustomerNo)),
        ("~顧客コード", Fd(F::CustomerNo)),
        ("~顧客id", Fd(F::CustomerNo)),
        ("~会員番号", Fd(F::CustomerNo)),
        ("~会員no", Fd(F::CustomerNo)),
        ("~会員id", Fd(F::CustomerNo)),
        ("~お客様番号", Fd(F::CustomerNo)),
        ("~カルテno", Fd(F::CustomerNo)),
        ("~カルテ番号", Fd(F::CustomerNo)),
        ("=customerid", Fd(F::CustomerNo)),
        ("=no", Fd(F::CustomerNo)),
        ("=customerno", Fd(F::CustomerNo)),
        ("~伝票番号", Ev(E::Number)),
        ("~伝票no", Ev(E::Number)),
        ("~レシート番号", Ev(E::Number)),
        ("~予約番号", Ev(E::Number)),
        ("~予約id", Ev(E::Number)),
        ("~注文番号", Ev(E::Number)),
        ("~取引番号", Ev(E::Number)),
        ("~取引no", Ev(E::Number)),
        ("~取引id", Ev(E::Number)),
        ("~フリガナ", Fd(F::Kana)),
        ("~ふりがな", Fd(F::Kana)),
        ("~カナ", Fd(F::Kana)),
        ("~かな", Fd(F::Kana)),
        ("~よみ", Fd(F::Kana)),
        ("~ヨミ", Fd(F::Kana)),
        ("=kana", Fd(F::Kana)),
        ("=furigana", Fd(F::Kana)),
        ("~氏名", Fd(F::Name)),
        ("~お名前", Fd(F::Name)),
        ("~名前", Fd(F::Name)),
        ("~顧客名", Fd(F::Name)),
        ("~お客様名", Fd(F::Name)),
        ("~会員名", Fd(F::Name)),
        ("=name", Fd(F::Name)),
        ("=fullname", Fd(F::Name)),
        ("=customername", Fd(F::Name)),
        ("~電話2", Fd(F::Phone2)),
        ("~電話番号2", Fd(F::Phone2)),
        ("~tel2", Fd(F::Phone2)),
        ("~携帯", Fd(F::Mobile)),
        ("~ケータイ", Fd(F::Mobile)),
        ("~けいたい", Fd(F::Mobile)),
        ("~mobile", Fd(F::Mobile)),
        ("~cell", Fd(F::Mobile)),
        ("~電話", Fd(F::Phone)),
        ("~tel", Fd(F::Phone)),
        ("~phone", Fd(F::Phone)),
        ("~連絡先", Fd(F::Phone)),
        ("~郵便番号", Fd(F::PostalCode)),
        ("=〒", Fd(F::PostalCode)),
        ("~zip", Fd(F::PostalCode)),
        ("~postal", Fd(F::PostalCode)),
        ("~都道府県", Fd(F::Prefecture)),
        ("~建物", Fd(F::Address2)),
        ("~住所2", Fd(F::Address2)),
        ("~マンション", Fd(F::Address2)),
        ("~住所", Fd(F::Address)),
        ("~所在地", Fd(F::Address)),
        ("~address", Fd(F::Address)),
        ("~生年月日", Fd(F::BirthDate)),
        ("~誕生日", Fd(F::BirthDate)),
        ("~birth", Fd(F::BirthDate)),
        ("~dob", Fd(F::BirthDate)),
        ("~性別", Fd(F::Gender)),
        ("=gender", Fd(F::Gender)),
        ("=sex", Fd(F::Gender)),
        ("~メール", Fd(F::Email)),
        ("~mail", Fd(F::Email)),
        ("~初回来店", Fd(F::FirstVisit)),
        ("~初回来院", Fd(F::FirstVisit)),
        ("~初来店", Fd(F::FirstVisit)),
        ("~初来院", Fd(F::FirstVisit)),
        ("~初診", Fd(F::FirstVisit)),
        ("~登録日", Fd(F::FirstVisit)),
        ("~入会日", Fd(F::FirstVisit)),
        ("~来店日", Ev(E::Date)),
        ("~来院日", Ev(E::Date)),
        ("~最終来店", Ev(E::Date)),
        ("~最終来院", Ev(E::Date)),
        ("~前回来店", Ev(E::Date)),
        ("~予約日", Ev(E::Date)),
        ("~取引日", Ev(E::Date)),
        ("~会計日", Ev(E::Date)),
        ("~来店日時", Ev(E::Date)),
        ("~売上日", Ev(E::Date)),
        ("~購入日", Ev(E::Date)),
        ("~利用日", Ev(E::Date)),
        ("~施術日", Ev(E::Date)),
        ("=日付", Ev(E::Date)),
        ("=date", Ev(E::Date)),
        ("~メニュー名", Ev(E::Item)),
        ("~商品名", Ev(E::Item)),
        ("~商品", Ev(E::Item)),
        ("~品名", Ev(E::Item)),
        ("~メニュー", Ev(E::Item)),
        ("~施術内容", Ev(E::Item)),
        ("~コース", Ev(E::Item)),
        ("=item", Ev(E::Item)),
        ("=menu", Ev(E::Item)),
        ("~数量", Ev(E::Quantity)),
        ("=qty", Ev(E::Quantity)),
        ("=quantity", Ev(E::Quantity)),
        ("~金額", Ev(E::Amount)),
        ("~料金", Ev(E::Amount)),
        ("~売上金額", Ev(E::Amount)),
        ("~合計", Ev(E::Amount)),
        ("~代金", Ev(E::Amount)),
        ("=amount", Ev(E::Amount)),
        ("=price", Ev(E::Amount)),
        ("~担当", Ev(E::Staff)),
        ("~スタッフ", Ev(E::Staff)),
        ("=staff", Ev(E::Staff)),
        ("~備考", Fd(F::Note)),
        ("~メモ", Fd(F::Note)),
        ("~特記", Fd(F::Note)),
        ("~ご要望", Fd(F::Note)),
        ("~要望", Fd(F::Note)),
        ("~コメント", Fd(F::Note)),
        ("=note", Fd(F::Note)),
        ("=notes", Fd(F::Note)),
        ("=memo", Fd(F::Note)),
        ("=店舗", Fd(F::Store)),
        ("~店舗名", Fd(F::Store)),
        ("=店名", Fd(F::Store)),
        ("=store", Fd(F::Store)),
        ("=shop", Fd(F::Store)),
        ("~画像", Fd(F::Attachment)),
        ("~スキャン", Fd(F::Attachment)),
        ("~写真", Fd(F::Attachment)),
        ("=image", Fd(F::Attachment)),
    ]
};

fn fold(s: &str) -> String {
    crate::cleanse::label_key(s).chars().filter(|c| !matches!(c, '_' | '-' | '・' | '.' | ':' | '#')).collect()
}

/// The field a header most likely feeds.
pub fn guess(header: &str) -> Option<Guess> {
    ranked(header).map(|(_, g)| g)
}

/// A header's guess with the rank of the synonym that made it (lower is
/// more specific).
fn ranked(header: &str) -> Option<(usize, Guess)> {
    let h = fold(header);
    if h.is_empty() {
        return None;
    }
    SYNONYMS.iter().enumerate().find_map(|(i, (syn, g))| {
        let (mode, s) = syn.split_at(1);
        let s = fold(s);
        let hit = if mode == "=" { h == s } else { h.contains(&s) };
        hit.then_some((i, *g))
    })
}

/// A column's guess, once each field has been given to one column: the
/// one whose synonym is the most specific (来店日時 before 予約日時,
/// メニュー名 before メニューコード), the first of equals.
pub fn assign(columns: &[String]) -> Vec<Option<Guess>> {
    let guesses: Vec<Option<(usize, Guess)>> = columns.iter().map(|c| ranked(c)).collect();
    // Each guess's best (rank, column); a header has a few dozen guesses at most.
    let mut best: Vec<(Guess, usize, usize)> = Vec::new();
    for (i, x) in guesses.iter().enumerate() {
        let Some((rank, g)) = *x else { continue };
        match best.iter_mut().find(|(h, _, _)| *h == g) {
            Some(b) if rank < b.1 => *b = (g, rank, i),
            Some(_) => {}
            None => best.push((g, rank, i)),
        }
    }
    guesses
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let (_, g) = (*x)?;
            (g == Guess::Field(Field::Attachment) || best.iter().any(|(h, _, j)| *h == g && *j == i)).then_some(g)
        })
        .collect()
}

/// Each column's guess as a draft makes it: on cards every key that names
/// a field (each typist's own key), elsewhere one column per field.
pub fn table_guesses(table: &Table) -> Vec<Option<Guess>> {
    if table.header_row.is_none() {
        table.columns.iter().map(|c| if crate::import::cards::is_list_key(c) { None } else { guess(c) }).collect()
    } else {
        assign(&table.columns)
    }
}

/// Headers that are one part of a split address (after the prefecture):
/// joined, in the table's order, into `address`.
const ADDRESS_PARTS: &[&str] = &["市区町村", "市町村", "区市町村", "市区郡", "町域", "町名", "町村", "番地", "丁目"];

/// Words that make an event a purchase rather than a visit (a till's
/// receipt, a sale, a quantity).
const PURCHASE_WORDS: &[&str] = &["伝票", "レシート", "注文", "取引", "売上", "購入", "会計", "数量", "単価", "receipt", "order", "sale"];

/// The survivorship priority a draft gives each kind of source (higher
/// wins a tie when records of one customer disagree): what staff keep by
/// hand first, what a till fills in as a fallback last.
const PRIORITIES: &[(SourceKind, i64, &str)] = &[
    (SourceKind::Ledger, 30, "a ledger staff keep by hand"),
    (SourceKind::Cards, 25, "paper kartes, as written on them"),
    (SourceKind::CustomerList, 25, "a customer list"),
    (SourceKind::Bookings, 20, "bookings customers typed themselves"),
    (SourceKind::Purchases, 10, "a till's export, whose customer fields are often a fallback"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    Ledger,
    Cards,
    CustomerList,
    Bookings,
    Purchases,
}

fn is_address_part(header: &str) -> bool {
    let h = fold(header);
    ADDRESS_PARTS.iter().any(|p| h == fold(p))
}

/// The columns a draft maps to one field or event field, over every table
/// of the file, with the tables that have none of them.
struct Group {
    columns: Vec<String>,
    /// Tables (sheet names) without any of the columns.
    missing: Vec<String>,
}

impl Group {
    fn write(&self, out: &mut String, key: &str, comment: &str) {
        let col = if self.columns.len() == 1 {
            q(&self.columns[0])
        } else {
            format!("[{}]", self.columns.iter().map(|c| q(c)).collect::<Vec<_>>().join(", "))
        };
        let mut notes = Vec::new();
        if self.columns.len() > 1 {
            notes.push("alternatives: whichever the sheet or card has".to_string());
        }
        if !self.missing.is_empty() {
            notes.push(format!("not on {}", self.missing.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")));
        }
        if !comment.is_empty() {
            notes.push(comment.to_string());
        }
        let note = if notes.is_empty() { String::new() } else { format!("  # {}", notes.join("; ")) };
        if self.columns.len() == 1 && self.missing.is_empty() {
            let _ = writeln!(out, "{key} = {col}{note}");
        } else if self.missing.is_empty() {
            let _ = writeln!(out, "{key} = {{ column = {col} }}{note}");
        } else {
            let _ = writeln!(out, "{key} = {{ column = {col}, optional = true }}{note}");
        }
    }
}

/// Writes a commented draft mapping for a file, reading the header of
/// every sheet: a field whose column is named differently on two sheets
/// (氏名 on one, お名前 on the other), or under several keys on cards
/// typed by different people (TEL, 電話, ＴＥＬ), gets every name as
/// alternatives; a column some sheets lack is `optional`.
pub fn write_draft(file: &SourceFile, name: &str) -> String {
    let mut out = String::new();
    let cards = file.format == Format::Cards;
    // Per table, each column's guess (cards: every key that names a field,
    // since each card uses its typist's key; a table with a header: the
    // first column per field, as before).
    let mut per_table: Vec<(&Table, Vec<Option<Guess>>)> = Vec::new();
    for t in &file.tables {
        let mut g = if cards { table_guesses(t) } else { assign(&t.columns) };
        for (c, x) in t.columns.iter().zip(g.iter_mut()) {
            // Address parts after the prefecture are joined into the address.
            if is_address_part(c) {
                *x = None;
            }
        }
        per_table.push((t, g));
    }
    let table_name = |t: &Table| if t.sheet.is_empty() { file.name.clone() } else { t.sheet.clone() };
    // Guess → its group, in the order first seen.
    let mut groups: Vec<(Guess, Group)> = Vec::new();
    for (t, gs) in &per_table {
        for (c, g) in t.columns.iter().zip(gs) {
            let Some(g) = g else { continue };
            match groups.iter_mut().find(|(x, _)| x == g) {
                Some((_, grp)) => {
                    if !grp.columns.contains(c) {
                        grp.columns.push(c.clone());
                    }
                }
                None => groups.push((*g, Group { columns: vec![c.clone()], missing: Vec::new() })),
            }
        }
    }
    for (g, grp) in &mut groups {
        grp.missing = per_table.iter().filter(|(_, gs)| !gs.contains(&Some(*g))).map(|(t, _)| table_name(t)).collect();
    }
    // A split address: the prefecture column and the parts after it, in
    // the first table's order that has them.
    let address_parts: Vec<String> = if groups.iter().any(|(g, _)| *g == Guess::Field(Field::Address)) {
        Vec::new()
    } else {
        per_table
            .iter()
            .find(|(t, _)| t.columns.iter().any(|c| is_address_part(c)))
            .map(|(t, gs)| {
                t.columns
                    .iter()
                    .zip(gs)
                    .filter(|(c, g)| is_address_part(c) || **g == Some(Guess::Field(Field::Prefecture)))
                    .map(|(c, _)| c.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    if !address_parts.is_empty() {
        groups.retain(|(g, _)| *g != Guess::Field(Field::Prefecture));
    }
    let has = |g: Guess| groups.iter().any(|(x, _)| *x == g);
    let group = |g: Guess| groups.iter().find(|(x, _)| *x == g).map(|(_, grp)| grp);
    let event_source = has(Guess::Event(EventField::Number))
        || (has(Guess::Event(EventField::Date))
            && (has(Guess::Event(EventField::Amount)) || has(Guess::Event(EventField::Item)))
            && !has(Guess::Field(Field::BirthDate)));
    let visit_lines: Vec<String> = if cards {
        file.tables.iter().flat_map(|t| &t.columns).filter(|c| crate::import::cards::is_list_key(c)).cloned().collect()
    } else {
        Vec::new()
    };
    let event_columns: Vec<&String> =
        groups.iter().filter(|(g, _)| matches!(g, Guess::Event(_))).flat_map(|(_, grp)| &grp.columns).collect();
    let purchase = event_columns.iter().any(|c| {
        let h = fold(c);
        PURCHASE_WORDS.iter().any(|w| h.contains(&fold(w)))
    });
    let kind = if cards {
        SourceKind::Cards
    } else if event_source && purchase {
        SourceKind::Purchases
    } else if event_source {
        SourceKind::Bookings
    } else if file.format.is_workbook() {
        SourceKind::Ledger
    } else {
        SourceKind::CustomerList
    };

    let _ = writeln!(out, "# Draft mapping for {} — written by karte from the header of every sheet (or every card key).", file.name);
    let _ = writeln!(out, "# Check every guess below, then import with:");
    let _ = writeln!(out, "#   karte import --db karte.db --mapping mappings/{name}.toml {}", file.name);
    let _ = writeln!(out, "# A column given as a list (column = [\"氏名\", \"お名前\"]) lists alternatives: the names one");
    let _ = writeln!(out, "# field has on different sheets or cards; `optional = true`: some sheets do not have it.");
    let _ = writeln!(out);
    let _ = writeln!(out, "[source]");
    let _ = writeln!(out, "name = {}", q(name));
    let _ = writeln!(out, "label = {}", q(name));
    let _ = writeln!(out, "files = [{}]", q(&file.name));
    let _ = writeln!(out, "format = {}", q(file.format.name()));
    if file.format.is_workbook() {
        let sheets: Vec<String> = file.tables.iter().map(|t| q(&t.sheet)).collect();
        let _ = writeln!(out, "sheets = [{}]", sheets.join(", "));
    }
    let table = file.tables.first();
    let header_rows: Vec<Option<u64>> = file.tables.iter().map(|t| t.header_row).collect();
    match table.and_then(|t| t.header_row) {
        Some(h) if !cards && header_rows.iter().all(|r| *r == Some(h)) => {
            let _ = writeln!(out, "header_row = {h}  # detected; \"auto\" detects it on every import");
        }
        Some(_) if !cards => {
            let _ = writeln!(
                out,
                "header_row = \"auto\"  # detected per sheet: {}",
                file.tables.iter().map(|t| format!("'{}' row {}", t.sheet, t.header_row.unwrap_or(0))).collect::<Vec<_>>().join(", ")
            );
        }
        _ => {}
    }
    if let Some(e) = &file.encoding {
        let _ = writeln!(out, "encoding = {}  # detected: {}", q(&e.name.to_ascii_lowercase()), e.confidence.describe());
    }
    if let Some(d) = file.delimiter {
        let d = match d {
            b'\t' => "tab".to_string(),
            other => (other as char).to_string(),
        };
        let _ = writeln!(out, "delimiter = {}", q(&d));
    }
    let _ = writeln!(
        out,
        "rows = {}  # \"customer\": one row per customer; \"event\": one row per visit or purchase",
        q(if event_source { "event" } else { "customer" })
    );
    let key = if event_source { group(Guess::Event(EventField::Number)) } else { group(Guess::Field(Field::CustomerNo)) };
    match key {
        Some(k) if k.missing.is_empty() => {
            let _ = writeln!(
                out,
                "natural_key = [{}]  # identifies a row across re-imports{}",
                if k.columns.len() == 1 {
                    q(&k.columns[0])
                } else {
                    format!("[{}]", k.columns.iter().map(|c| q(c)).collect::<Vec<_>>().join(", "))
                },
                if k.columns.len() > 1 { " (alternatives: whichever the sheet has)" } else { "" }
            );
        }
        Some(k) => {
            let _ = writeln!(
                out,
                "# natural_key = [{}]  # not on {}: a row's identity there falls back to its content",
                q(&k.columns[0]),
                k.missing.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")
            );
        }
        None => {
            let _ = writeln!(out, "# natural_key = [\"…\"]  # a column that identifies a row across re-imports, if there is one");
        }
    }
    let (p, why) = PRIORITIES.iter().find(|(k, _, _)| *k == kind).map(|(_, p, w)| (*p, *w)).unwrap_or((20, ""));
    let _ = writeln!(out, "priority = {p}  # wins ties when one customer's records disagree (higher first); drafted for {why}");
    let _ = writeln!(out);
    let _ = writeln!(out, "[fields]");
    let family = group(Guess::Field(Field::FamilyName));
    let given = group(Guess::Field(Field::GivenName));
    let family_kana = group(Guess::Field(Field::FamilyKana));
    let given_kana = group(Guess::Field(Field::GivenKana));
    // A name split in two columns (姓, 名) is joined into name, which
    // cleansing splits again (so is kana: セイ, メイ).
    let joined = |out: &mut String, field: Field, a: Option<&Group>, b: Option<&Group>| -> bool {
        match (a, b, has(Guess::Field(field))) {
            (Some(a), Some(b), false) if a.columns.len() == 1 && b.columns.len() == 1 && a.missing.is_empty() && b.missing.is_empty() => {
                let _ =
                    writeln!(out, "{} = {{ columns = [{}, {}] }}  # joined by a space", field.name(), q(&a.columns[0]), q(&b.columns[0]));
                true
            }
            _ => false,
        }
    };
    let name_joined = joined(&mut out, Field::Name, family, given);
    let kana_joined = joined(&mut out, Field::Kana, family_kana, given_kana);
    for (g, grp) in &groups {
        if let Guess::Field(f) = g {
            if (name_joined && matches!(f, Field::FamilyName | Field::GivenName))
                || (kana_joined && matches!(f, Field::FamilyKana | Field::GivenKana))
            {
                continue;
            }
            grp.write(&mut out, f.name(), &format!("type {}", f.default_type()));
        }
    }
    if !address_parts.is_empty() {
        let _ = writeln!(
            out,
            "address = {{ columns = [{}], join = \"\" }}  # the address's parts, joined",
            address_parts.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ")
        );
    }
    let events: Vec<(EventField, &Group)> = groups
        .iter()
        .filter_map(|(g, grp)| match g {
            Guess::Event(e) => Some((*e, grp)),
            _ => None,
        })
        .collect();
    if !events.is_empty() || !visit_lines.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "[event]");
        let kind = if purchase { "purchase" } else { "visit" };
        let _ = writeln!(out, "kind = {}  # \"visit\" or \"purchase\"", q(kind));
        match &visit_lines[..] {
            [] => {}
            [l] => {
                let _ = writeln!(out, "line = {}  # each value is one visit: date, item, ¥amount, 担当:staff", q(l));
            }
            ls => {
                let _ = writeln!(
                    out,
                    "line = [{}]  # every value of each is one visit: date, item, ¥amount, 担当:staff",
                    ls.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ")
                );
            }
        }
        for (e, grp) in events {
            let comment = if e == EventField::Date && !event_source { "the date of the visit this row records" } else { "" };
            grp.write(&mut out, e.name(), comment);
        }
    }
    let mut seen: std::collections::HashSet<&String> = groups.iter().flat_map(|(_, g)| &g.columns).collect();
    seen.extend(&visit_lines);
    seen.extend(&address_parts);
    let mut unmapped: Vec<&String> = Vec::new();
    for t in &file.tables {
        for c in &t.columns {
            if seen.insert(c) {
                unmapped.push(c);
            }
        }
    }
    if !unmapped.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "# Not mapped (their raw values are kept with every record all the same):");
        for c in unmapped {
            let _ = writeln!(out, "#   {c}");
        }
    }
    out
}

/// A TOML string literal.
pub(crate) fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms() {
        assert_eq!(guess("氏名"), Some(Guess::Field(Field::Name)));
        assert_eq!(guess("お名前"), Some(Guess::Field(Field::Name)));
        assert_eq!(guess("ﾌﾘｶﾞﾅ"), Some(Guess::Field(Field::Kana)));
        assert_eq!(guess("ふりがな"), Some(Guess::Field(Field::Kana)));
        assert_eq!(guess("携帯電話"), Some(Guess::Field(Field::Mobile)));
        assert_eq!(guess("TEL"), Some(Guess::Field(Field::Phone)));
        assert_eq!(guess("〒"), Some(Guess::Field(Field::PostalCode)));
        assert_eq!(guess("誕生日"), Some(Guess::Field(Field::BirthDate)));
        assert_eq!(guess("来店日"), Some(Guess::Event(EventField::Date)));
        assert_eq!(guess("メニュー"), Some(Guess::Event(EventField::Item)));
        assert_eq!(guess("担当者"), Some(Guess::Event(EventField::Staff)));
        assert_eq!(guess("メモ"), Some(Guess::Field(Field::Note)));
        assert_eq!(guess("E-mail"), Some(Guess::Field(Field::Email)));
        assert_eq!(guess("顧客コード"), Some(Guess::Field(Field::CustomerNo)));
        assert_eq!(guess("顧客名"), Some(Guess::Field(Field::Name)));
        assert_eq!(guess("単価"), None);
        assert_eq!(guess("ケータイ"), Some(Guess::Field(Field::Mobile)));
        assert_eq!(guess("ＴＥＬ"), Some(Guess::Field(Field::Phone)));
        assert_eq!(guess("Tel"), Some(Guess::Field(Field::Phone)));
        assert_eq!(guess("初回来院日"), Some(Guess::Field(Field::FirstVisit)));
        assert_eq!(guess("最終来店"), Some(Guess::Event(EventField::Date)));
        assert_eq!(guess("予約日時"), Some(Guess::Event(EventField::Date)));
        assert_eq!(guess("No."), Some(Guess::Field(Field::CustomerNo)));
        assert_eq!(guess("店舗名"), Some(Guess::Field(Field::Store)));
        assert_eq!(guess("店舗コード"), None);
        assert_eq!(guess("電話2"), Some(Guess::Field(Field::Phone2)));
        assert_eq!(guess("TEL2"), Some(Guess::Field(Field::Phone2)));
    }

    #[test]
    fn the_most_specific_column_wins_a_field() {
        let cols: Vec<String> =
            ["予約ID", "予約日時", "来店日時", "メニューコード", "メニュー名", "電話", "電話番号"].map(String::from).to_vec();
        let a = assign(&cols);
        assert_eq!(a[1], None, "予約日時 is when the booking was made");
        assert_eq!(a[2], Some(Guess::Event(EventField::Date)));
        assert_eq!(a[3], None);
        assert_eq!(a[4], Some(Guess::Event(EventField::Item)));
        assert_eq!((a[5], a[6]), (Some(Guess::Field(Field::Phone)), None), "equals: the first");
    }
}
