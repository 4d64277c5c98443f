//! `--max-expansion`: a bound on what a compressed file may expand to, so that a
//! decompression bomb (a 164 KB `.gz` of 5 GB of blank lines) ends in a file-level error
//! instead of a night of decompressing.
//!
//! The limit of a file is `max(64 MiB, N × its compressed size)`: the floor lets small
//! files of very repetitive data (a few hundred leads differ little) through whatever
//! their ratio, while the factor bounds the work per stored byte. The decoder is wrapped
//! in a [`Limited`] reader, which fails with an I/O error naming the limit and the flag
//! once more bytes than that have come out. The format readers already turn an I/O error
//! into a file-level `parse-error` and keep the records cut before it, so a bomb behaves
//! like a file truncated at the limit, reported as such.
//!
//! Standard input is decompressed when its first bytes are a gzip or zstd magic number
//! (`source::read_file`). Its compressed size is unknown in advance, so its limit is
//! checked against the compressed bytes read so far ([`Compressed::SoFar`], counted by a
//! [`Counted`] reader under the decoder): max(64 MiB, N × compressed bytes read). The
//! decoder reads ahead by at most its buffer, so the bound is that of a file of the size
//! read so far, a buffer's worth more lenient at most.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// Expanded bytes always allowed, whatever the ratio.
pub const FLOOR: u64 = 64 << 20;

/// `--max-expansion` when neither the flag nor the configuration file sets it.
pub const DEFAULT_FACTOR: u64 = 1000;

/// The most a file of `compressed` bytes may expand to under factor `factor`.
pub fn limit(factor: u64, compressed: u64) -> u64 {
    factor.saturating_mul(compressed).max(FLOOR)
}

/// The compressed size a limit is computed from.
#[derive(Debug, Clone)]
pub enum Compressed {
    /// A file's size, known before reading.
    Known(u64),
    /// Standard input: the compressed bytes read so far, as a [`Counted`] reader counts them.
    SoFar(Rc<Cell<u64>>),
}

impl Compressed {
    fn bytes(&self) -> u64 {
        match self {
            Compressed::Known(n) => *n,
            Compressed::SoFar(n) => n.get(),
        }
    }
}

/// A reader that counts the bytes read through it (the compressed bytes of standard input,
/// under its decoder).
pub struct Counted<R> {
    pub inner: R,
    pub count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// A reader that fails once more bytes than the limit have passed through it.
pub struct Limited<R> {
    inner: R,
    read: u64,
    factor: u64,
    compressed: Compressed,
}

impl<R: Read> Limited<R> {
    /// `inner` decodes a file of `compressed` bytes; `factor` is `--max-expansion`.
    pub fn new(inner: R, factor: u64, compressed: u64) -> Self {
        Self::of(inner, factor, Compressed::Known(compressed))
    }

    /// `inner` decodes `compressed` bytes (known, or counted so far).
    pub fn of(inner: R, factor: u64, compressed: Compressed) -> Self {
        Limited {
            inner,
            read: 0,
            factor,
            compressed,
        }
    }

    fn limit(&self) -> u64 {
        limit(self.factor, self.compressed.bytes())
    }

    fn exceeded(&self) -> io::Error {
        let (what, whose) = match self.compressed {
            Compressed::Known(_) => ("the file", "its"),
            Compressed::SoFar(_) => ("standard input", "the first"),
        };
        io::Error::other(format!(
            "{what} expands past the --max-expansion limit of {} bytes ({} times {whose} {} \
             compressed bytes, at least {} MiB): a decompression bomb, or raise \
             --max-expansion to read it",
            self.limit(),
            self.factor,
            self.compressed.bytes(),
            FLOOR >> 20
        ))
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read > self.limit() {
            return Err(self.exceeded());
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit() {
            // None of this read is handed on: what the reader got is within the limit.
            return Err(self.exceeded());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_the_factor_times_the_size_but_never_below_the_floor() {
        assert_eq!(limit(1000, 10), FLOOR);
        assert_eq!(limit(1000, 1 << 20), 1000 << 20);
        assert_eq!(limit(0, 1 << 30), FLOOR);
        assert_eq!(limit(u64::MAX, 2), u64::MAX);
    }

    #[test]
    fn reading_past_the_limit_fails_and_keeps_failing() {
        let mut r = Limited::new(io::repeat(b' ').take(FLOOR + 10), 1000, 5);
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0u64;
        let err = loop {
            match r.read(&mut buf) {
                Ok(0) => panic!("the limit was not enforced"),
                Ok(n) => total += n as u64,
                Err(e) => break e,
            }
        };
        assert!(total <= FLOOR);
        let msg = err.to_string();
        assert!(
            msg.contains("--max-expansion limit of 67108864 bytes"),
            "{msg}"
        );
        assert!(msg.contains("1000 times its 5 compressed bytes"), "{msg}");
        assert!(r.read(&mut buf).is_err());
    }

    #[test]
    fn a_stream_of_unknown_size_is_limited_by_the_bytes_read_so_far() {
        let count = Rc::new(Cell::new(3));
        let mut r = Limited::of(
            io::repeat(b' ').take(FLOOR + 10),
            1000,
            Compressed::SoFar(count.clone()),
        );
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0u64;
        let err = loop {
            match r.read(&mut buf) {
                Ok(0) => panic!("the limit was not enforced"),
                Ok(n) => total += n as u64,
                Err(e) => break e,
            }
        };
        assert!(total <= FLOOR);
        let msg = err.to_string();
        assert!(msg.starts_with("standard input expands past"), "{msg}");
        assert!(
            msg.contains("1000 times the first 3 compressed bytes"),
            "{msg}"
        );
        // More compressed bytes read: a higher limit.
        count.set(FLOOR);
        assert!(r.read(&mut buf).is_ok());
    }

    #[test]
    fn a_stream_at_the_limit_reads_to_its_end() {
        let mut r = Limited::new(io::repeat(b' ').take(FLOOR), 1, 1);
        assert_eq!(io::copy(&mut r, &mut io::sink()).unwrap(), FLOOR);
    }
}
