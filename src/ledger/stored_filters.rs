//! The Bloom filters of the ledger's keys (`filter`) as the ledger stores them: one per
//! segment and kind, written with the segment and never changed (a segment's keys never
//! change), named `<kind>/<segment>`, in chunks of 1 MiB.

use rusqlite::{Connection, OptionalExtension, params};

use super::blocks::Kind;
use super::filter::Filter;
use super::{LedgerError, sql};

/// The stored name of a segment's filter of a kind.
pub(super) fn name(kind: Kind, segment: i64) -> String {
    format!("{}/{segment}", kind.id())
}

/// Deletes a segment's filters.
pub(super) fn delete(tx: &rusqlite::Transaction, segment: i64) -> Result<(), LedgerError> {
    for kind in Kind::ALL {
        let name = name(kind, segment);
        tx.execute("DELETE FROM key_filters WHERE name = ?1", [&name])
            .map_err(sql)?;
        tx.execute("DELETE FROM key_filter_chunks WHERE name = ?1", [&name])
            .map_err(sql)?;
    }
    Ok(())
}

/// A stored filter, if there is one of that name.
pub(super) fn load(conn: &Connection, name: &str) -> Result<Option<Filter>, LedgerError> {
    let meta: Option<(i64, i64)> = conn
        .query_row(
            "SELECT capacity, count FROM key_filters WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(sql)?;
    let Some((capacity, count)) = meta else {
        return Ok(None);
    };
    let mut st = conn
        .prepare("SELECT bits FROM key_filter_chunks WHERE name = ?1 ORDER BY idx")
        .map_err(sql)?;
    let mut rows = st.query([name]).map_err(sql)?;
    let mut failed = None;
    let mut chunks = std::iter::from_fn(|| match rows.next() {
        Ok(Some(r)) => r.get::<_, Vec<u8>>(0).map_err(|e| failed = Some(e)).ok(),
        Ok(None) => None,
        Err(e) => {
            failed = Some(e);
            None
        }
    });
    let filter = Filter::from_chunks(capacity as u64, count as u64, &mut chunks);
    if let Some(e) = failed {
        return Err(sql(e));
    }
    Ok(filter)
}

/// Stores a filter in place of the one of that name.
pub(super) fn save(tx: &rusqlite::Transaction, name: &str, f: &Filter) -> Result<(), LedgerError> {
    tx.execute(
        "INSERT OR REPLACE INTO key_filters VALUES (?1, ?2, ?3)",
        params![name, f.capacity as i64, f.count as i64],
    )
    .map_err(sql)?;
    tx.execute("DELETE FROM key_filter_chunks WHERE name = ?1", [name])
        .map_err(sql)?;
    let mut st = tx
        .prepare("INSERT INTO key_filter_chunks VALUES (?1, ?2, ?3)")
        .map_err(sql)?;
    for (i, chunk) in f.chunks().enumerate() {
        st.execute(params![name, i as i64, chunk]).map_err(sql)?;
    }
    Ok(())
}
