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
//! Standard input is never decompressed (it is read as the `--format` given; there is no
//! compression flag for it), so the limit does not apply to it. Were compressed standard
//! input ever added, its compressed size is unknown in advance: the limit would have to be
//! checked against the compressed bytes read so far.

use std::io::{self, Read};

/// Expanded bytes always allowed, whatever the ratio.
pub const FLOOR: u64 = 64 << 20;

/// `--max-expansion` when neither the flag nor the configuration file sets it.
pub const DEFAULT_FACTOR: u64 = 1000;

/// The most a file of `compressed` bytes may expand to under factor `factor`.
pub fn limit(factor: u64, compressed: u64) -> u64 {
    factor.saturating_mul(compressed).max(FLOOR)
}

/// A reader that fails once more than `limit` bytes have passed through it.
pub struct Limited<R> {
    inner: R,
    read: u64,
    limit: u64,
    factor: u64,
    compressed: u64,
}

impl<R: Read> Limited<R> {
    /// `inner` decodes a file of `compressed` bytes; `factor` is `--max-expansion`.
    pub fn new(inner: R, factor: u64, compressed: u64) -> Self {
        Limited {
            inner,
            read: 0,
            limit: limit(factor, compressed),
            factor,
            compressed,
        }
    }

    fn exceeded(&self) -> io::Error {
        io::Error::other(format!(
            "the file expands past the --max-expansion limit of {} bytes ({} times its {} \
             compressed bytes, at least {} MiB): a decompression bomb, or raise \
             --max-expansion to read it",
            self.limit,
            self.factor,
            self.compressed,
            FLOOR >> 20
        ))
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read > self.limit {
            return Err(self.exceeded());
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
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
    fn a_stream_at_the_limit_reads_to_its_end() {
        let mut r = Limited::new(io::repeat(b' ').take(FLOOR), 1, 1);
        assert_eq!(io::copy(&mut r, &mut io::sink()).unwrap(), FLOOR);
    }
}
