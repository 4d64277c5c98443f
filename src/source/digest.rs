//! SHA-256 of the bytes a run reads and writes: the audit trail of which input bytes
//! produced which payloads (`summary.json`).

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::rc::Rc;

use sha2::{Digest, Sha256};

/// A SHA-256 digest, held as bytes (a run may hash hundreds of thousands of files) and
/// written as lower-case hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sha256Digest(pub [u8; 32]);

impl Sha256Digest {
    pub fn of(hasher: Sha256) -> Sha256Digest {
        Sha256Digest(hasher.finalize().into())
    }
}

impl std::fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for Sha256Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Lower-case hex of a finished hash.
pub fn hex(hasher: Sha256) -> String {
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Inner {
    reader: Box<dyn Read>,
    hasher: Sha256,
}

/// A reader that hashes what passes through it; clones share the stream, so the reader
/// thread can drain and finish the hash after a format reader stopped early.
#[derive(Clone)]
pub struct SharedHashReader(Rc<RefCell<Inner>>);

impl SharedHashReader {
    pub fn new(reader: Box<dyn Read>) -> Self {
        SharedHashReader(Rc::new(RefCell::new(Inner {
            reader,
            hasher: Sha256::new(),
        })))
    }

    /// Reads what is left and returns the digest of the whole stream (of what could be
    /// read, when the stream fails).
    pub fn finish(&self) -> Sha256Digest {
        let mut buf = [0u8; 8192];
        let mut this = self.clone();
        while let Ok(n) = this.read(&mut buf) {
            if n == 0 {
                break;
            }
        }
        let hasher = std::mem::take(&mut self.0.borrow_mut().hasher);
        Sha256Digest::of(hasher)
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
    pub hasher: Sha256,
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
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
    }
}
