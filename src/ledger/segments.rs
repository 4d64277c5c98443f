//! The ledger's keys in segments, so that a night's commit appends instead of rewriting.
//!
//! Each committed run adds its keys as a new segment, numbered above every other: its
//! entries sorted by hash and packed into blocks (`blocks`), filed in `key_blocks` under
//! (kind, segment, first hash), and a Bloom filter of its hashes sized for them (`filter`,
//! `stored_filters`). Every block of a new segment lands at the right-hand end of the
//! B-tree, so a commit writes its own entries and nothing else, and no filter but its own.
//!
//! Measured with the keys of ten million records in the ledger and a run adding 900,000:
//! schema version 3 kept a row per key and one index of hashes, into which each commit's
//! keys went between the old ones on nearly every leaf page; the commit rewrote most of a
//! 200 MB index and a 37 MB filter (8.2 s). Segments of rows with their own hash entries
//! took that to 3.6 million appended inserts and the run's new filter bits; blocks take it
//! to a few thousand inserts of about 90 MB in all, and the compact layout of schema 5
//! (`blocks`) to about 57 MB.
//!
//! A lookup asks the segments newest first: the segment's filter, then on a "maybe" the one
//! block whose hash range holds the key. It stops at the first segment that has the key: a
//! key is accepted once, so it is in one segment, and the records of a cumulative export
//! are mostly in the newest. To keep the number of segments small, `compact` merges the
//! newest committed segments while the next older one is no larger than those merged so
//! far (a binary counter: a key is rewritten about log2 of the ledger's growth times, and
//! there are at most that many segments). Segments of pending runs are never merged, so
//! rolling a pending run back is deleting its segment.

use rusqlite::{OptionalExtension, Transaction, params};

use super::blocks::{self, Entry, Kind, Layout, find_in_block, stored_hash};
use super::filter::Filter;
use super::{Ledger, LedgerError, stored_filters};

fn sql(e: rusqlite::Error) -> LedgerError {
    super::sql(e)
}

fn io(e: std::io::Error) -> LedgerError {
    LedgerError(format!("ledger: {e}"))
}

/// A segment and its filters (communicationNumbers, created customerExtIds), as a run
/// holds them for its lookups.
pub(super) struct Segment {
    pub id: i64,
    layout: Layout,
    filters: [Filter; 2],
}

/// The filters of every segment a run looks keys up in, shared with the workers: they ask
/// about each accepted record's keys on the pool, so that the ordered end reads the
/// ledger only for a key that may be in it (measured: the filters' cache misses were
/// 0.2 s of the ordered end's time in a run of a million records, its busiest thread).
#[derive(Clone)]
pub struct KeyFilters(std::sync::Arc<Vec<Segment>>);

impl KeyFilters {
    /// Answers, for the keys of many records, whether the ledger may hold each: every
    /// `[communicationNumber, created customerExtId]` pair of `key_hash`es gets its `bool`
    /// set. All the keys' filter blocks are read first and tested after: those reads do
    /// not wait for one another, so the memory system serves them together (the filters
    /// of ten million keys are 40 MB, far past the caches; testing each key where it came
    /// waited about 100 ns a key, a cache miss at a time).
    pub fn answer(&self, keys: &mut [&mut [Option<(u64, bool)>; 2]]) {
        let mut touched = 0u64;
        for pair in keys.iter() {
            for (kind, key) in Kind::ALL.into_iter().zip(pair.iter()) {
                if let Some((hash, _)) = key {
                    for s in self.0.iter() {
                        touched ^= s.filters[kind.slot()].first_word(*hash);
                    }
                }
            }
        }
        std::hint::black_box(touched);
        for pair in keys.iter_mut() {
            for (kind, key) in Kind::ALL.into_iter().zip(pair.iter_mut()) {
                if let Some((hash, maybe)) = key {
                    *maybe = self
                        .0
                        .iter()
                        .any(|s| s.filters[kind.slot()].may_contain(*hash));
                }
            }
        }
    }
}

/// Every segment with the layout of its entries, newest first.
pub(super) fn list(conn: &rusqlite::Connection) -> Result<Vec<(i64, Layout)>, LedgerError> {
    let mut st = conn
        .prepare_cached("SELECT segment, layout FROM key_segments ORDER BY segment DESC")
        .map_err(sql)?;
    let rows: Vec<(i64, i64)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)?;
    rows.into_iter()
        .map(|(id, layout)| {
            let layout = Layout::from_id(layout).ok_or_else(|| {
                LedgerError(format!(
                    "ledger: key segment {id} has layout {layout}, unknown to this program"
                ))
            })?;
            Ok((id, layout))
        })
        .collect()
}

/// Loads a segment's filters (rebuilt from its blocks if one is missing).
fn load(conn: &rusqlite::Connection, (id, layout): (i64, Layout)) -> Result<Segment, LedgerError> {
    let one = |kind: Kind| -> Result<Filter, LedgerError> {
        if let Some(f) = stored_filters::load(conn, &stored_filters::name(kind, id))? {
            return Ok(f);
        }
        let mut f = Filter::with_capacity(key_count_of(conn, kind, id)?);
        each_entry(conn, kind, (id, layout), &mut |e| {
            f.insert(e.hash);
            Ok(())
        })?;
        Ok(f)
    };
    Ok(Segment {
        id,
        layout,
        filters: [one(Kind::CommunicationNumber)?, one(Kind::CreatedExtId)?],
    })
}

/// How many keys of a kind one segment holds.
fn key_count_of(conn: &rusqlite::Connection, kind: Kind, id: i64) -> Result<u64, LedgerError> {
    conn.query_row(
        &format!(
            "SELECT {} FROM key_segments WHERE segment = ?1",
            kind.count_column()
        ),
        [id],
        |r| r.get::<_, i64>(0),
    )
    .optional()
    .map(|n| n.unwrap_or(0).max(0) as u64)
    .map_err(sql)
}

/// How many keys of a kind the segments hold.
pub(super) fn key_count(conn: &rusqlite::Connection, kind: Kind) -> Result<u64, LedgerError> {
    conn.query_row(
        &format!(
            "SELECT coalesce(sum({}), 0) FROM key_segments",
            kind.count_column()
        ),
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n.max(0) as u64)
    .map_err(sql)
}

/// The number the next segment gets: above every segment there is.
pub(super) fn next(tx: &Transaction) -> Result<i64, LedgerError> {
    tx.query_row(
        "SELECT coalesce(max(segment), 0) + 1 FROM key_segments",
        [],
        |r| r.get(0),
    )
    .map_err(sql)
}

/// The block of a segment whose hash range holds `hash`.
fn block_for(
    conn: &rusqlite::Connection,
    kind: Kind,
    segment: i64,
    hash: u64,
) -> Result<Option<Vec<u8>>, LedgerError> {
    conn.prepare_cached(
        "SELECT entries FROM key_blocks WHERE kind = ?1 AND segment = ?2 AND first_hash <= ?3
         ORDER BY first_hash DESC LIMIT 1",
    )
    .map_err(sql)?
    .query_row(params![kind.id(), segment, stored_hash(hash)], |r| r.get(0))
    .optional()
    .map_err(sql)
}

/// The entry of `key` in a segment, if it has it.
pub(super) fn probe(
    conn: &rusqlite::Connection,
    kind: Kind,
    (segment, layout): (i64, Layout),
    hash: u64,
    key: &str,
) -> Result<Option<Entry>, LedgerError> {
    match block_for(conn, kind, segment, hash)? {
        Some(block) => find_in_block(&block, kind, layout, hash, key).map_err(io),
        None => Ok(None),
    }
}

/// Each entry of a kind in a segment, in hash order, a page of blocks at a time (no query
/// stays open while `f` runs, so `f` may write to the ledger).
pub(super) fn each_entry(
    conn: &rusqlite::Connection,
    kind: Kind,
    segment: (i64, Layout),
    f: &mut dyn FnMut(&Entry) -> Result<(), LedgerError>,
) -> Result<(), LedgerError> {
    let mut cursor = Cursor::new(kind, segment);
    while cursor.peek(conn)?.is_some() {
        let e = cursor.entries.pop_front().expect("peeked");
        f(&e)?;
    }
    Ok(())
}

/// Records a segment (written in the `Compact` layout) and how many keys of each kind it
/// holds.
pub(super) fn add(
    tx: &Transaction,
    segment: i64,
    numbers: u64,
    ext_ids: u64,
) -> Result<(), LedgerError> {
    tx.execute(
        "INSERT INTO key_segments(segment, numbers, ext_ids, layout) VALUES (?1, ?2, ?3, ?4)",
        params![
            segment,
            numbers as i64,
            ext_ids as i64,
            Layout::Compact.id()
        ],
    )
    .map(drop)
    .map_err(sql)
}

/// Deletes a segment: its blocks, its filters, its count.
pub(super) fn delete(tx: &Transaction, segment: i64) -> Result<(), LedgerError> {
    tx.execute("DELETE FROM key_blocks WHERE segment = ?1", [segment])
        .map_err(sql)?;
    stored_filters::delete(tx, segment)?;
    tx.execute("DELETE FROM key_segments WHERE segment = ?1", [segment])
        .map(drop)
        .map_err(sql)
}

impl Ledger {
    /// This key's entry, asking the segments newest first. The first lookup of a run
    /// opens a read transaction that lasts until the run writes (`end_reading`): the
    /// run's lookups see one state of the ledger, however other runs commit or merge
    /// segments meanwhile, and SQLite takes its locks once, not at every lookup
    /// (measured: 68,000 `fcntl` calls in a run of a million records).
    pub(super) fn find_key(
        &mut self,
        kind: Kind,
        hash: u64,
        key: &str,
    ) -> Result<Option<Entry>, LedgerError> {
        let filters = self.key_filters()?;
        let slot = kind.slot();
        for s in filters.0.iter() {
            if s.filters[slot].may_contain(hash)
                && let Some(e) = probe(&self.conn, kind, (s.id, s.layout), hash, key)?
            {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    /// The segments' filters, loaded at the first call of a run, which opens the read
    /// transaction of its lookups (see `find_key`).
    pub fn key_filters(&mut self) -> Result<KeyFilters, LedgerError> {
        if let Some(filters) = &self.segments {
            return Ok(filters.clone());
        }
        if self.conn.is_autocommit() {
            self.conn.execute_batch("BEGIN").map_err(sql)?;
        }
        let loaded = list(&self.conn)?
            .into_iter()
            .map(|segment| load(&self.conn, segment))
            .collect::<Result<Vec<_>, _>>()?;
        let filters = KeyFilters(std::sync::Arc::new(loaded));
        self.segments = Some(filters.clone());
        Ok(filters)
    }

    /// Ends the read transaction of the lookups, if one is open (before a write).
    pub(super) fn end_reading(&mut self) -> Result<(), LedgerError> {
        self.segments = None;
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT").map_err(sql)?;
        }
        Ok(())
    }

    /// Merges the newest committed segments while the next older one is no larger than
    /// those merged so far (see the module's docs), in a transaction of its own: called
    /// after a run is confirmed. Returns how many segments were merged into one (0: none).
    pub fn compact(&mut self) -> Result<usize, LedgerError> {
        self.end_reading()?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        let sizes: Vec<(i64, i64, i64)> = {
            let mut st = tx
                .prepare(
                    "SELECT segment, numbers, ext_ids FROM key_segments
                     WHERE segment NOT IN (SELECT key_segment FROM runs
                        WHERE state = 'pending' AND key_segment IS NOT NULL)
                     ORDER BY segment DESC",
                )
                .map_err(sql)?;
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?
        };
        let totals: Vec<(i64, i64)> = sizes.iter().map(|&(s, n, e)| (s, n + e)).collect();
        let group = merge_group(&totals);
        if group.len() < 2 {
            return Ok(0);
        }
        let merged = next(&tx)?;
        let in_group = |s: i64| group.contains(&s);
        let count = |kind: Kind| -> u64 {
            sizes
                .iter()
                .filter(|t| in_group(t.0))
                .map(|&(_, n, e)| {
                    if kind == Kind::CommunicationNumber {
                        n
                    } else {
                        e
                    }
                })
                .sum::<i64>()
                .max(0) as u64
        };
        let layouts = list(&tx)?;
        let group_layouts: Vec<(i64, Layout)> =
            layouts.into_iter().filter(|&(s, _)| in_group(s)).collect();
        for kind in Kind::ALL {
            merge_kind(&tx, kind, &group_layouts, merged, count(kind))?;
        }
        add(
            &tx,
            merged,
            count(Kind::CommunicationNumber),
            count(Kind::CreatedExtId),
        )?;
        for &s in &group {
            delete(&tx, s)?;
            tx.execute(
                "UPDATE runs SET key_segment = ?1 WHERE key_segment = ?2",
                [merged, s],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        self.segments = None;
        Ok(group.len())
    }
}

impl Ledger {
    /// Checks every segment: its entries in hash order, as many as it counts, each in its
    /// filter. For tests, and for an auditor who doubts a ledger.
    pub fn verify_keys(&self) -> Result<(), LedgerError> {
        for (segment, layout) in list(&self.conn)? {
            let s = load(&self.conn, (segment, layout))?;
            for kind in Kind::ALL {
                let (mut count, mut last) = (0u64, 0u64);
                each_entry(&self.conn, kind, (segment, layout), &mut |e| {
                    if e.hash < last || !s.filters[kind.slot()].may_contain(e.hash) {
                        return Err(LedgerError(format!(
                            "ledger: segment {segment}: key {:?} out of order or not in its filter",
                            e.key
                        )));
                    }
                    (count, last) = (count + 1, e.hash);
                    Ok(())
                })?;
                let counted = key_count_of(&self.conn, kind, segment)?;
                if count != counted {
                    return Err(LedgerError(format!(
                        "ledger: segment {segment} holds {count} keys of a kind, counts {counted}"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Writes the entries of a kind of the `group` segments as segment `merged`, in hash
/// order: a merge of their sorted entries, each segment read a page of blocks at a time
/// (64 blocks, about 256 KB), so that memory does not grow with the segments.
fn merge_kind(
    tx: &Transaction,
    kind: Kind,
    group: &[(i64, Layout)],
    merged: i64,
    keys: u64,
) -> Result<(), LedgerError> {
    let mut cursors: Vec<Cursor> = group.iter().map(|&s| Cursor::new(kind, s)).collect();
    let mut writer = SegmentWriter::new(tx, kind, merged, keys)?;
    loop {
        let mut best: Option<(u64, usize)> = None;
        for (i, c) in cursors.iter_mut().enumerate() {
            if let Some(e) = c.peek(tx)?
                && best.is_none_or(|(h, _)| e.hash < h)
            {
                best = Some((e.hash, i));
            }
        }
        let Some((_, i)) = best else { break };
        let e = cursors[i].entries.pop_front().expect("peeked");
        writer.push(&e)?;
    }
    writer.finish().map(drop)
}

/// A segment's entries of one kind, read a page of blocks at a time.
struct Cursor {
    kind: Kind,
    segment: i64,
    layout: Layout,
    /// The first hash (stored) of the next page; `None` when the segment is read.
    from: Option<i64>,
    entries: std::collections::VecDeque<Entry>,
}

impl Cursor {
    fn new(kind: Kind, (segment, layout): (i64, Layout)) -> Self {
        Cursor {
            kind,
            segment,
            layout,
            from: Some(i64::MIN),
            entries: Default::default(),
        }
    }

    /// The next entry, reading the next page when the one in memory is used up.
    fn peek(&mut self, conn: &rusqlite::Connection) -> Result<Option<&Entry>, LedgerError> {
        if self.entries.is_empty()
            && let Some(from) = self.from
        {
            let page: Vec<(i64, Vec<u8>)> = conn
                .prepare_cached(
                    "SELECT first_hash, entries FROM key_blocks
                     WHERE kind = ?1 AND segment = ?2 AND first_hash >= ?3
                     ORDER BY first_hash LIMIT 64",
                )
                .map_err(sql)?
                .query_map(params![self.kind.id(), self.segment, from], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?;
            self.from = page.last().and_then(|(last, _)| last.checked_add(1));
            for (_, block) in &page {
                let mut d = blocks::Decoder::new(block, self.kind, self.layout);
                let mut e = Entry::default();
                let mut first = true;
                while d.next_hashed(&mut e, first).map_err(io)? {
                    first = false;
                    self.entries.push_back(e.clone());
                }
            }
        }
        Ok(self.entries.front())
    }
}

/// The segments to merge, from (segment, keys) newest first: the newest, then each older
/// one while it is no larger than the keys gathered so far.
fn merge_group(sizes: &[(i64, i64)]) -> Vec<i64> {
    let mut group = Vec::new();
    let mut total = 0;
    for &(segment, keys) in sizes {
        if !group.is_empty() && keys > total {
            break;
        }
        group.push(segment);
        total += keys;
    }
    group
}

mod write;
pub(super) use write::{
    Blocks, SegmentBuilder, SegmentWriter, block_size, insert_blocks, save_filter,
};

#[cfg(test)]
mod tests;
