//! BLAKE3 digests of the bytes a run reads and writes: the audit trail of which input bytes
//! produced which payloads (`summary.json`).
//!
//! Why BLAKE3 and not SHA-256: both are cryptographic, but a run hashes every input byte
//! and every output byte on its single ordered thread, and BLAKE3 is about three times
//! faster there (SIMD over 1 KiB chunks); SHA-256 alone was a third of that thread's time.
//! `b3sum` (Debian package `b3sum`) checks the digests from a shell.

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::rc::Rc;

/// A BLAKE3 digest, held as bytes (a run may hash hundreds of thousands of files) and
/// written as lower-case hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    pub fn of(hasher: &Hasher) -> Digest {
        Digest(*hasher.finalize().as_bytes())
    }
}

/// The incremental hasher behind every digest.
pub type Hasher = blake3::Hasher;

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // One write of 64 characters: a run of 200,000 small files writes 200,000 digests,
        // and a formatter call per byte was a few per cent of such a run.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 64];
        for (i, b) in self.0.iter().enumerate() {
            text[2 * i] = HEX[usize::from(b >> 4)];
            text[2 * i + 1] = HEX[usize::from(b & 15)];
        }
        f.write_str(std::str::from_utf8(&text).map_err(|_| std::fmt::Error)?)
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Lower-case hex of a finished hash.
pub fn hex(hasher: &Hasher) -> String {
    Digest::of(hasher).to_string()
}

struct Inner {
    reader: Box<dyn Read>,
    hasher: Hasher,
}

/// A reader that hashes what passes through it; clones share the stream, so the reader
/// thread can drain and finish the hash after a format reader stopped early.
#[derive(Clone)]
pub struct SharedHashReader(Rc<RefCell<Inner>>);

impl SharedHashReader {
    pub fn new(reader: Box<dyn Read>) -> Self {
        SharedHashReader(Rc::new(RefCell::new(Inner {
            reader,
            hasher: Hasher::new(),
        })))
    }

    /// Reads what is left and returns the digest of the whole stream (of what could be
    /// read, when the stream fails).
    pub fn finish(&self) -> Digest {
        // Usually nothing is left: a small buffer first, a big one only if something is.
        let mut this = self.clone();
        let mut small = [0u8; 512];
        if matches!(this.read(&mut small), Ok(n) if n > 0) {
            let mut buf = vec![0u8; 64 << 10];
            while let Ok(n) = this.read(&mut buf) {
                if n == 0 {
                    break;
                }
            }
        }
        Digest::of(&self.0.borrow().hasher)
    }
}

impl Read for SharedHashReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut inner = self.0.borrow_mut();
        let n = loop {
            match inner.reader.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        inner.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// A writer that hashes what passes through it.
pub struct HashWriter<W: Write> {
    pub inner: W,
    pub hasher: Hasher,
}

impl<W: Write> Write for HashWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// SHA-256 in lower-case hex, as `sha256sum` prints it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_covers_the_whole_stream_even_when_reading_stops_early() {
        let data = b"hello world".to_vec();
        let r = SharedHashReader::new(Box::new(std::io::Cursor::new(data)));
        let mut first = [0u8; 3];
        r.clone().read_exact(&mut first).unwrap();
        assert_eq!(
            r.finish().to_string(),
            "d74981efa70a0c880b8d8c1985d075dbcbf679b99a5f9914e5aaf96b831a9e24"
        );
    }
}
