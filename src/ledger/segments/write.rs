//! Writing a segment: its entries packed into blocks and its filter built
//! (`SegmentBuilder`, which needs no database and so runs on the commit's packing threads),
//! and the blocks and filter inserted (`insert_blocks`, `save_filter`; `SegmentWriter` does
//! both in one go, for merges and migrations).

use rusqlite::{Transaction, params};

use super::super::blocks::{self, Entry, EntryRef, Kind, Packer, stored_hash};
use super::super::filter::Filter;
use super::super::{LedgerError, stored_filters};
use super::sql;

/// Packs one kind of a new segment's entries, given in hash order, into blocks (in the
/// `Compact` layout) and builds its filter: the part of writing a segment that needs no
/// database, so that the commit can do it on a thread of its own (`Ledger::stage`).
pub(in crate::ledger) struct SegmentBuilder {
    packer: Packer,
    filter: Filter,
    count: u64,
}

/// Blocks ready to insert: (first hash, bytes).
pub(in crate::ledger) type Blocks = Vec<(u64, Vec<u8>)>;

impl SegmentBuilder {
    /// For `keys` entries of a kind, in blocks of about `block_bytes` (`block_size`).
    pub(in crate::ledger) fn new(kind: Kind, keys: u64, block_bytes: usize) -> Self {
        SegmentBuilder {
            packer: Packer::new(kind, block_bytes),
            filter: Filter::with_capacity(keys),
            count: 0,
        }
    }

    /// Adds the next entry (in hash order); the blocks it finished, if any.
    pub(in crate::ledger) fn push(&mut self, e: EntryRef) -> Blocks {
        self.packer.push(e);
        self.filter.insert(e.hash);
        self.count += 1;
        self.packer.take_done()
    }

    /// Adds the next entry as the new keys' sorted runs hold it (`Packer::push_stored`);
    /// the blocks it finished, if any.
    pub(in crate::ledger) fn push_stored(
        &mut self,
        hash: u64,
        entry: &[u8],
        run_id: &str,
    ) -> std::io::Result<Blocks> {
        self.packer.push_stored(hash, entry, run_id)?;
        self.filter.insert(hash);
        self.count += 1;
        Ok(self.packer.take_done())
    }

    /// Ends the last block: the remaining blocks, the filter and the number of entries.
    pub(in crate::ledger) fn finish(self) -> (Blocks, Filter, u64) {
        (self.packer.finish(), self.filter, self.count)
    }
}

/// Writes one kind of a new segment in one go: blocks as they fill, then its filter.
pub(in crate::ledger) struct SegmentWriter<'t> {
    tx: &'t Transaction<'t>,
    kind: Kind,
    segment: i64,
    builder: SegmentBuilder,
}

impl<'t> SegmentWriter<'t> {
    pub(in crate::ledger) fn new(
        tx: &'t Transaction<'t>,
        kind: Kind,
        segment: i64,
        keys: u64,
    ) -> Result<Self, LedgerError> {
        Ok(SegmentWriter {
            tx,
            kind,
            segment,
            builder: SegmentBuilder::new(kind, keys, block_size(tx)?),
        })
    }

    /// Adds the next entry (in hash order).
    pub(in crate::ledger) fn push(&mut self, e: &Entry) -> Result<(), LedgerError> {
        let done = self.builder.push(e.as_ref());
        insert_blocks(self.tx, self.kind, self.segment, done)
    }

    /// Writes the last block and the filter; the number of entries written.
    pub(in crate::ledger) fn finish(self) -> Result<u64, LedgerError> {
        let (done, filter, count) = self.builder.finish();
        insert_blocks(self.tx, self.kind, self.segment, done)?;
        save_filter(self.tx, self.kind, self.segment, &filter)?;
        Ok(count)
    }
}

/// The size of the blocks to write in this ledger, from its page size (`blocks::block_bytes`).
pub(in crate::ledger) fn block_size(conn: &rusqlite::Connection) -> Result<usize, LedgerError> {
    let page_size: u32 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .map_err(sql)?;
    Ok(blocks::block_bytes(page_size))
}

/// Stores the filter of one kind of a segment.
pub(in crate::ledger) fn save_filter(
    tx: &Transaction,
    kind: Kind,
    segment: i64,
    filter: &Filter,
) -> Result<(), LedgerError> {
    stored_filters::save(tx, &stored_filters::name(kind, segment), filter)
}

/// Inserts blocks of one kind of a segment.
pub(in crate::ledger) fn insert_blocks(
    tx: &Transaction,
    kind: Kind,
    segment: i64,
    done: Blocks,
) -> Result<(), LedgerError> {
    if done.is_empty() {
        return Ok(());
    }
    let mut st = tx
        .prepare_cached(
            "INSERT INTO key_blocks(kind, segment, first_hash, entries) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(sql)?;
    for (first, bytes) in done {
        st.execute(params![kind.id(), segment, stored_hash(first), bytes])
            .map_err(sql)?;
    }
    Ok(())
}
