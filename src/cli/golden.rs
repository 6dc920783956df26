//! `karte golden set | unset | list`: golden values a person pins. A pin
//! wins over every source value on every night, survives re-imports and
//! merges, and is validated and normalised like an imported value of its
//! field (see `store::golden`).

use super::outln;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::mapping::{Field, FieldType};
use crate::model::Severity;
use crate::store::golden as pins;

#[derive(Debug, Args)]
pub struct GoldenArgs {
    #[command(subcommand)]
    command: GoldenCommand,
}

#[derive(Debug, Subcommand)]
enum GoldenCommand {
    /// Pin a golden value: it wins over every source value on every night.
    ///
    /// CUSTOMER is a karte number (K000042) or a customer id; FIELD a field
    /// name (name, mobile, address…) or its Japanese label (氏名, 携帯, 住所…).
    /// The value is checked and normalised like an imported one: a value
    /// karte cannot read as that field is refused.
    Set {
        /// The karte database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        #[arg(value_name = "CUSTOMER")]
        customer: String,
        #[arg(value_name = "FIELD")]
        field: String,
        #[arg(value_name = "VALUE")]
        value: String,
    },
    /// Take a pin back: the field is chosen from the records again.
    Unset {
        /// The karte database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        #[arg(value_name = "CUSTOMER")]
        customer: String,
        #[arg(value_name = "FIELD")]
        field: String,
    },
    /// List every pin: customer, field, value, when (prints the values).
    List {
        /// The karte database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
    },
}

/// Fields a person can pin, with their Japanese labels (as `show` and the
/// exports write them).
pub(crate) const PINNABLE: &[(Field, &str)] = &[
    (Field::Name, "氏名"),
    (Field::FamilyName, "姓"),
    (Field::GivenName, "名"),
    (Field::Kana, "フリガナ"),
    (Field::FamilyKana, "セイ"),
    (Field::GivenKana, "メイ"),
    (Field::Gender, "性別"),
    (Field::BirthDate, "生年月日"),
    (Field::Mobile, "携帯"),
    (Field::Phone, "電話"),
    (Field::Phone2, "電話2"),
    (Field::Email, "メール"),
    (Field::PostalCode, "郵便番号"),
    (Field::Prefecture, "都道府県"),
    (Field::Address, "住所"),
    (Field::Address2, "建物・部屋"),
    (Field::Store, "店舗"),
    (Field::FirstVisit, "初回来店"),
    (Field::Note, "備考"),
];

fn field_arg(s: &str) -> Result<Field> {
    let t = s.trim();
    if let Some((f, _)) = PINNABLE.iter().find(|(f, l)| f.name() == t || *l == t) {
        return Ok(*f);
    }
    if matches!(t, "customer_no" | "顧客番号") {
        return Err(super::UsageError(
            "the customer number cannot be pinned: 顧客番号 is the karte number karte gives each customer, and each source's own number stays the source's".to_string(),
        )
        .into());
    }
    let names: Vec<String> = PINNABLE.iter().map(|(f, l)| format!("{} ({l})", f.name())).collect();
    Err(super::UsageError(format!("unknown field '{t}'; expected one of: {}", names.join(", "))).into())
}

/// The label of a field name, for messages and reports.
pub(crate) fn label(field: &str) -> &str {
    PINNABLE.iter().find(|(f, _)| f.name() == field).map(|(_, l)| *l).unwrap_or(field)
}

/// Checks and normalises a value as an import would. Returns the value as
/// shown and the golden columns it implies (JSON), or why it is refused.
fn normalise(field: Field, raw: &str) -> Result<(String, Option<String>), String> {
    let ftype = field.default_type();
    let role = match field {
        Field::BirthDate => crate::cleanse::Role::BirthDate,
        Field::FirstVisit => crate::cleanse::Role::EventDate,
        Field::Address2 => crate::cleanse::Role::Building,
        _ => crate::cleanse::Role::Other,
    };
    let ctx = crate::cleanse::Context { role, ..Default::default() };
    let n = crate::cleanse::normalize(ftype, raw, crate::model::CellKind::Text, &ctx);
    // An address karte does not recognise is still what the person typed:
    // kept with its warnings said. Any other value must be one an import
    // would use as it is.
    let blocking: Vec<&str> = n
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Reject || (p.severity == Severity::Warning && ftype != FieldType::Address))
        .map(|p| p.message.as_str())
        .collect();
    let Some(value) = n.value.clone().filter(|_| blocking.is_empty()) else {
        let why = if blocking.is_empty() { "it is empty or means no value".to_string() } else { blocking.join("; ") };
        return Err(format!("the value is not a usable {} ({}): {why}", field.name(), ftype.name()));
    };
    if field == Field::Mobile && n.extra.iter().any(|(k, v)| *k == "kind" && v != "mobile") {
        return Err("the value is not a mobile number (070/080/090…): pin it as phone (電話) instead".to_string());
    }
    let get = |k: &str| n.extra.iter().find(|(x, _)| *x == k).map(|(_, v)| v.clone());
    let derived = match field {
        Field::Name => Some(serde_json::json!({"family_name": get("family"), "given_name": get("given")})),
        Field::Kana => Some(serde_json::json!({"family_kana": get("family"), "given_kana": get("given")})),
        _ => None,
    };
    Ok((value, derived.map(|d| d.to_string())))
}

pub fn run(a: GoldenArgs) -> Result<i32> {
    match a.command {
        GoldenCommand::Set { db, customer, field, value } => {
            let field = field_arg(&field)?;
            let mut store = super::open_writer(&db, "golden set", 0, false)?;
            let live = live(&store.conn, &customer)?;
            let (shown, derived) = match normalise(field, &value) {
                Ok(v) => v,
                Err(why) => {
                    return Err(super::UsageError(format!("refused: {} of customer {customer}: {why}", label(field.name()))).into());
                }
            };
            let tx = store.conn.transaction()?;
            pins::set_pin(&tx, live, field, &shown, &value, derived.as_deref())?;
            crate::dedup::golden::update(&tx, &[live], false)?;
            crate::store::bump_generation(&tx)?;
            tx.commit()?;
            let no = pins::karte_no(&store.conn, live)?.map(|n| format!(" ({})", pins::karte_no_text(n))).unwrap_or_default();
            outln!("karte golden: {} of customer {live}{no} pinned; it wins over every source value from now on", label(field.name()));
            Ok(0)
        }
        GoldenCommand::Unset { db, customer, field } => {
            let field = field_arg(&field)?;
            let mut store = super::open_writer(&db, "golden unset", 0, false)?;
            let live = live(&store.conn, &customer)?;
            let tx = store.conn.transaction()?;
            let n = pins::unset_pin(&tx, live, field)?;
            if n == 0 {
                eprintln!("karte golden: customer {live} has no pin on {}", label(field.name()));
                return Ok(1);
            }
            crate::dedup::golden::update(&tx, &[live], false)?;
            crate::store::bump_generation(&tx)?;
            tx.commit()?;
            outln!(
                "karte golden: the pin on {} of customer {live} taken back; the field is chosen from the records again",
                label(field.name())
            );
            Ok(0)
        }
        GoldenCommand::List { db } => {
            if !db.exists() {
                anyhow::bail!("there is no karte database {}", db.display());
            }
            let store = crate::store::Store::open(&db)?;
            let eff = pins::effective_pins(&store.conn)?;
            let all = pins::pins(&store.conn)?;
            if all.is_empty() {
                outln!("no pinned values");
                return Ok(0);
            }
            for ((live, field), (pin, lost)) in &eff {
                let no = pins::karte_no(&store.conn, *live)?.map(pins::karte_no_text).unwrap_or_else(|| "-".to_string());
                let from =
                    if pin.customer != *live { format!(" (pinned on customer {}, merged into it)", pin.customer) } else { String::new() };
                outln!("{no}  customer {live}  {}: {}  ← pinned by a person, {}{from}", label(field), pin.value, pin.pinned_at);
                for l in lost {
                    outln!("    overridden: {} pinned on customer {} ({}), kept for an unmerge", l.value, l.customer, l.pinned_at);
                }
            }
            let orphans = all.len() - eff.values().map(|(_, l)| 1 + l.len()).sum::<usize>();
            if orphans > 0 {
                outln!("{orphans} pin(s) of customers that no longer exist");
            }
            Ok(0)
        }
    }
}

fn live(conn: &rusqlite::Connection, customer: &str) -> Result<i64> {
    let id = pins::customer_ref(conn, customer)?;
    pins::live_customer(conn, id)?.ok_or_else(|| anyhow::anyhow!("there is no customer {customer}"))
}
