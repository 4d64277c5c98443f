//! The ledger's keys as sorted blocks: entries (a key's hash, the key, and where it was
//! accepted) sorted by hash and packed about `block_bytes` to a blob, each blob a row of
//! `key_blocks` filed under its segment and its first hash. A lookup reads the one block
//! whose hash range holds the key: one B-tree seek, about a kilobyte.
//!
//! Why blobs rather than a row per key: the commit of a night's 900,000 records wrote two
//! rows per key (the key and its hash entry), 3.6 million SQLite inserts at about a
//! microsecond each, on one core, after the run. Packed, the same keys are a few thousand
//! inserts; the bytes are the entries themselves, with the run and the source written once
//! for a row of entries that share them.
//!
//! An entry is: the key, then for a communicationNumber the payload's digest; the run id;
//! for a communicationNumber the source and the record. A block never ends between two
//! entries of the same hash, so a key's entries are in one block. Two layouts (`Layout`,
//! per segment in `key_segments.layout`):
//! - `Compact` (written since schema version 5): lengths and the record are LEB128
//!   varints; a text's length is stored plus one, and 0 says "as in the entry before"
//!   (never for the key, never in a block's first entry); the digest is its length
//!   (16: XXH3-128, 32: BLAKE3 carried over from version 4) and its bytes. The hash is not
//!   stored: it is the key's `key_hash`, computed again where it is needed (a merge, a
//!   check), and a lookup compares keys in the one block that can hold its key. About 37
//!   bytes for a communicationNumber, 12 for a customerExtId.
//! - `Fixed` (schema version 4, read only): each entry starts with its hash (u64 LE);
//!   lengths u32 LE with `u32::MAX` for "the same", a 32-byte BLAKE3 digest, the record
//!   u64 LE. About 70 and 30 bytes. A night's commit writes, checkpoints and checksums
//!   every one of those bytes twice (the WAL, then the database): half the bytes is half
//!   of that work.

use std::io;

use super::payload_digest::PayloadDigest;

/// About how many bytes a block holds on pages of `page_size` bytes (a block ends at the
/// first entry past this): 100 bytes under what a row of a `WITHOUT ROWID` table keeps on
/// its B-tree page (SQLite's largest local payload of an index page), so that reading a
/// block reads no overflow pages. (On 4 KiB pages: 900 of 1,002 bytes; blocks of 4,000
/// bytes there read three overflow pages each.) New ledgers have pages of 16 KiB
/// (`Ledger::open`): about 4,000 bytes a block.
pub(super) fn block_bytes(page_size: u32) -> usize {
    let usable = page_size.max(512) as usize - 12;
    usable * 64 / 255 - 23 - 100
}

/// In the `Fixed` layout, the length that says "the same text as in the entry before".
const FIXED_SAME: u32 = u32::MAX;

/// How a segment's entries are laid out (see the module's docs).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Layout {
    Fixed,
    Compact,
}

impl Layout {
    /// Its number in `key_segments.layout`.
    pub(super) fn id(self) -> i64 {
        match self {
            Layout::Fixed => 1,
            Layout::Compact => 2,
        }
    }

    pub(super) fn from_id(id: i64) -> Option<Layout> {
        match id {
            1 => Some(Layout::Fixed),
            2 => Some(Layout::Compact),
            _ => None,
        }
    }
}

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
    pub payload_digest: PayloadDigest,
    pub run_id: String,
    pub source: String,
    pub record: u64,
}

/// An entry's parts, borrowed (what the ordered end has at hand for a new key).
#[derive(Clone, Copy)]
pub(super) struct EntryRef<'a> {
    pub hash: u64,
    pub key: &'a str,
    pub payload_digest: &'a PayloadDigest,
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

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_text(out: &mut Vec<u8>, text: &[u8]) {
    put_varint(out, text.len() as u64 + 1);
    out.extend_from_slice(text);
}

fn put_text_or_same(out: &mut Vec<u8>, text: &[u8], before: Option<&[u8]>) {
    if before == Some(text) {
        out.push(0);
    } else {
        put_text(out, text);
    }
}

/// What an entry may say is "the same as in the entry before": its run and its source.
#[derive(Default)]
pub(super) struct Before {
    hash: u64,
    run_id: Vec<u8>,
    source: Vec<u8>,
}

impl Before {
    /// Becomes the entry's (the texts copied into buffers that keep their capacity).
    fn set(&mut self, hash: u64, run_id: &[u8], source: &[u8]) {
        self.hash = hash;
        for (mine, theirs) in [(&mut self.run_id, run_id), (&mut self.source, source)] {
            mine.clear();
            mine.extend_from_slice(theirs);
        }
    }
}

/// Appends `e` to `out` in the `Compact` layout (without its hash); `before` is the entry
/// before it in the same block, if any.
pub(super) fn encode(out: &mut Vec<u8>, kind: Kind, e: EntryRef, before: Option<&Before>) {
    put_text(out, e.key.as_bytes());
    if kind.has_details() {
        let digest = e.payload_digest.bytes();
        out.push(digest.len() as u8);
        out.extend_from_slice(digest);
    }
    let run_id = e.run_id.as_bytes();
    put_text_or_same(out, run_id, before.map(|b| b.run_id.as_slice()));
    if kind.has_details() {
        put_text_or_same(
            out,
            e.source.as_bytes(),
            before.map(|b| b.source.as_slice()),
        );
        put_varint(out, e.record);
    }
}

/// An entry of the `Compact` layout as stored, in parts: the key, digest and record as
/// their bytes (length or varint included), the run and the source as their texts.
struct StoredParts<'a> {
    key: &'a [u8],
    digest: &'a [u8],
    source: &'a [u8],
    record: &'a [u8],
}

impl<'a> StoredParts<'a> {
    /// The parts of one whole entry written by `encode` without `before` (the new keys'
    /// sorted runs), whose run is left out.
    fn of(entry: &'a [u8], kind: Kind) -> io::Result<Self> {
        let mut d = Decoder::new(entry, kind, Layout::Compact);
        let key = d.field(|d| {
            let len = d.text_len()?.ok_or_else(corrupt)?;
            d.take(len).map(drop)
        })?;
        let (mut digest, mut source, mut record): (&[u8], &[u8], &[u8]) = (&[], &[], &[]);
        if kind.has_details() {
            digest = d.field(|d| d.digest().map(drop))?;
        }
        d.text_len()?.map(|n| d.take(n)).transpose()?;
        if kind.has_details() {
            let len = d.text_len()?.ok_or_else(corrupt)?;
            source = d.take(len)?;
            record = d.field(|d| d.varint().map(drop))?;
        }
        if !d.bytes.is_empty() {
            return Err(corrupt());
        }
        Ok(StoredParts {
            key,
            digest,
            source,
            record,
        })
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
    layout: Layout,
}

impl<'a> Decoder<'a> {
    pub(super) fn new(bytes: &'a [u8], kind: Kind, layout: Layout) -> Self {
        Decoder {
            bytes,
            kind,
            layout,
        }
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

    fn varint(&mut self) -> io::Result<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(corrupt())
    }

    /// The bytes `read` reads, as they are.
    fn field(&mut self, read: impl FnOnce(&mut Self) -> io::Result<()>) -> io::Result<&'a [u8]> {
        let all = self.bytes;
        read(self)?;
        Ok(&all[..all.len() - self.bytes.len()])
    }

    /// A text's length; `None` for "the same as in the entry before".
    fn text_len(&mut self) -> io::Result<Option<usize>> {
        Ok(match self.layout {
            Layout::Compact => self.varint()?.checked_sub(1).map(|n| n as usize),
            Layout::Fixed => {
                let n = u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| corrupt())?);
                (n != FIXED_SAME).then_some(n as usize)
            }
        })
    }

    /// A text into `into`, which keeps its value when the text is "the same".
    fn text(&mut self, into: &mut String, may_be_same: bool) -> io::Result<()> {
        let Some(len) = self.text_len()? else {
            return if may_be_same { Ok(()) } else { Err(corrupt()) };
        };
        let bytes = self.take(len)?;
        into.clear();
        into.push_str(std::str::from_utf8(bytes).map_err(|_| corrupt())?);
        Ok(())
    }

    fn digest(&mut self) -> io::Result<PayloadDigest> {
        let len = match self.layout {
            Layout::Compact => self.take(1)?[0] as usize,
            Layout::Fixed => 32,
        };
        PayloadDigest::from_bytes(self.take(len)?).ok_or_else(corrupt)
    }

    /// The next entry into `e` (whose run and source are the previous entry's, for
    /// "the same"); `false` at the end. In the `Compact` layout `e.hash` is left as it is:
    /// the caller knows it, or asks `next_hashed`.
    pub(super) fn next_into(&mut self, e: &mut Entry, first: bool) -> io::Result<bool> {
        if self.bytes.is_empty() {
            return Ok(false);
        }
        if self.layout == Layout::Fixed {
            e.hash = self.u64()?;
        }
        self.text(&mut e.key, false)?;
        if self.kind.has_details() {
            e.payload_digest = self.digest()?;
        }
        self.text(&mut e.run_id, !first)?;
        if self.kind.has_details() {
            self.text(&mut e.source, !first)?;
            e.record = match self.layout {
                Layout::Compact => self.varint()?,
                Layout::Fixed => self.u64()?,
            };
        }
        Ok(true)
    }

    /// The same, with the hash of an entry of the `Compact` layout computed (`key_hash`).
    pub(super) fn next_hashed(&mut self, e: &mut Entry, first: bool) -> io::Result<bool> {
        let more = self.next_into(e, first)?;
        if more && self.layout == Layout::Compact {
            e.hash = super::filter::key_hash(&e.key);
        }
        Ok(more)
    }
}

/// The entry of `key` (whose `key_hash` is `hash`) in a block, if the block has it.
pub(super) fn find_in_block(
    block: &[u8],
    kind: Kind,
    layout: Layout,
    hash: u64,
    key: &str,
) -> io::Result<Option<Entry>> {
    let mut d = Decoder::new(block, kind, layout);
    let mut e = Entry::default();
    let mut first = true;
    while d.next_into(&mut e, first)? {
        first = false;
        if e.key == key && (layout == Layout::Compact || e.hash == hash) {
            e.hash = hash;
            return Ok(Some(e));
        }
        if layout == Layout::Fixed && e.hash > hash {
            break;
        }
    }
    Ok(None)
}

/// Packs entries, given in hash order, into blocks.
pub(super) struct Packer {
    kind: Kind,
    block_bytes: usize,
    block: Vec<u8>,
    first_hash: u64,
    /// The block's last entry so far, if it has one.
    last: Option<Before>,
    /// A `Before` to reuse.
    spare: Before,
    /// Finished blocks: (first hash, bytes).
    done: Vec<(u64, Vec<u8>)>,
}

impl Packer {
    pub(super) fn new(kind: Kind, block_bytes: usize) -> Self {
        Packer {
            kind,
            block_bytes,
            block: Vec::with_capacity(block_bytes + 256),
            first_hash: 0,
            last: None,
            spare: Before::default(),
            done: Vec::new(),
        }
    }

    /// Adds the next entry (hashes never decrease).
    pub(super) fn push(&mut self, e: EntryRef) {
        let ends_block = self
            .last
            .as_ref()
            .is_some_and(|l| self.block.len() >= self.block_bytes && l.hash != e.hash);
        if ends_block {
            self.finish_block();
        }
        if self.last.is_none() {
            self.first_hash = e.hash;
        }
        encode(&mut self.block, self.kind, e, self.last.as_ref());
        self.last
            .get_or_insert_with(|| std::mem::take(&mut self.spare))
            .set(e.hash, e.run_id.as_bytes(), e.source.as_bytes());
    }

    /// Adds the next entry as the new keys' sorted runs hold it (written by `encode`
    /// without `before`, with no run), giving it `run_id`: its bytes are copied part by
    /// part, not decoded into texts and encoded again (measured: the commit's packing
    /// thread of a million records' keys was its slowest part, and decoding and encoding
    /// each entry half of that thread's time).
    pub(super) fn push_stored(&mut self, hash: u64, entry: &[u8], run_id: &str) -> io::Result<()> {
        let parts = StoredParts::of(entry, self.kind)?;
        let ends_block = self
            .last
            .as_ref()
            .is_some_and(|l| self.block.len() >= self.block_bytes && l.hash != hash);
        if ends_block {
            self.finish_block();
        }
        if self.last.is_none() {
            self.first_hash = hash;
        }
        let before = self.last.as_ref();
        let out = &mut self.block;
        out.extend_from_slice(parts.key);
        out.extend_from_slice(parts.digest);
        put_text_or_same(out, run_id.as_bytes(), before.map(|b| b.run_id.as_slice()));
        if self.kind.has_details() {
            put_text_or_same(out, parts.source, before.map(|b| b.source.as_slice()));
            out.extend_from_slice(parts.record);
        }
        self.last
            .get_or_insert_with(|| std::mem::take(&mut self.spare))
            .set(hash, run_id.as_bytes(), parts.source);
        Ok(())
    }

    fn finish_block(&mut self) {
        let fresh = Vec::with_capacity(self.block_bytes + 256);
        let bytes = std::mem::replace(&mut self.block, fresh);
        self.done.push((self.first_hash, bytes));
        if let Some(last) = self.last.take() {
            self.spare = last;
        }
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
mod tests;
