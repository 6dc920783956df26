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
        ("=customerno", Fd(F::CustomerNo)),
        ("~伝票番号", Ev(E::Number)),
        ("~伝票no", Ev(E::Number)),
        ("~レシート番号", Ev(E::Number)),
        ("~予約番号", Ev(E::Number)),
        ("~予約id", Ev(E::Number)),
        ("~注文番号", Ev(E::Number)),
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
        ("~携帯", Fd(F::Mobile)),
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
        ("~登録日", Fd(F::FirstVisit)),
        ("~入会日", Fd(F::FirstVisit)),
        ("~来店日", Ev(E::Date)),
        ("~来店日時", Ev(E::Date)),
        ("~売上日", Ev(E::Date)),
        ("~購入日", Ev(E::Date)),
        ("~利用日", Ev(E::Date)),
        ("~施術日", Ev(E::Date)),
        ("=日付", Ev(E::Date)),
        ("=date", Ev(E::Date)),
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
    let h = fold(header);
    if h.is_empty() {
        return None;
    }
    SYNONYMS.iter().find_map(|(syn, g)| {
        let (mode, s) = syn.split_at(1);
        let s = fold(s);
        let hit = if mode == "=" { h == s } else { h.contains(&s) };
        hit.then_some(*g)
    })
}

/// A column's guess, once each field has been given to its first column.
pub fn assign(columns: &[String]) -> Vec<Option<Guess>> {
    let mut used: Vec<Guess> = Vec::new();
    columns
        .iter()
        .map(|c| {
            let g = guess(c)?;
            // 来店日時 and 来店日 both want event.date; the first one wins.
            if used.contains(&g) && g != Guess::Field(Field::Attachment) {
                return None;
            }
            used.push(g);
            Some(g)
        })
        .collect()
}

/// Writes a commented draft mapping for a file's first table.
pub fn write_draft(file: &SourceFile, name: &str) -> String {
    let mut out = String::new();
    let table: Option<&Table> = file.tables.first();
    let columns: Vec<String> = table.map(|t| t.columns.clone()).unwrap_or_default();
    let guesses = assign(&columns);
    let has = |g: Guess| guesses.contains(&Some(g));
    let col_of = |g: Guess| columns.iter().zip(&guesses).find(|(_, x)| **x == Some(g)).map(|(c, _)| c.clone());
    let event_source = has(Guess::Event(EventField::Number))
        || (has(Guess::Event(EventField::Date))
            && (has(Guess::Event(EventField::Amount)) || has(Guess::Event(EventField::Item)))
            && !has(Guess::Field(Field::BirthDate)));

    let _ = writeln!(out, "# Draft mapping for {} — written by `karte inspect`.", file.name);
    let _ = writeln!(out, "# Check every guess below, then import with:");
    let _ = writeln!(out, "#   karte import --db karte.db --mapping mappings/{name}.toml {}", file.name);
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
    let header_rows: Vec<Option<u64>> = file.tables.iter().map(|t| t.header_row).collect();
    match table.and_then(|t| t.header_row) {
        Some(h) if file.format != Format::Cards && header_rows.iter().all(|r| *r == Some(h)) => {
            let _ = writeln!(out, "header_row = {h}  # detected; \"auto\" detects it on every import");
        }
        Some(_) if file.format != Format::Cards => {
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
    let key = if event_source { col_of(Guess::Event(EventField::Number)) } else { col_of(Guess::Field(Field::CustomerNo)) };
    match key {
        Some(k) => {
            let _ = writeln!(out, "natural_key = [{}]  # identifies a row across re-imports", q(&k));
        }
        None => {
            let _ = writeln!(out, "# natural_key = [\"…\"]  # a column that identifies a row across re-imports, if there is one");
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "[fields]");
    for (c, g) in columns.iter().zip(&guesses) {
        if let Some(Guess::Field(f)) = g {
            let _ = writeln!(out, "{} = {}  # type {}", f.name(), q(c), f.default_type());
        }
    }
    let events: Vec<(&String, EventField)> = columns
        .iter()
        .zip(&guesses)
        .filter_map(|(c, g)| match g {
            Some(Guess::Event(e)) => Some((c, *e)),
            _ => None,
        })
        .collect();
    let visit_line =
        if file.format == Format::Cards { columns.iter().find(|c| c.contains("来店") || c.contains("履歴")) } else { None };
    if !events.is_empty() || visit_line.is_some() {
        let _ = writeln!(out);
        let _ = writeln!(out, "[event]");
        let kind = if has(Guess::Event(EventField::Number)) && !has(Guess::Event(EventField::Item)) {
            "visit"
        } else if event_source {
            "purchase"
        } else {
            "visit"
        };
        let _ = writeln!(out, "kind = {}  # \"visit\" or \"purchase\"", q(kind));
        if let Some(l) = visit_line {
            let _ = writeln!(out, "line = {}  # each value is one visit: date, item, ¥amount, 担当:staff", q(l));
        }
        for (c, e) in events {
            let _ = writeln!(out, "{} = {}", e.name(), q(c));
        }
    }
    let unmapped: Vec<&String> =
        columns.iter().zip(&guesses).filter(|(c, g)| g.is_none() && Some(*c) != visit_line).map(|(c, _)| c).collect();
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
    }
}
