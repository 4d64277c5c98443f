//! Lists that grow with the input (a row per file, a path per skipped file), written to a
//! temporary file as a run goes and read back, in order, whenever `summary.json` or
//! `report.html` is written. A run of two million files would otherwise hold hundreds of
//! megabytes of them.
//!
//! Rows are kept in a plain binary form (`Row`): as JSON, the round trip per row was 9% of
//! a run of 200,000 one-lead files.

use std::io::{self, Read};
use std::marker::PhantomData;
use std::path::Path;

use serde::Serialize;

use crate::spill::{Spill, Stored};

/// What a `List` holds: written to bytes and read back.
pub trait Row: Sized {
    fn encode(&self, out: &mut Vec<u8>);
    fn decode(r: &mut impl Read) -> io::Result<Self>;
    /// Whether the row counts in `List::flagged` (a file with an error).
    fn flagged(&self) -> bool {
        false
    }
}

/// Rows in the order they were pushed, kept in a temporary file.
pub struct List<T> {
    rows: Option<Stored>,
    len: u64,
    flagged: u64,
    row: PhantomData<fn() -> T>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            rows: None,
            len: 0,
            flagged: 0,
            row: PhantomData,
        }
    }
}

impl<T> Clone for List<T> {
    fn clone(&self) -> Self {
        List {
            rows: self.rows.clone(),
            len: self.len,
            flagged: self.flagged,
            row: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for List<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("List")
            .field("len", &self.len)
            .field("flagged", &self.flagged)
            .finish()
    }
}

impl<T: Row> List<T> {
    /// Rows listed.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Rows flagged (for files: files with an error).
    pub fn flagged(&self) -> u64 {
        self.flagged
    }

    /// The rows in order. Fails only when the temporary file cannot be read back.
    pub fn iter(&self) -> impl Iterator<Item = io::Result<T>> + '_ {
        let mut rows = self
            .rows
            .as_ref()
            .map(|r| io::BufReader::with_capacity(64 << 10, r.reader()));
        let mut left = self.len;
        std::iter::from_fn(move || {
            let rows = rows.as_mut()?;
            if left == 0 {
                return None;
            }
            left -= 1;
            Some(T::decode(rows))
        })
    }

    /// The rows in memory: for tests and for callers that know the run was small.
    pub fn to_vec(&self) -> io::Result<Vec<T>> {
        self.iter().collect()
    }
}

impl<T: Row + Serialize> Serialize for List<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.len as usize))?;
        for row in self.iter() {
            seq.serialize_element(&row.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

/// Writes the rows of a `List`.
pub struct ListWriter<T> {
    spill: Spill,
    buf: Vec<u8>,
    len: u64,
    flagged: u64,
    row: PhantomData<fn() -> T>,
}

impl<T: Row> ListWriter<T> {
    /// Keeps the rows in a temporary file in `dir` named after `name`.
    pub fn create(dir: &Path, name: &str) -> io::Result<ListWriter<T>> {
        Ok(ListWriter {
            spill: Spill::create(dir, name)?,
            buf: Vec::with_capacity(256),
            len: 0,
            flagged: 0,
            row: PhantomData,
        })
    }

    /// Appends the next row.
    pub fn push(&mut self, row: &T) -> io::Result<()> {
        self.buf.clear();
        row.encode(&mut self.buf);
        self.spill.append(&self.buf)?;
        self.len += 1;
        self.flagged += u64::from(row.flagged());
        Ok(())
    }

    pub fn finish(self) -> io::Result<List<T>> {
        Ok(List {
            rows: Some(self.spill.into_stored()?),
            len: self.len,
            flagged: self.flagged,
            row: PhantomData,
        })
    }
}

/// A text: its length in bytes, then its UTF-8.
pub fn put_text(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

pub fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

pub fn get_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

pub fn get_u8(r: &mut impl Read) -> io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

pub fn get_text(r: &mut impl Read) -> io::Result<String> {
    let len = get_u64(r)?;
    let mut s = Vec::new();
    r.take(len).read_to_end(&mut s)?;
    if s.len() as u64 != len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    String::from_utf8(s).map_err(io::Error::other)
}

/// A path or message.
impl Row for String {
    fn encode(&self, out: &mut Vec<u8>) {
        put_text(out, self);
    }

    fn decode(r: &mut impl Read) -> io::Result<String> {
        get_text(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_in_order_and_serialize_like_a_vector() {
        let dir = tempfile::tempdir().unwrap();
        let texts: Vec<String> = ["a", "", "dir/ü \"q\"\n.txt", "z"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut w = ListWriter::<String>::create(dir.path(), "t").unwrap();
        for t in &texts {
            w.push(t).unwrap();
        }
        let list = w.finish().unwrap();
        assert_eq!((list.len(), list.flagged()), (4, 0));
        assert_eq!(list.to_vec().unwrap(), texts);
        assert_eq!(
            serde_json::to_string(&list).unwrap(),
            serde_json::to_string(&texts).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&List::<String>::default()).unwrap(),
            "[]"
        );
    }
}
