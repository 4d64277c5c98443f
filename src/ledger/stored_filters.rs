//! The Bloom filters of the ledger's keys (`filter`) as the ledger stores them: loaded at a
//! run's first lookup, grown by the commit's transaction, and rebuilt from the keys when
//! they would pass the size they were made for, or when the stored one holds fewer keys
//! than the segments (a ledger from before it had one, or one edited by hand: a filter
//! missing a key would let that key be accepted twice).

use rusqlite::{Connection, OptionalExtension, params};

use super::filter::Filter;
use super::new_keys::NewKeys;
use super::segments::{self, Kind};
use super::{LedgerError, sql};

/// The filter a run asks: the stored one, or one rebuilt if it misses keys.
pub(super) fn current(conn: &Connection, kind: Kind) -> Result<Filter, LedgerError> {
    let keys = segments::key_count(conn, kind)?;
    match load(conn, kind.rows())? {
        Some(f) if f.count >= keys => Ok(f),
        _ => rebuild(conn, kind),
    }
}

/// Adds the run's new keys (already in the tables) to the stored filters, inside the
/// commit's transaction. `loaded` are the filters this run asked, if it asked any: grown in
/// place when no other run stored newer ones since, rather than loaded twice.
pub(super) fn update(
    tx: &rusqlite::Transaction,
    keys: Option<&NewKeys>,
    loaded: Option<[Filter; 2]>,
) -> Result<(), LedgerError> {
    let (numbers, ext_ids): (Vec<u64>, Vec<u64>) = match keys {
        Some(k) => {
            let (a, b) = k.hashes();
            (a.collect(), b.collect())
        }
        None => (Vec::new(), Vec::new()),
    };
    let [loaded_numbers, loaded_ext_ids] = match loaded {
        Some([a, b]) => [Some(a), Some(b)],
        None => [None, None],
    };
    for (kind, new, loaded) in [
        (Kind::CommunicationNumber, numbers, loaded_numbers),
        (Kind::CreatedExtId, ext_ids, loaded_ext_ids),
    ] {
        let name = kind.rows();
        let stored_count: Option<i64> = tx
            .query_row(
                "SELECT count FROM key_filters WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?;
        let current = match loaded {
            Some(f) if stored_count.map(|c| c as u64) == Some(f.count) => Some(f),
            _ => load(tx, name)?,
        };
        let before = segments::key_count(tx, kind)?.saturating_sub(new.len() as u64);
        let grown = current
            .filter(|f| f.count >= before && !f.is_full_with(new.len() as u64))
            .map(|mut f| {
                new.iter().for_each(|h| f.insert(*h));
                f
            });
        let filter = match grown {
            Some(f) => f,
            None => rebuild(tx, kind)?,
        };
        save(tx, name, &filter)?;
    }
    Ok(())
}

/// A filter of every key of a kind, with room for half as many again.
fn rebuild(conn: &Connection, kind: Kind) -> Result<Filter, LedgerError> {
    let name = kind.rows();
    let total: i64 = conn
        .query_row(&format!("SELECT count(*) FROM {name}"), [], |r| r.get(0))
        .map_err(sql)?;
    let mut f = Filter::with_capacity((total as u64).saturating_mul(3) / 2);
    let mut st = conn
        .prepare(&format!("SELECT hash FROM {name}"))
        .map_err(sql)?;
    let mut rows = st.query([]).map_err(sql)?;
    while let Some(r) = rows.next().map_err(sql)? {
        f.insert(r.get::<_, i64>(0).map_err(sql)? as u64);
    }
    Ok(f)
}

/// A stored filter, if there is one of that name.
fn load(conn: &Connection, name: &str) -> Result<Option<Filter>, LedgerError> {
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
fn save(tx: &rusqlite::Transaction, name: &str, f: &Filter) -> Result<(), LedgerError> {
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
