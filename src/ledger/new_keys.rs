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
    /// (hash, offset) of each new communicationNumber and each new created customerExtId.
    numbers: Vec<(u64, u64)>,
    ext_ids: Vec<(u64, u64)>,
    entry: Vec<u8>,
}

impl NewKeys {
    pub fn create(dir: &Path) -> io::Result<NewKeys> {
        Ok(NewKeys {
            spill: Spill::create(dir, "ledger-new-keys")?,
            numbers: Vec::new(),
            ext_ids: Vec::new(),
            entry: Vec::with_capacity(256),
        })
    }

    pub fn add_number(&mut self, hash: u64, n: &NewNumber) -> io::Result<()> {
        self.entry.clear();
        put(&mut self.entry, n.key.as_bytes());
        self.entry.extend_from_slice(&n.payload_digest);
        put(&mut self.entry, n.source.as_bytes());
        self.entry.extend_from_slice(&n.record.to_le_bytes());
        let at = self.spill.append(&self.entry)?;
        self.numbers.push((hash, at));
        Ok(())
    }

    pub fn add_ext_id(&mut self, hash: u64, key: &str) -> io::Result<()> {
        self.entry.clear();
        put(&mut self.entry, key.as_bytes());
        let at = self.spill.append(&self.entry)?;
        self.ext_ids.push((hash, at));
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
        for &(hash, at) in &places {
            let (key, next) = self.text(at)?;
            let mut digest = [0u8; 32];
            self.spill.read(next, &mut digest)?;
            let (source, next) = self.text(next + 32)?;
            let mut record = [0u8; 8];
            self.spill.read(next, &mut record)?;
            let n = NewNumber {
                key,
                payload_digest: digest,
                source,
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
        for &(hash, at) in &places {
            f(hash, &self.text(at)?.0)?;
        }
        self.ext_ids = places;
        Ok(())
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

    /// A length-prefixed text at `at`, and where the entry goes on.
    fn text(&mut self, at: u64) -> io::Result<(String, u64)> {
        let mut len = [0u8; 4];
        self.spill.read(at, &mut len)?;
        let len = u32::from_le_bytes(len);
        let mut bytes = vec![0u8; len as usize];
        self.spill.read(at + 4, &mut bytes)?;
        let text = String::from_utf8(bytes).map_err(|e| io::Error::other(e.to_string()))?;
        Ok((text, at + 4 + u64::from(len)))
    }
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}
