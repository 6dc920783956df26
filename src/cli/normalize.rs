//! `karte normalize`: what the cleansing stage does to a value.

use std::io::{BufRead, Write};

use anyhow::{bail, Result};
use clap::Args;

use crate::cleanse::{self, Context, Role};
use crate::mapping::FieldType;
use crate::model::CellKind;

#[derive(Debug, Args)]
pub struct NormalizeArgs {
    /// The field type: name, kana, phone, postal_code, address, date, gender, email, amount, text.
    #[arg(long = "type", value_name = "TYPE")]
    ftype: String,
    /// Treat values as numbers stored in a spreadsheet cell (a phone or postal
    /// code that lost its leading zero).
    #[arg(long)]
    number_cell: bool,
    /// For dates: birth (no future dates, month/day without a year allowed) or event; for
    /// addresses: building (the second address line, address2).
    #[arg(long, value_name = "ROLE")]
    role: Option<String>,
    /// The shop's area code, for local phone numbers written without one.
    #[arg(long, value_name = "CODE")]
    area_code: Option<String>,
    /// One JSON object per line: type, raw, value, key, extra, problems.
    #[arg(long)]
    pub(super) json: bool,
    /// The values; read from standard input, one per line, when none are given.
    #[arg(value_name = "VALUE")]
    values: Vec<String>,
}

pub fn run(a: NormalizeArgs) -> Result<i32> {
    let Some(ftype) = FieldType::parse(&a.ftype) else {
        let all: Vec<&str> = FieldType::ALL.iter().map(|t| t.name()).collect();
        bail!("unknown type '{}'; expected one of {}", a.ftype, all.join(", "));
    };
    let role = match a.role.as_deref() {
        None => Role::Other,
        Some("birth" | "birth_date") => Role::BirthDate,
        Some("event" | "event_date" | "visit") => Role::EventDate,
        Some("building" | "address2") => Role::Building,
        Some(other) => bail!("unknown role '{other}'; expected birth, event or building"),
    };
    let ctx = Context { role, area_code: a.area_code.clone(), ..Context::default() };
    let cell = if a.number_cell { CellKind::Number } else { CellKind::Text };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut one = |raw: &str| -> Result<()> {
        let n = cleanse::normalize(ftype, raw, cell, &ctx);
        if a.json {
            let problems: Vec<serde_json::Value> = n
                .problems
                .iter()
                .map(|p| serde_json::json!({"code": p.code, "severity": p.severity.as_str(), "message": p.message}))
                .collect();
            let extra: serde_json::Map<String, serde_json::Value> =
                n.extra.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone()))).collect();
            let obj =
                serde_json::json!({"type": ftype.name(), "raw": raw, "value": n.value, "key": n.key, "extra": extra, "problems": problems});
            writeln!(out, "{obj}")?;
        } else {
            let value = n.value.as_deref().unwrap_or("(empty)");
            let key = n.key.as_deref().unwrap_or("-");
            let mut line = format!("{raw}\t→ {value}\tkey {key}");
            if !n.extra.is_empty() {
                let extra: Vec<String> = n.extra.iter().map(|(k, v)| format!("{k}={v}")).collect();
                line.push_str(&format!("\t[{}]", extra.join(", ")));
            }
            for p in &n.problems {
                line.push_str(&format!("\t{} {}: {}", p.severity.as_str(), p.code, p.message));
            }
            writeln!(out, "{line}")?;
        }
        Ok(())
    };
    if a.values.is_empty() {
        for line in std::io::stdin().lock().lines() {
            let line = line?;
            one(line.trim_end_matches('\r'))?;
        }
    } else {
        for v in &a.values {
            one(v)?;
        }
    }
    out.flush()?;
    Ok(0)
}
