//! The map stage: a TOML mapping file says which columns (or card keys) of a
//! source feed which karte fields, and how the source is read.
//!
//! ```toml
//! [source]
//! name = "sakura_ledger"          # the source's id, stored with every record
//! label = "美容室さくら 本店"       # shown in reports
//! files = ["sakura_ledger*.xlsx"] # which files this mapping is for
//! sheets = ["顧客台帳"]            # default: every sheet with data
//! header_row = "auto"             # or the row number Excel shows
//! rows = "customer"               # one row = one customer; "event": one row = one visit/purchase
//! natural_key = ["顧客No"]         # the row's identity for re-imports
//!
//! [fields]
//! customer_no = "顧客No"
//! name = { columns = ["姓", "名"] } # several columns → one field, joined by a space
//! kana = { column = ["フリガナ", "ﾌﾘｶﾞﾅ"] } # alternatives: whichever a sheet (or card) has
//! email = { column = "E-mail", optional = true } # some sheets have no such column
//! phone = { column = "電話番号", type = "phone", required = false }
//!
//! [event]
//! kind = "visit"
//! date = "来店日"
//!
//! [sheet."2020".fields]            # one sheet's own columns, over [fields]
//! name = "お名前"
//! ```
//!
//! A mapping is checked against each table before anything is written: a
//! missing sheet or column is an error naming the mapping key, the file,
//! the sheet, and the nearest existing column.

pub mod draft;
pub mod fields;

use indexmap::IndexMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use sha2::{Digest, Sha256};

pub use fields::{EventField, Field, FieldType};

use crate::import::{Format, ReadOptions, SourceRow, Table};
use crate::model::{CellKind, CellValue, Location, Problem, Severity};

/// A mapping file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub source: SourceSpec,
    /// Values that are the same for every record of this source (a store
    /// name, say): karte field → value.
    #[serde(default)]
    pub constants: IndexMap<String, String>,
    /// Customer fields: karte field → column(s).
    #[serde(default)]
    pub fields: IndexMap<String, FieldSpec>,
    /// The event (visit or purchase) a row describes, if any.
    pub event: Option<EventSpec>,
    /// Per-sheet sections (`[sheet."2020"]`): a sheet's own columns for
    /// some fields, replacing those of `[fields]` and `[event]` there.
    #[serde(default)]
    pub sheet: IndexMap<String, SheetSpec>,
    /// The mapping file's own text, hashed: an import records which mapping
    /// produced it.
    #[serde(skip)]
    pub hash: String,
    /// Where the mapping was loaded from (for messages).
    #[serde(skip)]
    pub path: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// The source's id: short, stable, stored with every record.
    pub name: String,
    /// A label for people (the store's name).
    pub label: Option<String>,
    /// File-name patterns this mapping is for (`*` and `?`).
    #[serde(default)]
    pub files: Vec<String>,
    /// auto, xlsx, xlsm, xlsb, xls, ods, csv, cards.
    pub format: Option<String>,
    pub sheets: Option<Vec<String>>,
    pub header_row: Option<HeaderRow>,
    /// auto, cp932, utf-8, utf-16le, euc-jp, …
    pub encoding: Option<String>,
    /// auto, ",", "\t" (or "tab"), ";".
    pub delimiter: Option<String>,
    /// customer (a ledger: one row per customer) or event (a POS export: one
    /// row per purchase, the same customer on many rows).
    pub rows: Option<RowUnit>,
    /// Columns whose values identify a row across re-imports (顧客No,
    /// 伝票番号); an entry may list alternatives (`["顧客No", "No."]`), the
    /// names the same column has on different sheets.
    #[serde(default)]
    pub natural_key: Vec<Columns>,
    /// Survivorship priority when merging (higher wins).
    pub priority: Option<i64>,
}

/// A sheet's own columns: `[sheet."2020".fields]`, `[sheet."2020".event]`,
/// `sheet."2020".natural_key`. What it names replaces the mapping's
/// entry of the same name on that sheet; the rest is the mapping's.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SheetSpec {
    #[serde(default)]
    pub fields: IndexMap<String, FieldSpec>,
    pub event: Option<EventSpec>,
    pub natural_key: Option<Vec<Columns>>,
}

/// The mapping as one sheet sees it (its section applied).
struct View<'a> {
    fields: Vec<(&'a str, &'a FieldSpec)>,
    event: Vec<(EventField, &'a FieldSpec)>,
    line: Option<&'a Columns>,
    natural_key: &'a [Columns],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RowUnit {
    #[default]
    Customer,
    Event,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum HeaderRow {
    Row(u64),
    Auto(String),
}

/// One column, or its alternatives: the names the same column (or card
/// key) has on different sheets, in different files, or on cards typed by
/// different people (`["氏名", "お名前", "名前"]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Columns {
    One(String),
    Any(Vec<String>),
}

impl Columns {
    pub fn names(&self) -> &[String] {
        match self {
            Columns::One(c) => std::slice::from_ref(c),
            Columns::Any(v) => v,
        }
    }
    fn is_alternatives(&self) -> bool {
        matches!(self, Columns::Any(v) if v.len() > 1)
    }
}

/// A field's source: one column, or a table with options.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FieldSpec {
    Column(String),
    Full(FieldDef),
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// One column, or alternatives (`["氏名", "お名前"]`): each table uses
    /// those it has, and a row takes every one of them that has a value.
    pub column: Option<Columns>,
    pub columns: Option<Vec<String>>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// How values of several columns are joined (a space for names, nothing
    /// for address parts).
    pub join: Option<String>,
    /// A record whose value is empty (or cannot be cleansed) is rejected.
    #[serde(default)]
    pub required: bool,
    /// The column may be missing from some sheets or files.
    #[serde(default)]
    pub optional: bool,
    /// The shop's own values: raw text → what it means (`"紳士" = "男"`);
    /// mapping a value to `""` makes it a null marker.
    pub values: Option<IndexMap<String, String>>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// visit or purchase.
    pub kind: Option<String>,
    /// A column or card key whose every value is one whole event written as
    /// a line, e.g. `2019.4.5 カット ¥4,400 担当:佐藤` (card 来店履歴).
    /// Alternatives (`["来店履歴", "施術履歴"]`) are all read.
    pub line: Option<Columns>,
    pub date: Option<FieldSpec>,
    pub number: Option<FieldSpec>,
    pub item: Option<FieldSpec>,
    pub quantity: Option<FieldSpec>,
    pub amount: Option<FieldSpec>,
    pub staff: Option<FieldSpec>,
    pub note: Option<FieldSpec>,
}

/// A mapping that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("cannot read mapping {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("mapping {path} is not valid: {message}")]
    Invalid { path: String, message: String },
    #[error("mapping key '{key}': column '{column}' not found in {place}{hint}{more}")]
    ColumnNotFound { key: String, column: String, place: String, hint: String, more: String },
}

impl Mapping {
    pub fn load(path: &Path) -> Result<Mapping, MappingError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| MappingError::Io { path: p.clone(), source })?;
        Mapping::parse(&text, &p)
    }

    pub fn parse(text: &str, path: &str) -> Result<Mapping, MappingError> {
        let invalid = |message: String| MappingError::Invalid { path: path.to_string(), message };
        let mut m: Mapping = toml::from_str(text).map_err(|e| invalid(e.to_string().trim().to_string()))?;
        m.hash = crate::import::hex_digest(text.as_bytes());
        m.path = path.to_string();
        if m.source.name.trim().is_empty() {
            return Err(invalid("[source] name is empty; give the source a short id such as \"store_ledger\"".into()));
        }
        for (k, spec) in &m.fields {
            let Some(field) = Field::parse(k) else {
                return Err(invalid(unknown("fields", k, Field::ALL.iter().map(|f| f.name()))));
            };
            check_spec(&format!("fields.{k}"), spec, field.default_type()).map_err(invalid)?;
        }
        for (sheet, sec) in &m.sheet {
            for (k, spec) in &sec.fields {
                let Some(field) = Field::parse(k) else {
                    return Err(invalid(unknown(&format!("sheet.\"{sheet}\".fields"), k, Field::ALL.iter().map(|f| f.name()))));
                };
                check_spec(&format!("sheet.\"{sheet}\".fields.{k}"), spec, field.default_type()).map_err(invalid)?;
            }
            if let Some(e) = &sec.event {
                if e.kind.is_some() {
                    return Err(invalid(format!(
                        "sheet.\"{sheet}\".event.kind: the event's kind is the mapping's ([event] kind), not a sheet's"
                    )));
                }
                for (f, spec) in e.specs() {
                    check_spec(&format!("sheet.\"{sheet}\".event.{}", f.name()), spec, f.default_type()).map_err(invalid)?;
                }
            }
            if sec.natural_key.iter().flatten().any(|c| c.names().iter().all(|n| n.trim().is_empty())) {
                return Err(invalid(format!("sheet.\"{sheet}\".natural_key has an empty entry")));
            }
        }
        for k in m.constants.keys() {
            if Field::parse(k).is_none() {
                return Err(invalid(unknown("constants", k, Field::ALL.iter().map(|f| f.name()))));
            }
        }
        if m.source.natural_key.iter().any(|c| c.names().iter().all(|n| n.trim().is_empty())) {
            return Err(invalid("source.natural_key has an empty entry: name a column, or alternatives [\"顧客No\", \"No.\"]".into()));
        }
        if m.event.as_ref().and_then(|e| e.line.as_ref()).is_some_and(|l| l.names().iter().all(|n| n.trim().is_empty())) {
            return Err(invalid("event.line names no card key: give line = \"来店履歴\" or line = [\"来店履歴\", \"施術履歴\"]".into()));
        }
        if let Some(e) = &m.event {
            if let Some(kind) = &e.kind {
                if kind != "visit" && kind != "purchase" {
                    return Err(invalid(format!("event.kind is '{kind}'; expected \"visit\" or \"purchase\"")));
                }
            }
            for (f, spec) in e.specs() {
                check_spec(&format!("event.{}", f.name()), spec, f.default_type()).map_err(invalid)?;
            }
        }
        if let Some(f) = &m.source.format {
            if f != "auto" && Format::parse(f).is_none() {
                return Err(invalid(format!("source.format is '{f}'; expected auto, xlsx, xlsm, xlsb, xls, ods, csv or cards")));
            }
        }
        if let Some(e) = &m.source.encoding {
            if e != "auto" && crate::import::encoding::parse_encoding(e).is_none() {
                return Err(invalid(format!("source.encoding is '{e}'; expected auto, cp932, utf-8, utf-16le, utf-16be or euc-jp")));
            }
        }
        if let Some(HeaderRow::Auto(s)) = &m.source.header_row {
            if s != "auto" {
                return Err(invalid(format!("source.header_row is '{s}'; expected \"auto\" or a row number")));
            }
        }
        if let Some(d) = &m.source.delimiter {
            parse_delimiter(d).map_err(invalid)?;
        }
        if m.fields.is_empty() && m.event.is_none() && m.sheet.values().all(|s| s.fields.is_empty()) {
            return Err(invalid("the mapping maps no field: add a [fields] table".into()));
        }
        Ok(m)
    }

    pub fn unit(&self) -> RowUnit {
        self.source.rows.unwrap_or_default()
    }

    /// How to read a file for this mapping; command-line options win.
    pub fn read_options(&self) -> ReadOptions {
        let s = &self.source;
        ReadOptions {
            format: s.format.as_deref().filter(|f| *f != "auto").and_then(Format::parse),
            encoding: s.encoding.as_deref().filter(|e| *e != "auto").and_then(crate::import::encoding::parse_encoding),
            delimiter: s.delimiter.as_deref().and_then(|d| parse_delimiter(d).ok().flatten()),
            sheets: s.sheets.clone(),
            header_row: match s.header_row {
                Some(HeaderRow::Row(r)) => Some(r),
                _ => None,
            },
        }
    }

    /// Whether a file name matches one of `[source] files`.
    pub fn matches_file(&self, name: &str) -> bool {
        self.source.files.iter().any(|p| glob_match(p, name))
    }

    /// Checks the mapping against a table and resolves column names to
    /// positions.
    pub fn resolve<'a>(&'a self, file: &str, table: &Table) -> Result<Resolved<'a>, MappingError> {
        self.resolve_one(file, table).map_err(|first| {
            // Name every other missing column too, so one round of fixes suffices.
            let MappingError::ColumnNotFound { key, column, place, hint, .. } = first else { return first };
            let mut missing = Vec::new();
            let view = self.view(Some(&table.sheet));
            for (k, group) in Mapping::all_columns(&view) {
                // (`key` may name the sheet's section: sheet."2020".fields.name.)
                if !key.ends_with(&k) && !group.iter().any(|c| table.columns.iter().any(|t| t == c)) && !Mapping::is_optional(&view, &k) {
                    missing.push(format!("{} ({k})", quoted_alternatives(&group)));
                }
            }
            let more = if missing.is_empty() { String::new() } else { format!("; also missing: {}", missing.join(", ")) };
            MappingError::ColumnNotFound { key, column, place, hint, more }
        })
    }

    /// The customer fields this mapping fills: from columns, constants, and
    /// the fields cleansing derives from them (a name's surname and given
    /// name, and the whole name from its parts; an address's prefecture,
    /// building and postal code, a postal code's prefecture).
    pub fn customer_fields(&self) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let sheet_keys = self.sheet.values().flat_map(|s| s.fields.keys());
        for f in self.fields.keys().chain(self.constants.keys()).chain(sheet_keys).filter_map(|k| Field::parse(k)) {
            if !out.contains(&f) {
                out.push(f);
            }
        }
        for f in out.clone() {
            let implied: &[Field] = match f {
                Field::Name => &[Field::FamilyName, Field::GivenName],
                Field::Kana => &[Field::FamilyKana, Field::GivenKana],
                Field::FamilyName | Field::GivenName => &[Field::Name, Field::FamilyName, Field::GivenName],
                Field::FamilyKana | Field::GivenKana => &[Field::Kana, Field::FamilyKana, Field::GivenKana],
                Field::Address => &[Field::Prefecture, Field::Address2, Field::PostalCode],
                Field::PostalCode => &[Field::Prefecture],
                _ => &[],
            };
            for i in implied {
                if !out.contains(i) {
                    out.push(*i);
                }
            }
        }
        out
    }

    /// JSON: mapping key (`fields.name`, `event.date`…) → the columns that
    /// feed it, stored with each import so every value's origin is known.
    pub fn field_columns_json(&self) -> String {
        let mut map: IndexMap<String, Vec<&str>> = IndexMap::new();
        let views = std::iter::once(self.view(None)).chain(self.sheet.keys().map(|s| self.view(Some(s))));
        for view in views {
            for (k, group) in Mapping::all_columns(&view) {
                let cols = map.entry(k).or_default();
                for c in group {
                    if !cols.contains(&c) {
                        cols.push(c);
                    }
                }
            }
        }
        serde_json::to_string(&map).unwrap_or_default()
    }

    /// A warning for each `[sheet."…"]` section naming a sheet a workbook
    /// does not have (a typo, or a sheet renamed): its columns are not
    /// used for this file.
    pub fn unused_sheet_sections(&self, file: &crate::import::SourceFile) -> Vec<Problem> {
        if !file.format.is_workbook() {
            return Vec::new();
        }
        let sheets: Vec<&str> = file.tables.iter().map(|t| t.sheet.as_str()).collect();
        self.sheet
            .keys()
            .filter(|s| !sheets.contains(&s.as_str()))
            .map(|s| {
                Problem::new(
                    Severity::Warning,
                    "mapping_sheet_not_in_file",
                    Location { file: file.name.clone(), sheet: s.clone(), row: 0, column: None },
                    format!(
                        "the mapping's section [sheet.\"{s}\"] names a sheet this file does not have (its sheets with data: {}); its columns are not used here",
                        sheets.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
                    ),
                )
            })
            .collect()
    }

    /// The mapping as a sheet sees it: its `[sheet."…"]` section, if any,
    /// over `[fields]`, `[event]` and `natural_key`.
    fn view(&self, sheet: Option<&str>) -> View<'_> {
        let sec = sheet.and_then(|s| self.sheet.get(s));
        let mut fields: Vec<(&str, &FieldSpec)> =
            self.fields.iter().map(|(k, s)| (k.as_str(), sec.and_then(|o| o.fields.get(k)).unwrap_or(s))).collect();
        let mut event: Vec<(EventField, &FieldSpec)> = self.event.iter().flat_map(|e| e.specs()).collect();
        let mut line = self.event.as_ref().and_then(|e| e.line.as_ref());
        if let Some(o) = sec {
            for (k, s) in &o.fields {
                if !self.fields.contains_key(k) {
                    fields.push((k.as_str(), s));
                }
            }
            if let Some(oe) = &o.event {
                for (f, s) in oe.specs() {
                    match event.iter_mut().find(|(g, _)| *g == f) {
                        Some(slot) => slot.1 = s,
                        None => event.push((f, s)),
                    }
                }
                line = oe.line.as_ref().or(line);
            }
        }
        let natural_key = sec.and_then(|o| o.natural_key.as_deref()).unwrap_or(&self.source.natural_key);
        View { fields, event, line, natural_key }
    }

    /// Every (mapping key, column) the mapping names, in file order; a
    /// column given with alternatives is one group (a table needs one of
    /// them).
    fn all_columns<'a>(view: &View<'a>) -> Vec<(String, Vec<&'a str>)> {
        let mut out = Vec::new();
        for (k, spec) in &view.fields {
            for group in spec.parts().0 {
                out.push((format!("fields.{k}"), group));
            }
        }
        for (f, spec) in &view.event {
            for group in spec.parts().0 {
                out.push((format!("event.{}", f.name()), group));
            }
        }
        if let Some(l) = view.line {
            out.push(("event.line".to_string(), l.names().iter().map(String::as_str).collect()));
        }
        for c in view.natural_key {
            out.push(("source.natural_key".to_string(), c.names().iter().map(String::as_str).collect()));
        }
        out
    }

    fn is_optional(view: &View<'_>, key: &str) -> bool {
        let spec = if let Some(k) = key.strip_prefix("fields.") {
            view.fields.iter().find(|(f, _)| *f == k).map(|(_, s)| *s)
        } else if let Some(k) = key.strip_prefix("event.") {
            view.event.iter().find(|(f, _)| f.name() == k).map(|(_, s)| *s)
        } else {
            None
        };
        spec.is_some_and(|s| s.parts().1.optional)
    }

    fn resolve_one<'a>(&'a self, file: &str, table: &Table) -> Result<Resolved<'a>, MappingError> {
        let place = if table.sheet.is_empty() {
            match table.header_row {
                Some(h) => format!("{file} (header on line {h})"),
                None => format!("any card of {file}"),
            }
        } else {
            format!("sheet '{}' of {file}", table.sheet)
        };
        // The positions of a group's columns this table has: one column, or
        // every alternative it has (cards: every key any card used).
        let find = |key: &str, group: &[&str], optional: bool| -> Result<Vec<usize>, MappingError> {
            let found: Vec<usize> = group.iter().filter_map(|col| table.columns.iter().position(|c| c == col)).collect();
            if !found.is_empty() || optional {
                return Ok(found);
            }
            let col = group.first().copied().unwrap_or_default();
            let hint =
                suggest(col, table.columns.iter().map(String::as_str)).map(|s| format!("; did you mean '{s}'?")).unwrap_or_else(|| {
                    let cols: Vec<&str> = table.columns.iter().map(String::as_str).take(30).collect();
                    format!("; its columns are: {}", cols.join(", "))
                });
            let hint = if group.len() > 1 {
                format!("{hint} (add this sheet's name for it to the alternatives, or give the sheet its own mapping)")
            } else {
                hint
            };
            Err(MappingError::ColumnNotFound {
                key: key.to_string(),
                column: group.join("' or '"),
                place: place.clone(),
                hint,
                more: String::new(),
            })
        };
        let resolve_spec = |key: &str, spec: &FieldSpec, default: FieldType, join: &str| -> Result<Spec, MappingError> {
            let (groups, def) = spec.parts();
            let alternatives = spec.has_alternatives();
            let mut idx = Vec::new();
            for group in groups {
                idx.extend(find(key, &group, def.optional)?);
            }
            Ok(Spec {
                declared: def.values.as_ref().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
                names: idx.iter().map(|&i| table.column_name(i)).collect(),
                alternatives: if alternatives { idx.iter().map(|&i| Arc::from([table.column_name(i)])).collect() } else { Vec::new() },
                columns: idx,
                ftype: def.kind.as_deref().and_then(FieldType::parse).unwrap_or(default),
                join: def.join.clone().unwrap_or_else(|| join.to_string()),
                required: def.required,
            })
        };
        let view = self.view(Some(&table.sheet));
        // A key from the sheet's own section is named as such in messages.
        let section = self.sheet.get(&table.sheet);
        let prefix = |own: bool| if own { format!("sheet.\"{}\".", table.sheet) } else { String::new() };
        let mut fields = Vec::new();
        for (k, spec) in &view.fields {
            let f = Field::parse(k).expect("checked at load");
            let key = format!("{}fields.{k}", prefix(section.is_some_and(|o| o.fields.contains_key(*k))));
            fields.push((f, resolve_spec(&key, spec, f.default_type(), f.default_join())?));
        }
        let mut event_fields = Vec::new();
        for (f, spec) in &view.event {
            let own = section.and_then(|o| o.event.as_ref()).is_some_and(|e| e.specs().any(|(g, _)| g == *f));
            let key = format!("{}event.{}", prefix(own), f.name());
            event_fields.push((*f, resolve_spec(&key, spec, f.default_type(), " ")?));
        }
        let mut event_line = Vec::new();
        if let Some(l) = view.line {
            let group: Vec<&str> = l.names().iter().map(String::as_str).collect();
            event_line = find("event.line", &group, false)?;
        }
        let mut natural_key = Vec::new();
        for c in view.natural_key {
            let group: Vec<&str> = c.names().iter().map(String::as_str).collect();
            // A part's alternatives this table has (a row's part is the
            // first of them with a value: cards give each typist's key).
            natural_key.push(find("source.natural_key", &group, false)?);
        }
        let constants = self.constants.iter().map(|(k, v)| (Field::parse(k).expect("checked at load"), v.clone())).collect();
        let mut uses = vec![0u8; table.columns.len()];
        let spec_columns = fields.iter().map(|(_, s)| s).chain(event_fields.iter().map(|(_, s)| s)).flat_map(|s| &s.columns);
        for c in spec_columns.chain(&event_line).chain(natural_key.iter().flatten()) {
            uses[*c] = uses[*c].saturating_add(1);
        }
        Ok(Resolved { mapping: self, uses, fields, event_fields, event_line, natural_key, constants })
    }
}

impl EventSpec {
    fn specs(&self) -> impl Iterator<Item = (EventField, &FieldSpec)> {
        [
            (EventField::Date, &self.date),
            (EventField::Number, &self.number),
            (EventField::Item, &self.item),
            (EventField::Quantity, &self.quantity),
            (EventField::Amount, &self.amount),
            (EventField::Staff, &self.staff),
            (EventField::Note, &self.note),
        ]
        .into_iter()
        .filter_map(|(f, s)| s.as_ref().map(|s| (f, s)))
    }
}

static EMPTY_DEF: FieldDef =
    FieldDef { column: None, columns: None, kind: None, join: None, required: false, optional: false, values: None };

impl FieldSpec {
    /// The spec's columns as groups: `column` is one group (one name, or
    /// its alternatives), `columns` one group per column (joined).
    fn parts(&self) -> (Vec<Vec<&str>>, &FieldDef) {
        match self {
            FieldSpec::Column(c) => (vec![vec![c.as_str()]], &EMPTY_DEF),
            FieldSpec::Full(d) => {
                let mut v: Vec<Vec<&str>> = d.column.iter().map(|c| c.names().iter().map(String::as_str).collect()).collect();
                v.extend(d.columns.iter().flatten().map(|c| vec![c.as_str()]));
                (v, d)
            }
        }
    }

    fn has_alternatives(&self) -> bool {
        matches!(self, FieldSpec::Full(FieldDef { column: Some(c), .. }) if c.is_alternatives())
    }
}

/// `'氏名'`, or `'氏名' or 'お名前'` for alternatives.
fn quoted_alternatives(group: &[&str]) -> String {
    group.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(" or ")
}

fn check_spec(key: &str, spec: &FieldSpec, _default: FieldType) -> Result<(), String> {
    let (groups, def) = spec.parts();
    if groups.is_empty() || groups.iter().any(|g| g.is_empty()) {
        return Err(format!(
            "{key} names no column: give column = \"…\", column = [\"…\", \"…\"] (alternatives) or columns = [\"…\", \"…\"] (joined)"
        ));
    }
    if def.column.is_some() && def.columns.is_some() {
        return Err(format!("{key} has both column and columns; use one"));
    }
    if let Some(t) = &def.kind {
        if FieldType::parse(t).is_none() {
            let all: Vec<&str> = FieldType::ALL.iter().map(|t| t.name()).collect();
            return Err(format!("{key}: type '{t}' is not a field type; expected one of {}", all.join(", ")));
        }
    }
    Ok(())
}

fn unknown<'a>(table: &str, key: &str, known: impl Iterator<Item = &'a str> + Clone) -> String {
    let hint = suggest(key, known.clone()).map(|s| format!("; did you mean '{s}'?")).unwrap_or_default();
    let all: Vec<&str> = known.collect();
    format!("[{table}] has no field '{key}'{hint} (fields: {})", all.join(", "))
}

fn parse_delimiter(d: &str) -> Result<Option<u8>, String> {
    match d {
        "auto" => Ok(None),
        "tab" | "\t" | "\\t" => Ok(Some(b'\t')),
        "," | "comma" => Ok(Some(b',')),
        ";" | "semicolon" => Ok(Some(b';')),
        "|" => Ok(Some(b'|')),
        other => Err(format!("source.delimiter is '{other}'; expected auto, \",\", \"tab\" or \";\"")),
    }
}

/// Parses a `--delimiter` value.
pub fn delimiter_arg(d: &str) -> Result<Option<u8>, String> {
    parse_delimiter(d)
}

/// `*` and `?` patterns on a file name.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| go(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some(c) => n.first() == Some(c) && go(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// The existing name nearest to `wanted`, compared after width folding
/// (NFKC) and case folding, so `ﾌﾘｶﾞﾅ` is suggested for `フリガナ`.
pub fn suggest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let fold = |s: &str| -> Vec<char> { crate::cleanse::label_key(s).chars().collect() };
    let w = fold(wanted);
    let mut best: Option<(&str, f64)> = None;
    for n in names {
        let f = fold(n);
        let dist = strsim::generic_levenshtein(&w, &f);
        let longest = w.len().max(f.len()).max(1);
        let mut score = 1.0 - dist as f64 / longest as f64;
        if !w.is_empty() && !f.is_empty() && (contains(&f, &w) || contains(&w, &f)) {
            score = score.max(0.6);
        }
        if score >= 0.5 && best.is_none_or(|(_, b)| score > b) {
            best = Some((n, score));
        }
    }
    best.map(|b| b.0)
}

fn contains(hay: &[char], needle: &[char]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A field's columns resolved against one table.
#[derive(Debug, Clone)]
pub struct Spec {
    pub columns: Vec<usize>,
    /// The columns' names, shared by every value this spec makes.
    pub names: Arc<[String]>,
    /// For a column given with alternatives: each column's own name (a
    /// value names the one column it came from); empty otherwise.
    pub alternatives: Vec<Arc<[String]>>,
    /// Values the mapping declares (raw → meaning).
    pub declared: Option<Arc<[(String, String)]>>,
    pub ftype: FieldType,
    pub join: String,
    pub required: bool,
}

/// A mapping checked against one table, ready to turn rows into records.
#[derive(Debug)]
pub struct Resolved<'a> {
    pub mapping: &'a Mapping,
    /// How many values each column feeds; a column that feeds one value
    /// gives it its text instead of a copy.
    uses: Vec<u8>,
    pub fields: Vec<(Field, Spec)>,
    pub event_fields: Vec<(EventField, Spec)>,
    pub event_line: Vec<usize>,
    /// Per part of the natural key, its columns (alternatives) in this table.
    pub natural_key: Vec<Vec<usize>>,
    pub constants: Vec<(Field, String)>,
}

/// One value of a record before and after cleansing.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What the source said (cells joined when several columns feed it).
    pub raw: String,
    /// The columns it came from (empty for a constant).
    pub columns: Arc<[String]>,
    /// The cell's type when one cell feeds it (a phone stored as a number).
    pub cell: CellKind,
    pub ftype: FieldType,
    /// The display value (set by cleansing; `None` when empty or unusable).
    pub value: Option<String>,
    /// The matching key (set by cleansing).
    pub key: Option<String>,
    /// Values cleansing derived (see `cleanse::Normalized::extra`).
    pub extra: Vec<(&'static str, String)>,
    /// Values the mapping declares for this field (raw → meaning).
    pub declared: Option<Arc<[(String, String)]>>,
}

/// An event (a visit or a purchase) of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// "visit" or "purchase".
    pub kind: &'static str,
    pub values: Vec<(EventField, Value)>,
    /// The whole line, for events written as one line on a card.
    pub line: Option<String>,
}

impl Event {
    pub fn get(&self, f: EventField) -> Option<&Value> {
        self.values.iter().find(|(g, _)| *g == f).map(|(_, v)| v)
    }
}

/// What became of a source row.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// A customer record.
    Active,
    /// Kept but not a customer (a footer, a row that maps to nothing).
    Skipped(String),
    /// Kept but unusable (a required field is missing or invalid).
    Rejected(String),
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Skipped(_) => "skipped",
            Status::Rejected(_) => "rejected",
        }
    }
    pub fn reason(&self) -> Option<&str> {
        match self {
            Status::Active => None,
            Status::Skipped(r) | Status::Rejected(r) => Some(r),
        }
    }
}

/// One source row, mapped: every value raw and (after cleansing)
/// normalised, its event, its raw cells, its identity.
#[derive(Debug, Clone)]
pub struct Record {
    pub sheet: String,
    pub row: u64,
    pub status: Status,
    pub values: Vec<(Field, Value)>,
    pub events: Vec<Event>,
    /// The raw cells as a JSON object keyed by the source's own column
    /// names (empty cells left out); a repeated card key gives an array.
    pub raw: String,
    /// The natural key's values, when the mapping has one and the row has it.
    pub natural_key: Option<String>,
    /// A hash of the raw cells (not the row number): the row's content.
    pub row_hash: i64,
    pub problems: Vec<Problem>,
}

impl Record {
    /// The first value of a field.
    pub fn get(&self, f: Field) -> Option<&Value> {
        self.values.iter().find(|(g, _)| *g == f).map(|(_, v)| v)
    }
}

impl Resolved<'_> {
    /// Turns one source row into a record (values raw; cleansing comes next).
    pub fn apply(&self, table: &Table, mut row: SourceRow, file: &str) -> Record {
        let raw = raw_json(table, &row);
        // A footer's label is often in the row's first cell (合計 under
        // 伝票番号): kept when it may be one (checked below, only for a row
        // with no contact field).
        let first_label = row.cells.iter().find(|c| !c.is_empty()).and_then(|c| match c {
            CellValue::Text(t) if t.trim_start().starts_with(FOOTER_STARTS) => Some(t.clone()),
            _ => None,
        });
        // A second header inside the data: two exports joined together.
        // (Runs on every row: compares text without copying it.)
        let is_header_cell = |i: usize, c: &CellValue| match c {
            CellValue::Empty => true,
            CellValue::Text(s) => table.columns.get(i).is_some_and(|h| {
                let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
                t.is_empty() || t == h || (t.contains(['\n', '\r', '\u{200B}']) && crate::import::clean_header(s) == *h)
            }),
            _ => false,
        };
        let repeats_header = !table.columns.is_empty()
            && row.repeats.is_empty()
            && row.cells.iter().enumerate().all(|(i, c)| is_header_cell(i, c))
            && row.cells.iter().filter(|c| !c.is_empty()).count() >= 2.min(table.columns.len());

        let digest = Sha256::digest(raw.as_bytes());
        let row_hash = i64::from_le_bytes(digest[..8].try_into().expect("8 bytes"));

        let mut values = Vec::new();
        let natural_key = if self.natural_key.is_empty() {
            None
        } else {
            let parts: Vec<String> = self
                .natural_key
                .iter()
                .map(|part| {
                    part.iter()
                        .map(|&i| row.cells.get(i).map(|c| c.text().trim().to_string()).unwrap_or_default())
                        .find(|t| !t.is_empty())
                        .unwrap_or_default()
                })
                .collect();
            if parts.iter().all(|p| p.is_empty()) {
                None
            } else {
                Some(parts.join("\u{1f}"))
            }
        };
        for (f, spec) in &self.fields {
            let repeated = matches!(spec.columns[..], [c] if row.repeats.iter().any(|(j, _)| *j == c));
            if !spec.alternatives.is_empty() {
                // Alternatives: every one this row has a value in, each
                // value naming its own column (氏名 on one card, お名前 on
                // the next).
                for (&c, names) in spec.columns.iter().zip(&spec.alternatives) {
                    for v in row.values(c) {
                        if !v.is_empty() {
                            let mut value = one_value(spec, v);
                            value.columns = names.clone();
                            values.push((*f, value));
                        }
                    }
                }
            } else if repeated {
                let c = spec.columns[0];
                // A card key may repeat (two 電話 lines); every value is kept.
                for v in row.values(c) {
                    if !v.is_empty() || values.iter().all(|(g, _)| g != f) {
                        values.push((*f, one_value(spec, v)));
                    }
                }
            } else {
                values.push((*f, self.value_of(spec, &mut row)));
            }
        }
        values.retain(|(_, v)| !v.raw.trim().is_empty());
        for (f, c) in &self.constants {
            values.push((
                *f,
                Value {
                    raw: c.clone(),
                    columns: Arc::from([]),
                    cell: CellKind::Text,
                    ftype: f.default_type(),
                    value: None,
                    key: None,
                    extra: Vec::new(),
                    declared: None,
                },
            ));
        }

        let kind = self.event_kind();
        let mut events = Vec::new();
        let ev: Vec<(EventField, Value)> = self
            .event_fields
            .iter()
            .map(|(f, spec)| (*f, self.value_of(spec, &mut row)))
            .filter(|(_, v)| !v.raw.trim().is_empty())
            .collect();
        if !ev.is_empty() {
            events.push(Event { kind, values: ev, line: None });
        }
        for &li in &self.event_line {
            for v in row.values(li) {
                let line = v.text();
                if !line.trim().is_empty() {
                    events.push(split_event_line(kind, &line, &table.column_name(li)));
                }
            }
        }

        let mut problems = row.problems;
        let personal = values.iter().any(|(f, _)| f.is_personal());
        let has_no = values.iter().any(|(f, _)| *f == Field::CustomerNo);
        let status = if repeats_header {
            Status::Skipped("repeats the header row (several exports joined into one file?)".into())
        } else if table.header_row.is_some() && is_footer(&values, first_label.as_deref()) {
            Status::Skipped(FOOTER_REASON.into())
        } else if personal || (has_no && !events.is_empty()) {
            Status::Active
        } else if values.iter().all(|(_, v)| v.columns.is_empty()) && events.is_empty() {
            Status::Skipped("no mapped column has a value".into())
        } else {
            Status::Skipped("no name, kana, phone or email (and no customer number with an event): not a customer row".into())
        };
        if !self.natural_key.is_empty() && natural_key.is_none() && status == Status::Active {
            problems.push(Problem::new(
                Severity::Warning,
                "natural_key_missing",
                Location {
                    file: file.to_string(),
                    sheet: table.sheet.clone(),
                    row: row.row,
                    column: Some(
                        self.natural_key
                            .iter()
                            .map(|part| part.iter().map(|&i| table.column_name(i)).collect::<Vec<_>>().join("|"))
                            .collect::<Vec<_>>()
                            .join("+"),
                    ),
                },
                "the natural key is empty on this row; its identity falls back to a fingerprint of its content",
            ));
        }
        Record { sheet: table.sheet.clone(), row: row.row, status, values, events, raw, natural_key, row_hash, problems }
    }

    /// A spec's value from a row; the cell's text is moved out when no other
    /// value needs that column.
    fn value_of(&self, spec: &Spec, row: &mut SourceRow) -> Value {
        if !spec.alternatives.is_empty() {
            // Alternatives of an event field: the first with a value.
            let hit = spec
                .columns
                .iter()
                .zip(&spec.alternatives)
                .find_map(|(&c, names)| row.cells.get(c).filter(|v| !v.text().trim().is_empty()).map(|v| (v.clone(), names.clone())));
            return match hit {
                Some((v, names)) => Value { columns: names, ..one_value(spec, &v) },
                None => one_value(spec, &CellValue::Empty),
            };
        }
        let [c] = spec.columns[..] else {
            return joined_value(spec, row);
        };
        let Some(cell) = row.cells.get_mut(c) else {
            return one_value(spec, &CellValue::Empty);
        };
        let kind = cell.kind();
        let raw = if self.uses.get(c).copied().unwrap_or(0) <= 1 { std::mem::take(cell).into_text() } else { cell.text() };
        Value {
            raw,
            columns: spec.names.clone(),
            cell: kind,
            ftype: spec.ftype,
            value: None,
            key: None,
            extra: Vec::new(),
            declared: spec.declared.clone(),
        }
    }

    /// The mapping's event kind (checked at load: visit or purchase).
    fn event_kind(&self) -> &'static str {
        match self.mapping.event.as_ref().and_then(|e| e.kind.as_deref()) {
            Some("purchase") => "purchase",
            _ => "visit",
        }
    }

    /// Required fields of the mapping.
    pub fn required(&self) -> impl Iterator<Item = Field> + '_ {
        self.fields.iter().filter(|(_, s)| s.required).map(|(f, _)| *f)
    }
}

/// Why a footer row is skipped (stored with the record).
pub const FOOTER_REASON: &str =
    "a footer row (a count or total such as 以上 38名 or 合計 in the name or the first column, and no phone, e-mail, birth date, kana or address): not a customer";

/// Words a footer row's label starts with (compared after NFKC, lower case,
/// spaces removed).
const FOOTER_WORDS: &[&str] =
    &["以上", "以下余白", "合計", "総計", "小計", "累計", "総数", "件数", "人数", "会員数", "顧客数", "計", "total", "subtotal", "sum"];

/// Units a footer's count may end with.
const FOOTER_UNITS: &[&str] = &["名様", "名", "件", "人", "行", "様", "円"];

/// Fields a customer row has and a footer row does not.
const CONTACT_FIELDS: &[Field] = &[
    Field::Phone,
    Field::Mobile,
    Field::Phone2,
    Field::Email,
    Field::BirthDate,
    Field::Kana,
    Field::FamilyKana,
    Field::GivenKana,
    Field::PostalCode,
    Field::Address,
];

/// A table's footer (`以上　38名`, `合計`, `計 38件`, `38名` where a name
/// would be, or a footer word in the row's first cell): a name value or
/// first cell that is a footer label, and none of the values a customer
/// row carries (phone, e-mail, birth date, kana, address).
fn is_footer(values: &[(Field, Value)], first_cell: Option<&str>) -> bool {
    let named = |f: &Field| matches!(f, Field::Name | Field::FamilyName | Field::GivenName | Field::CustomerNo);
    !values.iter().any(|(f, _)| CONTACT_FIELDS.contains(f))
        && (values.iter().any(|(f, v)| named(f) && is_footer_label(&v.raw)) || first_cell.is_some_and(is_footer_label))
}

/// The characters a footer label in a row's first cell can start with
/// (a cheap test on every row before the real one).
const FOOTER_STARTS: &[char] = &[
    '以', '合', '総', '小', '累', '件', '人', '会', '顧', '計', 'T', 't', 'S', 's', 'Ｔ', 'ｔ', 'Ｓ', 'ｓ', '【', '[', '［', '(', '（',
    '<', '〈', '《', '*', '＊', '※', '■', '●', '◆',
];

/// Whether a cell's text is a footer label: a footer word, alone or with a
/// count (`以上 38名`, `合計：12件`, `【計】`), or a count alone (`38名`).
pub fn is_footer_label(text: &str) -> bool {
    let t: String = crate::cleanse::label_key(text)
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '【' | '】' | '[' | ']' | '(' | ')' | '「' | '」' | '<' | '>' | '〈' | '〉' | '《' | '》' | '*' | '※' | '■' | '●' | '◆'
            )
        })
        .collect();
    if t.is_empty() {
        return false;
    }
    let is_count = |rest: &str| {
        let rest = rest.trim_start_matches([':', '=', '-', '・', '、', ',', '.']);
        let unitless = FOOTER_UNITS.iter().find_map(|u| rest.strip_suffix(u)).unwrap_or(rest);
        unitless.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.' || c == '¥' || c == '\\')
    };
    match FOOTER_WORDS.iter().find_map(|w| t.strip_prefix(w)) {
        Some(rest) => is_count(rest),
        None => {
            let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
            digits > 0 && FOOTER_UNITS[..5].iter().any(|u| &t[digits..] == *u)
        }
    }
}

/// The row's raw cells as a JSON object, written directly (this runs for
/// every row of a million-row file): text as strings, numbers as numbers,
/// dates as `{"date", "serial"}`, error cells as `{"error"}`; a column with
/// several values (a repeated card key) as an array.
fn raw_json(table: &Table, row: &SourceRow) -> String {
    let mut out = String::with_capacity(32 * row.cells.len() + 2);
    out.push('{');
    let mut first = true;
    let mut put_key = |out: &mut String, i: usize| {
        if !first {
            out.push(',');
        }
        first = false;
        match table.columns.get(i) {
            Some(name) => push_json_str(out, name),
            None => push_json_str(out, &table.column_name(i)),
        }
        out.push(':');
    };
    for (i, c) in row.cells.iter().enumerate() {
        let extra: Vec<&CellValue> = row.repeats.iter().filter(|(j, _)| *j == i).map(|(_, v)| v).collect();
        if extra.is_empty() {
            if !c.is_empty() {
                put_key(&mut out, i);
                push_cell_json(&mut out, c);
            }
        } else {
            put_key(&mut out, i);
            out.push('[');
            for (k, v) in std::iter::once(c).chain(extra).enumerate() {
                if k > 0 {
                    out.push(',');
                }
                push_cell_json(&mut out, v);
            }
            out.push(']');
        }
    }
    for (i, c) in &row.repeats {
        if *i >= row.cells.len() {
            put_key(&mut out, *i);
            push_cell_json(&mut out, c);
        }
    }
    out.push('}');
    out
}

fn push_cell_json(out: &mut String, c: &CellValue) {
    match c {
        CellValue::Text(s) => push_json_str(out, s),
        CellValue::Empty => out.push_str("null"),
        other => out.push_str(&other.to_json().to_string()),
    }
}

/// Appends `s` as a JSON string literal.
pub fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if b == b'"' || b == b'\\' || b < 0x20 {
            out.push_str(&s[start..i]);
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                c => {
                    use std::fmt::Write as _;
                    let _ = write!(out, "\\u{:04x}", c);
                }
            }
            start = i + 1;
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn one_value(spec: &Spec, v: &CellValue) -> Value {
    Value {
        raw: v.text(),
        columns: spec.names.clone(),
        cell: v.kind(),
        ftype: spec.ftype,
        value: None,
        key: None,
        extra: Vec::new(),
        declared: spec.declared.clone(),
    }
}

fn joined_value(spec: &Spec, row: &SourceRow) -> Value {
    if let [c] = spec.columns[..] {
        return one_value(spec, row.cells.get(c).unwrap_or(&CellValue::Empty));
    }
    let mut raw = String::new();
    for &c in &spec.columns {
        let t = row.cells.get(c).map(CellValue::text).unwrap_or_default();
        if !t.trim().is_empty() {
            if !raw.is_empty() {
                raw.push_str(&spec.join);
            }
            raw.push_str(&t);
        }
    }
    Value {
        raw,
        columns: spec.names.clone(),
        cell: CellKind::Text,
        ftype: spec.ftype,
        value: None,
        key: None,
        extra: Vec::new(),
        declared: spec.declared.clone(),
    }
}

/// Splits a visit line such as `2019.4.5 カット・カラー ¥9,900 担当:佐藤` into
/// date, item, amount and staff. What cannot be placed stays in the item;
/// the whole line is kept as written.
pub fn split_event_line(kind: &'static str, line: &str, column: &str) -> Event {
    let columns: Arc<[String]> = Arc::from([column.to_string()]);
    let mk = |raw: String, ftype| Value {
        raw,
        columns: columns.clone(),
        cell: CellKind::Text,
        ftype,
        value: None,
        key: None,
        extra: Vec::new(),
        declared: None,
    };
    let mut values = Vec::new();
    let mut rest: Vec<&str> = line.split(|c: char| c.is_whitespace() || c == '\u{3000}').filter(|t| !t.is_empty()).collect();
    if let Some(first) = rest.first() {
        if first.chars().next().is_some_and(|c| c.is_ascii_digit() || "０１２３４５６７８９明大昭平令MTSHRmtshrＭＴＳＨＲ".contains(c))
            && first.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        {
            values.push((EventField::Date, mk(first.to_string(), FieldType::Date)));
            rest.remove(0);
        }
    }
    let mut item = Vec::new();
    for t in rest {
        let staff = ["担当:", "担当：", "担当"].iter().find_map(|p| t.strip_prefix(p)).filter(|s| !s.is_empty());
        if let Some(s) = staff {
            values.push((EventField::Staff, mk(s.to_string(), FieldType::Text)));
        } else if t.starts_with(['¥', '￥', '\\'])
            || (t.ends_with('円') && t.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)))
        {
            values.push((EventField::Amount, mk(t.to_string(), FieldType::Amount)));
        } else {
            item.push(t);
        }
    }
    if !item.is_empty() {
        values.push((EventField::Item, mk(item.join(" "), FieldType::Text)));
    }
    Event { kind, values, line: Some(line.to_string()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_width_variants() {
        let cols = ["顧客No", "氏名", "ﾌﾘｶﾞﾅ", "電話番号"];
        assert_eq!(suggest("フリガナ", cols.iter().copied()), Some("ﾌﾘｶﾞﾅ"));
        assert_eq!(suggest("電話", cols.iter().copied()), Some("電話番号"));
        assert_eq!(suggest("メール", cols.iter().copied()), None);
    }

    #[test]
    fn alternatives_parse_and_empty_ones_are_refused() {
        let m = Mapping::parse(
            "[source]\nname='x'\nnatural_key=[[\"顧客No\",\"No.\"]]\n[fields]\nname={column=[\"氏名\",\"お名前\"]}\n[event]\nline=[\"来店履歴\",\"施術履歴\"]\n",
            "m.toml",
        )
        .unwrap();
        assert_eq!(m.source.natural_key[0].names(), ["顧客No", "No."]);
        assert!(m.fields["name"].has_alternatives());
        assert_eq!(
            m.field_columns_json(),
            r#"{"fields.name":["氏名","お名前"],"event.line":["来店履歴","施術履歴"],"source.natural_key":["顧客No","No."]}"#
        );
        for bad in ["natural_key=[[]]\n[fields]\nname='氏名'", "[fields]\nname={column=[]}", "[fields]\nname='氏名'\n[event]\nline=[]"]
        {
            let e = Mapping::parse(&format!("[source]\nname='x'\n{bad}\n"), "m.toml").unwrap_err().to_string();
            assert!(e.contains("names no") || e.contains("empty entry"), "{bad}: {e}");
        }
    }

    #[test]
    fn footer_labels() {
        for f in ["以上　38名", "以上", "合計", "計 38件", "【合計】", "総計：1,234円", "38名", "計38人", "Total", "以上 38 名"]
        {
            assert!(is_footer_label(f), "{f}");
        }
        for n in ["計良 太郎", "以上寺 花子", "山田 太郎", "合田 計", "38", "No.38", ""] {
            assert!(!is_footer_label(n), "{n}");
        }
    }

    #[test]
    fn globs() {
        assert!(glob_match("sakura_*.xlsx", "sakura_ledger.xlsx"));
        assert!(!glob_match("sakura_*.xlsx", "sakura_ledger.xls"));
        assert!(glob_match("pos_????.csv", "pos_2024.csv"));
    }

    #[test]
    fn visit_lines() {
        let e = split_event_line("visit", "2019.4.5 カット・カラー ¥9,900 担当:佐藤", "来店履歴");
        let g = |f| e.get(f).map(|v| v.raw.clone());
        assert_eq!(g(EventField::Date).as_deref(), Some("2019.4.5"));
        assert_eq!(g(EventField::Item).as_deref(), Some("カット・カラー"));
        assert_eq!(g(EventField::Amount).as_deref(), Some("¥9,900"));
        assert_eq!(g(EventField::Staff).as_deref(), Some("佐藤"));
    }

    #[test]
    fn rejects_unknown_fields_with_a_hint() {
        let e = Mapping::parse("[source]\nname='x'\n[fields]\nphon = '電話'\n", "m.toml").unwrap_err().to_string();
        assert!(e.contains("did you mean 'phone'"), "{e}");
        let e = Mapping::parse("[source]\nname='x'\nbogus=1\n[fields]\nphone = '電話'\n", "m.toml").unwrap_err().to_string();
        assert!(e.contains("bogus"), "{e}");
    }
}
