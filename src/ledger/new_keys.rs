//! A run's new keys, between the ordered end that finds them and the commit that writes
//! them: appended to a temporary file in the run's directory (a memcpy each, where an
//! SQLite insert cost microseconds on the run's busiest thread), with their hashes and
//! places held in memory (16 bytes a key) so that the commit can write them sorted by hash,
//! the order of the ledger's B-trees.

use std::io;
use std::path::Path;

use crate::spill::Spill;

/// A communicationNumber's entry: the key, its payload's digest, its source and record.
pub struct NewNumber {
    pub key: String,
    pub payload_digest: [u8; 32],
    pub source: String,
    pub record: u64,
}

pub struct NewKeys {
    spill: Spill,
    /// (hash, place) of each new communicationNumber and each new created customerExtId; a
    /// place is the entry's offset (high 48 bits) and length (low 16 bits, `LONG` when it
    /// is longer: then its length is read first), so that the commit reads an entry with one
    /// positional read (reading its fields one by one cost five system calls a key, two
    /// seconds a million keys).
    numbers: Vec<(u64, u64)>,
    ext_ids: Vec<(u64, u64)>,
    entry: Vec<u8>,
    read: Vec<u8>,
}

/// The length field of a place whose entry is 65,535 bytes or longer.
const LONG: u64 = 0xFFFF;

fn place(at: u64, len: usize) -> u64 {
    (at << 16) | (len as u64).min(LONG)
}

impl NewKeys {
    pub fn create(dir: &Path) -> io::Result<NewKeys> {
        Ok(NewKeys {
            spill: Spill::create(dir, "ledger-new-keys")?,
            numbers: Vec::new(),
            ext_ids: Vec::new(),
            entry: Vec::with_capacity(256),
            read: Vec::with_capacity(256),
        })
    }

    pub fn add_number(&mut self, hash: u64, n: &NewNumber) -> io::Result<()> {
        self.entry.clear();
        self.entry.extend_from_slice(&[0; 4]);
        put(&mut self.entry, n.key.as_bytes());
        self.entry.extend_from_slice(&n.payload_digest);
        put(&mut self.entry, n.source.as_bytes());
        self.entry.extend_from_slice(&n.record.to_le_bytes());
        self.seal_entry();
        let at = self.spill.append(&self.entry)?;
        self.numbers.push((hash, place(at, self.entry.len())));
        Ok(())
    }

    pub fn add_ext_id(&mut self, hash: u64, key: &str) -> io::Result<()> {
        self.entry.clear();
        self.entry.extend_from_slice(&[0; 4]);
        put(&mut self.entry, key.as_bytes());
        self.seal_entry();
        let at = self.spill.append(&self.entry)?;
        self.ext_ids.push((hash, place(at, self.entry.len())));
        Ok(())
    }

    /// Each communicationNumber, in the order of its hash, for the commit (one at a time:
    /// a million of them held at once would cost a hundred megabytes).
    pub fn each_number(
        &mut self,
        f: &mut dyn FnMut(u64, &NewNumber) -> io::Result<()>,
    ) -> io::Result<()> {
        self.numbers.sort_unstable();
        let places = std::mem::take(&mut self.numbers);
        for &(hash, place) in &places {
            let e = self.entry_at(place)?;
            let (key, rest) = text(e)?;
            let digest: [u8; 32] = rest
                .get(..32)
                .and_then(|d| d.try_into().ok())
                .ok_or_else(short)?;
            let (source, rest) = text(&rest[32..])?;
            let record = rest
                .get(..8)
                .and_then(|r| r.try_into().ok())
                .ok_or_else(short)?;
            let n = NewNumber {
                key: key.to_string(),
                payload_digest: digest,
                source: source.to_string(),
                record: u64::from_le_bytes(record),
            };
            f(hash, &n)?;
        }
        self.numbers = places;
        Ok(())
    }

    /// Each created customerExtId, in the order of its hash, for the commit.
    pub fn each_ext_id(
        &mut self,
        f: &mut dyn FnMut(u64, &str) -> io::Result<()>,
    ) -> io::Result<()> {
        self.ext_ids.sort_unstable();
        let places = std::mem::take(&mut self.ext_ids);
        for &(hash, place) in &places {
            let key = text(self.entry_at(place)?)?.0.to_string();
            f(hash, &key)?;
        }
        self.ext_ids = places;
        Ok(())
    }

    /// Writes the entry's length into its first four bytes.
    fn seal_entry(&mut self) {
        let len = (self.entry.len() as u32).to_le_bytes();
        self.entry[..4].copy_from_slice(&len);
    }

    /// The entry at a place, read with one positional read (two for a long one).
    fn entry_at(&mut self, place: u64) -> io::Result<&[u8]> {
        // An entry is its length (u32), then its fields.
        let (at, mut len) = (place >> 16, place & LONG);
        if len == LONG {
            let mut l = [0u8; 4];
            self.spill.read(at, &mut l)?;
            len = u64::from(u32::from_le_bytes(l));
        }
        self.read.resize(len as usize, 0);
        self.spill.read(at, &mut self.read)?;
        Ok(self.read.get(4..).unwrap_or_default())
    }

    /// How many new communicationNumbers and created customerExtIds there are.
    pub fn counts(&self) -> (u64, u64) {
        (self.numbers.len() as u64, self.ext_ids.len() as u64)
    }

    /// The hashes of the new keys (numbers, then customerExtIds), for the filters.
    pub fn hashes(
        &self,
    ) -> (
        impl Iterator<Item = u64> + '_,
        impl Iterator<Item = u64> + '_,
    ) {
        (
            self.numbers.iter().map(|p| p.0),
            self.ext_ids.iter().map(|p| p.0),
        )
    }
}

/// A length-prefixed text at the start of `bytes`, and what follows it.
fn text(bytes: &[u8]) -> io::Result<(&str, &[u8])> {
    let len = bytes
        .get(..4)
        .map(|l| u32::from_le_bytes(l.try_into().unwrap_or_default()) as usize)
        .ok_or_else(short)?;
    let t = bytes.get(4..4 + len).ok_or_else(short)?;
    let t = std::str::from_utf8(t).map_err(|e| io::Error::other(e.to_string()))?;
    Ok((t, &bytes[4 + len..]))
}

fn short() -> io::Error {
    io::Error::other("internal error: a short entry in the ledger's new keys")
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}
