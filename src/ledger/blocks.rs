//! The ledger's keys as sorted blocks: entries (a key's hash, the key, and where it was
//! accepted) sorted by hash and packed about `BLOCK_BYTES` to a blob, each blob a row of
//! `key_blocks` filed under its segment and its first hash. A lookup reads the one block
//! whose hash range holds the key: one B-tree seek, about a kilobyte.
//!
//! Why blobs rather than a row per key: the commit of a night's 900,000 records wrote two
//! rows per key (the key and its hash entry), 3.6 million SQLite inserts at about a
//! microsecond each, on one core, after the run. Packed, the same keys are a few thousand
//! inserts; the bytes are the entries themselves (about 70 bytes for a communicationNumber,
//! 30 for a customerExtId), with the run and the source written once for a row of entries
//! that share them.
//!
//! An entry is: the hash (u64 LE), the key, then for a communicationNumber the payload's
//! digest (32 bytes); the run id; for a communicationNumber the source and the record
//! (u64 LE). A text is its length (u32 LE) and its bytes; in a block, the length `SAME` says
//! "as in the entry before" (never for the key, never for a block's first entry). A block
//! never ends between two entries of the same hash, so a key's entries are in one block.

use std::io;

/// About how many bytes a block holds (a block ends at the first entry past this): under the
/// 1,002 bytes that a row of a `WITHOUT ROWID` table keeps on its B-tree page of 4 KiB, so
/// that reading a block reads no overflow pages. (Blocks of 4,000 bytes each had three.)
pub(super) const BLOCK_BYTES: usize = 900;

/// The length that says "the same text as in the entry before".
const SAME: u32 = u32::MAX;

/// Which keys an entry is of.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    CommunicationNumber,
    CreatedExtId,
}

impl Kind {
    pub(super) const ALL: [Kind; 2] = [Kind::CommunicationNumber, Kind::CreatedExtId];

    /// Its number in `key_blocks.kind`.
    pub(super) fn id(self) -> i64 {
        match self {
            Kind::CommunicationNumber => 1,
            Kind::CreatedExtId => 2,
        }
    }

    /// Its place in arrays of one thing per kind.
    pub(super) fn slot(self) -> usize {
        match self {
            Kind::CommunicationNumber => 0,
            Kind::CreatedExtId => 1,
        }
    }

    /// The column of `key_segments` that counts its keys.
    pub(super) fn count_column(self) -> &'static str {
        match self {
            Kind::CommunicationNumber => "numbers",
            Kind::CreatedExtId => "ext_ids",
        }
    }

    fn has_details(self) -> bool {
        self == Kind::CommunicationNumber
    }
}

/// A key and where it was accepted (for a customerExtId: the run only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Entry {
    pub hash: u64,
    pub key: String,
    pub payload_digest: [u8; 32],
    pub run_id: String,
    pub source: String,
    pub record: u64,
}

/// An entry's parts, borrowed (what the ordered end has at hand for a new key).
#[derive(Clone, Copy)]
pub(super) struct EntryRef<'a> {
    pub hash: u64,
    pub key: &'a str,
    pub payload_digest: &'a [u8; 32],
    pub run_id: &'a str,
    pub source: &'a str,
    pub record: u64,
}

impl Entry {
    pub(super) fn as_ref(&self) -> EntryRef<'_> {
        EntryRef {
            hash: self.hash,
            key: &self.key,
            payload_digest: &self.payload_digest,
            run_id: &self.run_id,
            source: &self.source,
            record: self.record,
        }
    }
}

/// A hash as stored in `key_blocks.first_hash`: SQLite's integers are signed, and this map
/// keeps the order of the unsigned hashes.
pub(super) fn stored_hash(hash: u64) -> i64 {
    (hash ^ (1 << 63)) as i64
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn put_text_or_same(out: &mut Vec<u8>, text: &str, before: Option<&str>) {
    if before == Some(text) {
        out.extend_from_slice(&SAME.to_le_bytes());
    } else {
        put_text(out, text);
    }
}

/// Appends `e` to `out`; `before` is the entry before it in the same block, if any.
pub(super) fn encode(out: &mut Vec<u8>, kind: Kind, e: EntryRef, before: Option<&Entry>) {
    out.extend_from_slice(&e.hash.to_le_bytes());
    put_text(out, e.key);
    if kind.has_details() {
        out.extend_from_slice(e.payload_digest);
    }
    put_text_or_same(out, e.run_id, before.map(|b| b.run_id.as_str()));
    if kind.has_details() {
        put_text_or_same(out, e.source, before.map(|b| b.source.as_str()));
        out.extend_from_slice(&e.record.to_le_bytes());
    }
}

fn corrupt() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "a damaged key block in the ledger",
    )
}

/// Reads entries one after another from encoded bytes, into one reused `Entry`.
pub(super) struct Decoder<'a> {
    bytes: &'a [u8],
    kind: Kind,
}

impl<'a> Decoder<'a> {
    pub(super) fn new(bytes: &'a [u8], kind: Kind) -> Self {
        Decoder { bytes, kind }
    }

    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.bytes.len() < n {
            return Err(corrupt());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u64(&mut self) -> io::Result<u64> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes(b.try_into().map_err(|_| corrupt())?))
    }

    /// A text into `into`, which keeps its value when the text is `SAME`.
    fn text(&mut self, into: &mut String, may_be_same: bool) -> io::Result<()> {
        let len = u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| corrupt())?);
        if len == SAME {
            return if may_be_same { Ok(()) } else { Err(corrupt()) };
        }
        let bytes = self.take(len as usize)?;
        into.clear();
        into.push_str(std::str::from_utf8(bytes).map_err(|_| corrupt())?);
        Ok(())
    }

    /// The next entry into `e` (whose run and source are the previous entry's, for
    /// `SAME`); `false` at the end.
    pub(super) fn next_into(&mut self, e: &mut Entry, first: bool) -> io::Result<bool> {
        if self.bytes.is_empty() {
            return Ok(false);
        }
        e.hash = self.u64()?;
        self.text(&mut e.key, false)?;
        if self.kind.has_details() {
            e.payload_digest = self.take(32)?.try_into().map_err(|_| corrupt())?;
        }
        self.text(&mut e.run_id, !first)?;
        if self.kind.has_details() {
            self.text(&mut e.source, !first)?;
            e.record = self.u64()?;
        }
        Ok(true)
    }
}

/// The entry of `key` in a block, if the block has it.
pub(super) fn find_in_block(
    block: &[u8],
    kind: Kind,
    hash: u64,
    key: &str,
) -> io::Result<Option<Entry>> {
    let mut d = Decoder::new(block, kind);
    let mut e = Entry::default();
    let mut first = true;
    while d.next_into(&mut e, first)? {
        first = false;
        if e.hash == hash && e.key == key {
            return Ok(Some(e));
        }
        if e.hash > hash {
            break;
        }
    }
    Ok(None)
}

/// Packs entries, given in hash order, into blocks.
pub(super) struct Packer {
    kind: Kind,
    block: Vec<u8>,
    first_hash: u64,
    last: Option<Entry>,
    /// Finished blocks: (first hash, bytes).
    done: Vec<(u64, Vec<u8>)>,
}

impl Packer {
    pub(super) fn new(kind: Kind) -> Self {
        Packer {
            kind,
            block: Vec::with_capacity(BLOCK_BYTES + 256),
            first_hash: 0,
            last: None,
            done: Vec::new(),
        }
    }

    /// Adds the next entry (hashes never decrease).
    pub(super) fn push(&mut self, e: &Entry) {
        let ends_block = self
            .last
            .as_ref()
            .is_some_and(|l| self.block.len() >= BLOCK_BYTES && l.hash != e.hash);
        if ends_block {
            self.finish_block();
        }
        if self.last.is_none() {
            self.first_hash = e.hash;
        }
        encode(&mut self.block, self.kind, e.as_ref(), self.last.as_ref());
        match self.last.as_mut() {
            Some(l) => l.clone_from(e),
            None => self.last = Some(e.clone()),
        }
    }

    fn finish_block(&mut self) {
        let bytes = std::mem::replace(&mut self.block, Vec::with_capacity(BLOCK_BYTES + 256));
        self.done.push((self.first_hash, bytes));
        self.last = None;
    }

    /// The blocks finished so far (taken).
    pub(super) fn take_done(&mut self) -> Vec<(u64, Vec<u8>)> {
        std::mem::take(&mut self.done)
    }

    /// Ends the last block; the remaining blocks.
    pub(super) fn finish(mut self) -> Vec<(u64, Vec<u8>)> {
        if self.last.is_some() {
            self.finish_block();
        }
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(hash: u64, key: &str, run: &str, source: &str) -> Entry {
        Entry {
            hash,
            key: key.into(),
            payload_digest: [hash as u8; 32],
            run_id: run.into(),
            source: source.into(),
            record: hash * 10,
        }
    }

    #[test]
    fn blocks_keep_every_entry_and_never_split_a_hash() {
        let mut p = Packer::new(Kind::CommunicationNumber);
        let mut all = Vec::new();
        for i in 0..2_000u64 {
            // Pairs of entries share a hash; runs and sources change every 7 and 13.
            let e = entry(
                i / 2,
                &format!("CN-{i}"),
                &format!("run-{}", i / 7),
                &format!("f{}", i / 13),
            );
            p.push(&e);
            all.push(e);
        }
        let blocks = p.finish();
        assert!(blocks.len() > 10, "{}", blocks.len());
        let mut back = Vec::new();
        for (first, bytes) in &blocks {
            let mut d = Decoder::new(bytes, Kind::CommunicationNumber);
            let mut e = Entry::default();
            let mut is_first = true;
            while d.next_into(&mut e, is_first).unwrap() {
                if is_first {
                    assert_eq!(e.hash, *first);
                }
                is_first = false;
                back.push(e.clone());
            }
        }
        assert_eq!(back, all);
        // No hash in two blocks, and every key found in its block.
        let firsts: Vec<u64> = blocks.iter().map(|b| b.0).collect();
        for e in &all {
            let i = firsts.partition_point(|f| *f <= e.hash) - 1;
            let found = find_in_block(&blocks[i].1, Kind::CommunicationNumber, e.hash, &e.key);
            assert_eq!(found.unwrap().as_ref(), Some(e));
        }
        assert_eq!(
            find_in_block(&blocks[0].1, Kind::CommunicationNumber, 0, "CN-9").unwrap(),
            None
        );
        // A truncated block is an error, not a panic.
        let cut = &blocks[0].1[..blocks[0].1.len() - 3];
        assert!(find_in_block(cut, Kind::CommunicationNumber, u64::MAX, "x").is_err());
    }

    #[test]
    fn stored_hashes_keep_the_unsigned_order() {
        let hashes = [
            0,
            1,
            1 << 62,
            (1 << 63) - 1,
            1 << 63,
            u64::MAX - 1,
            u64::MAX,
        ];
        for w in hashes.windows(2) {
            assert!(stored_hash(w[0]) < stored_hash(w[1]), "{w:?}");
        }
    }
}
