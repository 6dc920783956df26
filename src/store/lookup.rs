//! Finding customers for `karte show`: by a phone's key, by name or
//! reading, and the one-line summary of a customer in a list.

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension};

/// Live customers with this phone key in any phone field of an active
/// record, by id.
pub fn customers_by_phone_key(conn: &Connection, key: &str) -> Result<Vec<i64>> {
    let mut st = conn.prepare(
        "SELECT DISTINCT customer_id FROM records WHERE status = 'active' AND (phone_key = ?1 OR mobile_key = ?1 OR phone2_key = ?1)
         ORDER BY customer_id",
    )?;
    let ids = st.query_map([key], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
    Ok(ids)
}

/// A name as stored on an active record, for a name search.
pub struct NameRow {
    pub customer: i64,
    pub name: Option<String>,
    pub name_key: Option<String>,
    pub kana: Option<String>,
}

/// Calls `each` with the names and readings of every active record that
/// has either, one (customer, name, reading) once.
pub fn for_each_name(conn: &Connection, each: &mut dyn FnMut(NameRow)) -> Result<()> {
    let mut st = conn.prepare(
        "SELECT DISTINCT customer_id, name, name_key, kana FROM records
         WHERE status = 'active' AND customer_id IS NOT NULL AND (name_key IS NOT NULL OR kana IS NOT NULL)",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        each(NameRow { customer: r.get(0)?, name: r.get(1)?, name_key: r.get(2)?, kana: r.get(3)? });
    }
    Ok(())
}

/// A customer in one line: golden name, reading, birth date and phone.
pub fn customer_line(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT coalesce(name, '') || '  ' || coalesce(kana, '') || '  ' || coalesce(birth_date, '') || '  ' || coalesce(mobile, phone, '')
             FROM golden WHERE customer_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}
